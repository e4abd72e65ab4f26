"""pmbot's benchmarks (`make bench`, `make bench-quick`): figures measured side by side in one run, each
target printed with PASS or FAIL. Not tests: a slow machine fails no build. See docs/PERFORMANCE.md."""
