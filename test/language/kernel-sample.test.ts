// The language server on the kernel sample, over a real LSP connection (stdio): what a reader of
// entry_64.S gets from hovers, go to definition, references, completion and the outline.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionItem, DocumentSymbol, Hover, Location, MarkupContent } from 'vscode-languageserver-protocol';
import { positionOf, ROOT, TestClient, uri } from './lsp-client.js';

const SAMPLE = join(ROOT, 'samples/kernel-entry');
const ENTRY = join(SAMPLE, 'entry_64.S');
const CALLING = join(SAMPLE, 'include/asm/calling.h');
const entryText = readFileSync(ENTRY, 'utf8');
/** 1-based lines of the assembled SWITCH_TO_KERNEL_CR3 invocations (the BUG_ variant's branch is skipped). */
const assembledCr3Lines = (() => {
  const lines = entryText.split('\n');
  const bugStart = lines.findIndex((l) => l.startsWith('#ifdef BUG_PCPU_HOT_BEFORE_CR3'));
  const bugEnd = lines.findIndex((l, i) => i > bugStart && l.startsWith('#else'));
  return lines.flatMap((l, i) => (/^\s+SWITCH_TO_KERNEL_CR3\b/.test(l) && (i < bugStart || i > bugEnd) ? [i + 1] : []));
})();

describe('language server on the kernel sample (LSP over stdio)', function () {
  this.timeout(60_000);
  let client: TestClient;

  before(async () => {
    client = new TestClient({ includePaths: ['include'] });
    await client.initialize(SAMPLE);
    await client.open(ENTRY);
  });
  after(async () => {
    await client.stop();
  });

  const hoverText = async (needle: string, after?: string, offset = 0): Promise<string> => {
    const p = positionOf(entryText, needle, after);
    const h = await client.request<Hover | null>('textDocument/hover', client.at(ENTRY, p.line, p.character + offset));
    assert.ok(h, `no hover on ${needle}`);
    return (h.contents as MarkupContent).value;
  };

  it('publishes no errors for the sample as it is (it assembles with the include path from the settings)', async () => {
    const d = await client.waitForDiagnostics(ENTRY);
    assert.deepEqual(d.filter((x) => x.severity === 1), []);
  });

  it('hovers a mnemonic with our description, its forms, flags and the privilege rule', async () => {
    const swapgs = await hoverText('swapgs', 'entry_SYSCALL_64:');
    assert.match(swapgs, /KERNEL_GS_BASE/);
    assert.match(swapgs, /#GP\(0\) if CPL > 0/);
    const test = await hoverText('testq');
    assert.match(test, /This instruction: `TEST r\/m64, imm32`/);
    assert.match(test, /clears CF OF/);
    assert.match(test, /testq \$imm32, r\/m64/);
  });

  it('hovers an instruction with a control register operand as ring-0 only, with the exact form', async () => {
    const callingText = readFileSync(CALLING, 'utf8');
    const p = positionOf(callingText, 'movq', '.macro SWITCH_TO_KERNEL_CR3');
    const h = await client.request<Hover | null>('textDocument/hover', client.at(CALLING, p.line, p.character));
    const v = (h!.contents as MarkupContent).value;
    assert.match(v, /MOV r64, cr/);
    assert.match(v, /#GP\(0\) if CPL > 0/);
    assert.match(v, /movq r64, r\/m64/, 'forms for the 64-bit size used');
  });

  it('hovers a register with width, aliases and role', async () => {
    const v = await hoverText('%rsp', 'entry_SYSCALL_64:', 1);
    assert.match(v, /64-bit general register/);
    assert.match(v, /%esp/);
    assert.match(v, /Stack pointer/);
  });

  it('hovers a macro invocation with the expansion at this call site', async () => {
    const v = await hoverText('SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp', '#else');
    assert.match(v, /\.macro switch_to_kernel_cr3 scratch_reg:req/i);
    assert.match(v, /scratch_reg = %rsp/);
    // The body with the argument substituted and the #defines already expanded.
    assert.match(v, /movq %cr3,%rsp/);
    assert.match(v, /btsq \$63,%rsp/);
    assert.match(v, /movq %rsp,%cr3/);
    const rax = await hoverText('SWITCH_TO_KERNEL_CR3 scratch_reg=%rax', 'asm_exc_double_fault:');
    assert.match(rax, /movq %cr3,%rax/);
  });

  it('hovers a #define with its definition, expansion and value', async () => {
    const v = await hoverText('__USER_DS', 'pushq');
    assert.match(v, /#define __USER_DS \(GDT_ENTRY_DEFAULT_USER_DS \* 8 \+ 3\)/);
    assert.match(v, /Value: 43 \(0x2b\)/);
    const segment = readFileSync(join(SAMPLE, 'include/asm/segment.h'), 'utf8');
    assert.match(v, new RegExp(`segment\\.h:${positionOf(segment, '#define __USER_DS').line + 1}`));
  });

  it('goes from SWITCH_TO_KERNEL_CR3 in entry_64.S to its .macro in calling.h', async () => {
    const p = positionOf(entryText, 'SWITCH_TO_KERNEL_CR3', '#else');
    const defs = await client.request<Location[]>('textDocument/definition', client.at(ENTRY, p.line, p.character + 3));
    assert.equal(defs.length, 1);
    assert.equal(defs[0].uri, uri(CALLING));
    const callingLines = readFileSync(CALLING, 'utf8').split('\n');
    assert.equal(callingLines[defs[0].range.start.line], '.macro SWITCH_TO_KERNEL_CR3 scratch_reg:req');
    assert.equal(defs[0].range.start.character, '.macro '.length);
  });

  it('goes to the #define of a name used inside a #define body', async () => {
    const callingText = readFileSync(CALLING, 'utf8');
    const p = positionOf(callingText, 'PTI_USER_PGTABLE_MASK |');
    const defs = await client.request<Location[]>('textDocument/definition', client.at(CALLING, p.line, p.character));
    assert.equal(defs.length, 1);
    assert.equal(defs[0].range.start.line, positionOf(callingText, 'PTI_USER_PGTABLE_MASK\t').line);
  });

  it('finds every assembled invocation of SWITCH_TO_KERNEL_CR3, and the definition on request', async () => {
    const p = positionOf(entryText, 'SWITCH_TO_KERNEL_CR3', '#else');
    const refs = await client.request<Location[]>('textDocument/references', { ...client.at(ENTRY, p.line, p.character), context: { includeDeclaration: false } });
    const lines = refs.map((r) => `${r.uri === uri(ENTRY) ? 'entry' : r.uri}:${r.range.start.line + 1}`);
    // Line 33 is in the #ifdef BUG_PCPU_HOT_BEFORE_CR3 branch, which this configuration skips.
    assert.ok(assembledCr3Lines.length >= 3);
    assert.deepEqual(lines, assembledCr3Lines.map((n) => `entry:${n}`));
    const withDecl = await client.request<Location[]>('textDocument/references', { ...client.at(ENTRY, p.line, p.character), context: { includeDeclaration: true } });
    assert.equal(withDecl.length, assembledCr3Lines.length + 1);
    assert.ok(withDecl.some((r) => r.uri === uri(CALLING)));
  });

  it('finds the references of a label, including .globl', async () => {
    const p = positionOf(entryText, 'swapgs_restore_regs_and_return_to_usermode');
    const refs = await client.request<Location[]>('textDocument/references', { ...client.at(ENTRY, p.line, p.character), context: { includeDeclaration: true } });
    const inEntry = refs.filter((r) => r.uri === uri(ENTRY));
    // 5 jne, 1 jnz, 2 jmp, the .globl and the label itself.
    assert.equal(inEntry.length, 10);
    assert.equal(refs.filter((r) => r.uri === uri(ENTRY) && entryText.split('\n')[r.range.start.line].includes('jne')).length, 5);
  });

  it('completes the parameters of a macro inside its invocation, and registers after %', async () => {
    const line = positionOf(entryText, 'SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp', '#else').line;
    const text = entryText.split('\n');
    text[line] = '\tSWITCH_TO_KERNEL_CR3 ';
    await client.replace(ENTRY, text.join('\n'));
    const items = await client.request<CompletionItem[]>('textDocument/completion', client.at(ENTRY, line, text[line].length));
    assert.ok(items.some((i) => i.label === 'scratch_reg='), 'parameter offered');
    text[line] = '\tSWITCH_TO_KERNEL_CR3 scratch_reg=%';
    await client.replace(ENTRY, text.join('\n'));
    const regs = await client.request<CompletionItem[]>('textDocument/completion', client.at(ENTRY, line, text[line].length));
    assert.ok(regs.some((i) => i.label === 'rsp') && regs.some((i) => i.label === 'cr3'));
    const sig = await client.request<{ signatures: Array<{ label: string }>; activeParameter: number } | null>('textDocument/signatureHelp', client.at(ENTRY, line, text[line].length));
    assert.match(sig!.signatures[0].label, /scratch_reg:req/);
    await client.replace(ENTRY, entryText);
  });

  it('completes mnemonics with size suffixes and the sample\'s macros at the start of a statement', async () => {
    const line = positionOf(entryText, 'movslq').line;
    const text = entryText.split('\n');
    text[line] = '\tmov';
    await client.replace(ENTRY, text.join('\n'));
    const items = await client.request<CompletionItem[]>('textDocument/completion', client.at(ENTRY, line, 4));
    const labels = new Set(items.map((i) => i.label));
    for (const m of ['movq', 'movl', 'movzbl', 'movslq', 'PUSH_AND_CLEAR_REGS', 'SWITCH_TO_KERNEL_CR3']) assert.ok(labels.has(m), m);
    await client.replace(ENTRY, entryText);
  });

  it('outlines entry_64.S: its section with the entry points, and the macro it defines', async () => {
    const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(ENTRY) } });
    const section = syms.find((s) => s.name === '.entry.text');
    assert.ok(section, JSON.stringify(syms.map((s) => s.name)));
    const names = section.children!.map((c) => c.name);
    for (const n of ['entry_SYSCALL_64', 'entry_SYSCALL_64_after_hwframe', 'syscall_return_via_sysret', 'swapgs_restore_regs_and_return_to_usermode', 'asm_exc_double_fault', 'error_entry', '__switch_to_asm', 'ret_from_fork']) {
      assert.ok(names.includes(n), n);
    }
    assert.equal(section.children!.find((c) => c.name === 'entry_SYSCALL_64')!.kind, 12 /* Function */);
    assert.ok(syms.some((s) => s.name === 'idtentry' && s.detail?.includes('vector')), 'the idtentry macro');
    // Labels the idtentry macro defines come from the macro body, not from this text.
    assert.ok(!names.includes('asm_exc_divide_error'));
  });
});

describe('language server on a kernel-style folder opened with no settings', function () {
  this.timeout(60_000);

  it('finds the headers in the include/ folder beside the sources (no missing-include errors)', async () => {
    const client = new TestClient({});
    try {
      await client.initialize(SAMPLE);
      await client.open(ENTRY);
      const d = await client.waitForDiagnostics(ENTRY);
      assert.deepEqual(d.filter((x) => x.severity === 1).map((x) => x.message), []);
    } finally {
      await client.stop();
    }
  });
});
