// Mutated sources never make the assembler throw: every problem becomes a diagnostic.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { buildProgram } from './build.js';
import type { SourceFileSystem } from './types.js';

const SEEDS = ['samples/hello/hello.S', 'test/system/mini-kernel.S', 'test/system/timer-kernel.S', 'bench/cpu-bound.S'];

/** xorshift32: deterministic, so a failing mutation reproduces from its index. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const PIECES = ['%', '$', '(', ')', ',', ':', '.macro m a b=1\n', '.endm\n', '\\a', '.rept 3\n', '.endr\n', '#define X(a) a##a\n', '#if 1\n', '#endif\n', '"', "'", '\\@', '.if 0\n', '.else\n', '.endif\n', '1b', '2f', '*', '<<', '0x', '.section .x,"awx"\n', 'lock ', 'rep ', '%gs:', '-', '\n', ';'];

function mutate(text: string, next: () => number): string {
  let s = text;
  const edits = 1 + (next() % 4);
  for (let e = 0; e < edits; e++) {
    const at = next() % (s.length + 1);
    switch (next() % 5) {
      case 0: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + (next() % 12));
        break;
      case 1: // insert a syntax piece
        s = s.slice(0, at) + PIECES[next() % PIECES.length] + s.slice(at);
        break;
      case 2: {
        // duplicate a line
        const lines = s.split('\n');
        const i = next() % lines.length;
        lines.splice(i, 0, lines[i]);
        s = lines.join('\n');
        break;
      }
      case 3: // swap in a random printable character
        s = s.slice(0, at) + String.fromCharCode(32 + (next() % 95)) + s.slice(at + 1);
        break;
      default: {
        // truncate the file
        s = s.slice(0, at);
      }
    }
  }
  return s;
}

describe('assembler fuzzing with mutated sources', function () {
  this.timeout(600_000);
  it('10,000 mutated sources produce diagnostics, never an exception', () => {
    const seeds = SEEDS.map((p) => [p, readFileSync(p, 'utf8')] as const);
    const next = rng(0xa5a5);
    let withErrors = 0;
    for (let i = 0; i < 10_000; i++) {
      const [path, text] = seeds[i % seeds.length];
      const mutated = mutate(text, next);
      const fs: SourceFileSystem = {
        readFile: (p) => (p === path ? mutated : undefined),
        resolve: (dir, rel) => `${dir}/${rel}`,
        dirname: (p) => p.slice(0, Math.max(0, p.lastIndexOf('/'))) || '.',
      };
      let result;
      try {
        result = buildProgram({ files: [path], fs });
      } catch (e) {
        assert.fail(`mutation ${i} of ${path} threw: ${(e as Error).stack}\n--- source ---\n${mutated}`);
      }
      if (result.diagnostics.some((d) => d.severity === 'error')) {
        withErrors++;
        assert.equal(result.elf, undefined, 'no output file when there are errors');
      }
      for (const d of result.diagnostics) {
        // Link-level diagnostics (entry symbol, layout) may have no line; they still name a file.
        assert.ok(d.location.file && d.location.line >= 0, `diagnostic without a place: ${d.message}`);
      }
    }
    assert.ok(withErrors > 1000, `only ${withErrors} mutations produced errors: the mutator is too gentle`);
  });
});
