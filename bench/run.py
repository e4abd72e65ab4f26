"""`make bench` / `make bench-quick`: run every benchmark and print each figure and target with PASS or
FAIL. Exits 1 when a target fails (the figures are printed either way); CI does not run it.

    python -m bench.run [--quick] [--only 1,2,3,4,5] [--postgres URL]

PostgreSQL (benchmark 4 runs on it besides SQLite) comes from --postgres, else BENCH_DATABASE_URL, else
TEST_DATABASE_URL; it runs in a schema of its own there, dropped afterwards. Without one, benchmark 4
runs on SQLite only.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from bench import command_path, digests, growth, startup
from bench.report import Result, table
from tests.throwaway_postgres import scratch_database


def machine() -> str:
    cpu = next(
        (
            r.split(":", 1)[1].strip()
            for r in Path("/proc/cpuinfo").read_text().splitlines()
            if r.startswith("model name")
        ),
        platform.processor() or "?",
    )
    load = os.getloadavg()
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {load[0]:.1f} at the start"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute")
    parser.add_argument("--only", default="1,2,3,4,5", help="which benchmarks, e.g. 3,4")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    )
    args = parser.parse_args()
    chosen = {int(n) for n in args.only.split(",")}
    print(f"pmbot benchmarks ({'quick' if args.quick else 'full'} size) on {machine()}", flush=True)
    results: list[Result] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pmbot-bench-") as scratch:
        workdir = Path(scratch)
        if chosen & {1, 2}:
            results += [
                r
                for r, n in zip(command_path.run(workdir, quick=args.quick), (1, 2), strict=True)
                if n in chosen
            ]
        if 3 in chosen:
            results.append(digests.run(workdir, quick=args.quick))
        if 4 in chosen:
            results.append(growth.run("sqlite", workdir, None, quick=args.quick))
            if args.postgres:
                with scratch_database(args.postgres) as url:  # a schema of its own: nothing else is touched
                    results.append(growth.run("postgresql", workdir, url, quick=args.quick))
            else:
                results[-1].notes.append("PostgreSQL not run: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)")
        if 5 in chosen:
            results.append(startup.run(workdir, quick=args.quick))
    print(table(results))
    print(f"\nAll benchmarks took {time.monotonic() - started:.0f} s.")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
