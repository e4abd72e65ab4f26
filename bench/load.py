"""The load generator, a process of its own: signed `/pm` slash commands over loopback with an async
HTTP client, `--clients` at a time, timing each request until its acknowledgement (HTTP 200).

    python -m bench.load --url http://127.0.0.1:3000/slack/events --secret S --requests 1000 \
        --clients 32 --warmup 100 --status-every 10 --response-url http://127.0.0.1:…/response/ \
        --team T0TEST --channel C… --tag r1

Every `--status-every`-th request is `/pm status on-track …` (stored, then summarised), the others
`/pm risks`. `--rate` paces the requests (per second, in total) instead of sending them as fast as the
server answers. Prints one JSON object: latencies in seconds, errors, and the status requests sent.
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp


def signed(secret: str, body: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def form(args: argparse.Namespace, n: int) -> tuple[str, bool]:
    status = args.status_every > 0 and n % args.status_every == 0
    text = (
        f"status on-track Retrained the churn model on batch {args.tag}{n}; recall held."
        if status
        else "risks"
    )
    fields = {
        "token": "bench",
        "team_id": args.team,
        "team_domain": "bench",
        "channel_id": args.channel,
        "channel_name": "bench",
        "user_id": args.user,
        "user_name": "alice",
        "command": "/pm",
        "text": text,
        "api_app_id": "A0PMBOT",
        "is_enterprise_install": "false",
        "response_url": f"{args.response_url}{args.tag}-{n}{'-status' if status else ''}",
        "trigger_id": f"{args.tag}.{n}.{time.time_ns()}",
    }
    return urlencode(fields), status


async def run(args: argparse.Namespace) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    statuses = 0
    numbers = iter(range(args.warmup + args.requests))
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=args.clients)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def client() -> None:
            nonlocal statuses
            for n in numbers:
                if args.rate:
                    wait = started + n / args.rate - time.perf_counter()
                    if wait > 0:
                        await asyncio.sleep(wait)
                body, status = form(args, n)
                statuses += status
                begin = time.perf_counter()
                try:
                    async with session.post(
                        args.url, data=body, headers=signed(args.secret, body)
                    ) as response:
                        await response.read()
                        ok = response.status == 200
                        problem = f"HTTP {response.status}"
                except (aiohttp.ClientError, TimeoutError) as error:
                    ok, problem = False, repr(error)
                spent = time.perf_counter() - begin
                if n < args.warmup:
                    continue
                latencies.append(spent)
                if not ok:
                    errors.append(problem)

        await asyncio.gather(*(client() for _ in range(args.clients)))
    return {
        "latencies": latencies,
        "errors": len(errors),
        "first_errors": errors[:5],
        "statuses": statuses,
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--status-every", type=int, default=0)
    parser.add_argument("--response-url", required=True)
    parser.add_argument("--team", required=True)
    parser.add_argument("--channel", required=True)
    parser.add_argument("--user", default="U0ALICE")
    parser.add_argument("--tag", default="r")
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
