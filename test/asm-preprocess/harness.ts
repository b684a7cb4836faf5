// Helpers for the preprocessor corpus test (test/asm-preprocess.test.ts): a Node-backed
// SourceFileSystem that spells paths the way GCC does, running GCC, and the normalisation.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { preprocess } from '../../src/core/asm/preprocess/index.js';
import type { Diagnostic, SourceFileSystem } from '../../src/core/asm/types.js';

export const CORPUS = new URL('.', import.meta.url).pathname;
export const INCLUDE_PATHS = ['include2', 'include'];

/**
 * Paths relative to `root`, joined without normalisation: GCC names an included file
 * "<dir of includer>/<name>" (or "<-I dir>/<name>"), which is what __FILE__ shows, so joining
 * the same way makes __FILE__ comparable.
 */
export function nodeFs(root: string): SourceFileSystem {
  const abs = (p: string) => (p.startsWith('/') ? p : join(root, p));
  return {
    readFile: (p) => {
      const a = abs(p);
      return existsSync(a) && statSync(a).isFile() ? readFileSync(a, 'utf8') : undefined;
    },
    resolve: (dir, rel) => (rel.startsWith('/') || dir === '' ? rel : dir.endsWith('/') ? dir + rel : `${dir}/${rel}`),
    dirname: (p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : ''),
  };
}

export function haveGcc(): boolean {
  const r = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export function corpusFiles(): string[] {
  return readdirSync(join(CORPUS, 'cases'))
    .filter((f) => f.endsWith('.S'))
    .sort()
    .map((f) => `cases/${f}`);
}

export interface Run {
  lines: string[];
  diagnostics: string[];
}

export function runGcc(file: string): Run {
  const args = ['-E', '-P', '-x', 'assembler-with-cpp', '-nostdinc', '-D__ASSEMBLY__', ...INCLUDE_PATHS.map((d) => `-I${d}`), file];
  const r = spawnSync('gcc', args, { cwd: CORPUS, encoding: 'utf8' });
  const diagnostics = r.stderr
    .split('\n')
    .map((l) => /^(\S+:\d+:\d+: (?:error|warning): .*?)(?: \[-W[^\]]+\])?$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
  return { lines: r.stdout.split('\n'), diagnostics };
}

export function runOurs(file: string): Run {
  const r = preprocess(file, { fs: nodeFs(CORPUS), includePaths: INCLUDE_PATHS });
  const diagnostics = r.diagnostics
    .filter((d: Diagnostic) => d.severity !== 'note')
    .map((d) => `${d.location.file}:${d.location.line}:${d.location.column}: ${d.severity}: ${d.message}`);
  return { lines: r.lines.map((l) => l.text), diagnostics };
}

/**
 * The normalisation (see README.md): lines that are empty or only whitespace are dropped (GCC
 * prints such lines for directives it handles itself, e.g. `#pragma once` or `_Pragma`, and
 * they carry no tokens); leading and trailing whitespace is removed (GCC re-indents the line
 * after a `_Pragma` from the column of a stale token, which GAS does not care about). Spacing
 * inside a line is compared exactly, so the token sequence of each line is identical.
 */
export function normalize(lines: string[]): string[] {
  return lines.map((l) => l.trim()).filter((l) => l !== '');
}

/** A unified-ish listing of the differing lines (empty when equal). */
export function diffLines(expected: string[], actual: string[], context = 2): string[] {
  const out: string[] = [];
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] === actual[i]) continue;
    for (let j = Math.max(0, i - context); j < i; j++) out.push(`  ${expected[j]}`);
    out.push(`- ${expected[i] ?? '<end>'}`, `+ ${actual[i] ?? '<end>'}`);
    if (out.length > 60) break;
    // Report the first divergence of each region only.
    while (i + 1 < n && expected[i + 1] !== actual[i + 1]) i++;
  }
  return out;
}
