// Language-server latency (part of npm run bench): time to first diagnostics and to a hover,
// on the kernel sample and on a generated 20,000-line file, through the built server
// (dist/language-server.js) over stdio, as the editor runs it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hover } from 'vscode-languageserver-protocol';
import { positionOf, TestClient } from '../test/language/lsp-client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = [process.execPath, join(ROOT, 'dist/language-server.js')];

/** A kernel-style file: a header of macros and #defines, then many functions that use them. */
function generated(lines: number): { main: string; header: string } {
  const header = [
    '#define FRAME_SIZE 64',
    '#define SCALE(x) ((x) * 8)',
    '.macro SAVE_PAIR a, b',
    '\tpushq \\a',
    '\tpushq \\b',
    '.endm',
    '.macro RESTORE_PAIR a, b',
    '\tpopq \\b',
    '\tpopq \\a',
    '.endm',
    '',
  ].join('\n');
  const out = ['#include "gen.h"', '\t.text'];
  let n = 0;
  while (out.length < lines) {
    out.push(`\t.globl fn_${n}`, `fn_${n}:`, '\tSAVE_PAIR %rbx, %r12', `\tmovq $${n}, %rax`, '\tleaq SCALE(3)(%rdi), %rsi', `\taddq $FRAME_SIZE, %rax`, '1:\tdecq %rax', '\tjnz 1b', `\tcall fn_${Math.max(0, n - 1)}`, '\tRESTORE_PAIR %rbx, %r12', '\tret');
    n++;
  }
  return { main: out.slice(0, lines).join('\n') + '\n', header };
}

async function measure(label: string, root: string, file: string, settings: { includePaths?: string[] }, hoverAt: { needle: string; after?: string }): Promise<string> {
  const client = new TestClient(settings, SERVER);
  try {
    await client.initialize(root);
    const text = readFileSync(file, 'utf8');
    const t0 = performance.now();
    await client.open(file);
    await client.waitForDiagnostics(file, () => true, 120_000);
    const firstDiagnostics = performance.now() - t0;
    const p = positionOf(text, hoverAt.needle, hoverAt.after);
    const t1 = performance.now();
    const h = await client.request<Hover | null>('textDocument/hover', client.at(file, p.line, p.character));
    const hover = performance.now() - t1;
    if (!h) throw new Error(`${label}: no hover on ${hoverAt.needle}`);
    const t2 = performance.now();
    await client.request<Hover | null>('textDocument/hover', client.at(file, p.line, p.character));
    const hover2 = performance.now() - t2;
    // An edit: debounce (200 ms) + re-assembly until the new diagnostics arrive.
    const t3 = performance.now();
    await client.replace(file, text + '\n\tbogus_instruction\n');
    await client.waitForDiagnostics(file, (d) => d.length > 0, 120_000);
    const edit = performance.now() - t3;
    return `${label}: first diagnostics ${firstDiagnostics.toFixed(0)} ms; hover ${hover.toFixed(0)} ms (again ${hover2.toFixed(0)} ms); diagnostics after an edit ${edit.toFixed(0)} ms (incl. 200 ms debounce)`;
  } finally {
    await client.stop();
  }
}

export async function runLanguageBench(): Promise<void> {
  const sample = join(ROOT, 'samples/kernel-entry');
  console.log(await measure('language server, kernel sample (entry_64.S)', sample, join(sample, 'entry_64.S'), { includePaths: ['include'] }, { needle: 'SWITCH_TO_KERNEL_CR3', after: '#else' }));
  const dir = join(ROOT, '.cache', 'bench', 'language');
  mkdirSync(dir, { recursive: true });
  const g = generated(20_000);
  writeFileSync(join(dir, 'gen.h'), g.header);
  writeFileSync(join(dir, 'gen-20000.S'), g.main);
  console.log(await measure('language server, generated 20,000-line file', dir, join(dir, 'gen-20000.S'), {}, { needle: 'SAVE_PAIR', after: 'fn_1500:' }));
}
