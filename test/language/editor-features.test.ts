// Rename, workspace symbols, semantic tokens, folding and the "expanded source" request on the
// kernel sample, over a real LSP connection (stdio).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FoldingRange, SemanticTokens, SymbolInformation, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { positionOf, ROOT, TestClient, uri } from './lsp-client.js';

const SAMPLE = join(ROOT, 'samples/kernel-entry');
const ENTRY = join(SAMPLE, 'entry_64.S');
const CALLING = join(SAMPLE, 'include/asm/calling.h');
const entryText = readFileSync(ENTRY, 'utf8');
const callingText = readFileSync(CALLING, 'utf8');

describe('language server editor features on the kernel sample (LSP over stdio)', function () {
  this.timeout(60_000);
  let client: TestClient;
  let legend: { tokenTypes: string[]; tokenModifiers: string[] };

  before(async () => {
    client = new TestClient({ includePaths: ['include'] });
    const init = (await client.initialize(SAMPLE)) as { capabilities: { semanticTokensProvider: { legend: typeof legend } } };
    legend = init.capabilities.semanticTokensProvider.legend;
    await client.open(ENTRY);
    await client.waitForDiagnostics(ENTRY);
  });
  after(async () => {
    await client.stop();
  });

  it('renames a GAS macro in its header and at every invocation, leaving the skipped #ifdef branch to the user', async () => {
    const p = positionOf(entryText, 'SWITCH_TO_KERNEL_CR3', '#else');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...client.at(ENTRY, p.line, p.character), newName: 'SWITCH_TO_KERNEL_PGD' });
    const inEntry = edit.changes![uri(ENTRY)].map((e) => e.range.start.line).sort((a, b) => a - b);
    const lines = entryText.split('\n');
    assert.equal(inEntry.length, 3);
    for (const l of inEntry) assert.match(lines[l], /^\s+SWITCH_TO_KERNEL_CR3 scratch_reg=/);
    // The -DBUG_PCPU_HOT_BEFORE_CR3 branch is not assembled in this configuration, so not renamed.
    assert.ok(!inEntry.includes(positionOf(entryText, 'SWITCH_TO_KERNEL_CR3').line));
    const inCalling = edit.changes![uri(CALLING)];
    assert.equal(inCalling.length, 1);
    assert.equal(callingText.split('\n')[inCalling[0].range.start.line].slice(inCalling[0].range.start.character, inCalling[0].range.end.character), 'SWITCH_TO_KERNEL_CR3');
  });

  it('renames a #define at its definition, in #define bodies that use it and in macro bodies', async () => {
    const p = positionOf(callingText, 'PTI_USER_PGTABLE_AND_PCID_MASK');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...client.at(CALLING, p.line, p.character), newName: 'PTI_SWITCH_MASK' });
    const lines = edit.changes![uri(CALLING)].map((e) => callingText.split('\n')[e.range.start.line].trim());
    assert.equal(lines.length, 3, JSON.stringify(lines));
    assert.ok(lines.some((l) => l.startsWith('#define PTI_USER_PGTABLE_AND_PCID_MASK')));
    assert.ok(lines.some((l) => l.startsWith('andq')));
    assert.ok(lines.some((l) => l.startsWith('orq')));
  });

  it('finds workspace symbols across the sample\'s units (labels, macros, #defines)', async () => {
    const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'switch_to' });
    const names = found.map((s) => `${s.name}@${s.location.uri.split('/').pop()}`);
    assert.ok(names.includes('__switch_to_asm@entry_64.S'), names.join(' '));
    assert.ok(names.some((n) => n.startsWith('switch_to_kernel_cr3@calling.h')), names.join(' '));
    const sched = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'do_syscall_64' });
    assert.ok(sched.some((s) => s.location.uri.endsWith('core.S')), 'defined in core.S, another unit');
  });

  it('colours macro invocations as macros and instructions as keywords (semantic tokens)', async () => {
    const t = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: uri(ENTRY) } });
    const decoded: Array<{ line: number; char: number; length: number; type: string; modifiers: string[] }> = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < t.data.length; i += 5) {
      line += t.data[i];
      char = t.data[i] === 0 ? char + t.data[i + 1] : t.data[i + 1];
      const mods = legend.tokenModifiers.filter((_, k) => t.data[i + 4] & (1 << k));
      decoded.push({ line, char, length: t.data[i + 2], type: legend.tokenTypes[t.data[i + 3]], modifiers: mods });
    }
    const text = (d: (typeof decoded)[number]) => entryText.split('\n')[d.line].slice(d.char, d.char + d.length);
    const at = (s: string, after?: string) => {
      const p = positionOf(entryText, s, after);
      return decoded.find((d) => d.line === p.line && d.char === p.character);
    };
    assert.equal(at('SWITCH_TO_KERNEL_CR3', '#else')?.type, 'macro');
    assert.equal(at('swapgs', 'entry_SYSCALL_64:')?.type, 'keyword');
    assert.equal(at('__USER_DS', 'pushq')?.type, 'macro');
    assert.ok(at('__USER_DS', 'pushq')!.modifiers.includes('readonly'), 'a #define');
    const pcpu = at('pcpu_hot +', '4. This task');
    assert.ok(pcpu && pcpu.modifiers.includes('perCpu'), `pcpu_hot is per-CPU: ${JSON.stringify(pcpu)}`);
    const local = decoded.find((d) => text(d) === '1' && d.type === 'label');
    assert.ok(local && local.modifiers.includes('local'));
  });

  it('folds .macro/.endm, #if/#endif and block comments', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: uri(CALLING) } });
    const lines = callingText.split('\n');
    const starting = (s: string) => ranges.find((r) => lines[r.startLine].startsWith(s));
    const m = starting('.macro SWITCH_TO_KERNEL_CR3')!;
    assert.ok(lines[m.endLine].startsWith('.endm'));
    const guard = starting('#ifndef _ASM_CALLING_H')!;
    assert.equal(guard.endLine, lines.map((l, i) => (l.startsWith('#endif') ? i : -1)).reduce((a, b) => Math.max(a, b)));
    assert.ok(ranges.some((r) => r.kind === 'comment'));
  });

  it('answers the expanded-source request for the macro at the cursor and for the whole file', async () => {
    const p = positionOf(entryText, 'PUSH_AND_CLEAR_REGS rax=$-ENOSYS');
    const one = await client.request<{ macro?: string; text: string }>('x64emu/expandedSource', client.at(ENTRY, p.line, p.character + 2));
    assert.equal(one.macro?.toLowerCase(), 'push_and_clear_regs');
    const lines = one.text.trimEnd().split('\n');
    // The nested invocations, then their expansions indented under them; -ENOSYS is already -38.
    assert.equal(lines[0], 'PUSH_REGS rax=$-38');
    assert.equal(lines[1], '    pushq %rdi');
    assert.ok(lines.includes('    pushq $-38'));
    assert.ok(lines.includes('CLEAR_REGS'));
    assert.ok(lines.includes('    xorl %r15d,%r15d'));
    const whole = await client.request<{ macro?: string; text: string }>('x64emu/expandedSource', { textDocument: { uri: uri(ENTRY) } });
    assert.equal(whole.macro, undefined);
    assert.match(whole.text, /^swapgs\s+# 28$/m);
    assert.match(whole.text, /^\s+movq %cr3,%rsp$/m);
  });
});
