#!/usr/bin/env bash
# The demo: run samples/hello/hello.S on the emulator — assembled in memory by the built-in
# GNU-compatible assembler, so no toolchain is needed — then trace its first instructions.
set -euo pipefail
cd "$(dirname "$0")/.."
set +e
node dist/cli.js run samples/hello/hello.S -- one two three
echo "exit status: $?"
echo "--- first instructions, traced (x64emu run --trace --max-instructions 12):"
node dist/cli.js run samples/hello/hello.S --trace --max-instructions 12 -- one two three 2>&1 >/dev/null
true
