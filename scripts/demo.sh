#!/usr/bin/env bash
# Builds samples/hello with GNU as/ld and runs it natively-free on the emulator, then shows a trace.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/demo
as -o .cache/demo/hello.o samples/hello/hello.S
ld -static -o .cache/demo/hello .cache/demo/hello.o
set +e
node dist/cli.js run .cache/demo/hello -- one two three
echo "exit status: $?"
echo "--- first instructions, traced (x64emu run --trace --max-instructions 12):"
node dist/cli.js run .cache/demo/hello --trace --max-instructions 12 -- one two three 2>&1 >/dev/null
true
