// Diagnostics over a real LSP connection: an error inside a macro body defined in an included
// header is shown at the invocation in the user's file (with the chain as related information)
// and in the header; an error in the header itself is shown at the #include; edits re-assemble.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, uri } from './lsp-client.js';

const HEADER = `/* helpers for main.S */
#define SCRATCH %rax
.macro LOAD_CONST reg, value
	movq $\\value, \\reg
.endm
`;

const MAIN = `#include "inc/helpers.h"
	.text
	.globl _start
_start:
	LOAD_CONST SCRATCH, 5
	LOAD_CONST %xmm0, 7
	ret
`;

describe('language server diagnostics (LSP over stdio)', function () {
  this.timeout(60_000);
  let dir: string;
  let client: TestClient;
  let main: string;
  let header: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'x64emu-lsp-'));
    mkdirSync(join(dir, 'inc'));
    main = join(dir, 'main.S');
    header = join(dir, 'inc', 'helpers.h');
    writeFileSync(main, MAIN);
    writeFileSync(header, HEADER);
    client = new TestClient({});
    await client.initialize(dir);
    await client.open(main);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports an error in a macro body at the invocation, with the body line as related information', async () => {
    const d = await client.waitForDiagnostics(main, (x) => x.length > 0);
    const errors = d.filter((x) => x.severity === 1);
    assert.equal(errors.length, 1, JSON.stringify(d));
    const e = errors[0];
    // Line 6 of main.S, the macro name (1-based column 2, a tab before it).
    assert.deepEqual(e.range, { start: { line: 5, character: 1 }, end: { line: 5, character: 11 } });
    assert.match(e.message as string, /in expansion of macro load_const/i);
    const inBody = e.relatedInformation!.find((r) => r.location.uri === uri(header));
    assert.ok(inBody, 'related information points into the header');
    assert.equal(inBody.location.range.start.line, 3, 'the movq line of the macro body');
  });

  it('reports the same error in the header, where the offending text is, with the invocation as related information', async () => {
    const d = await client.waitForDiagnostics(header, (x) => x.length > 0);
    assert.equal(d.length, 1);
    assert.equal(d[0].range.start.line, 3);
    const via = d[0].relatedInformation!.find((r) => r.location.uri === uri(main));
    assert.ok(via && via.location.range.start.line === 5 && /macro load_const/i.test(via.message));
  });

  it('re-assembles after an edit (debounced) and clears the fixed error', async () => {
    await client.replace(main, MAIN.replace('%xmm0', '%rbx'));
    const d = await client.waitForDiagnostics(main, (x) => x.length === 0);
    assert.deepEqual(d, []);
    const h = await client.waitForDiagnostics(header, (x) => x.length === 0);
    assert.deepEqual(h, []);
  });

  it('maps an error in the header\'s own text to the #include line of the file being edited', async () => {
    await client.replace(main, `#include "inc/broken.h"\n\t.text\n\tret\n`);
    writeFileSync(join(dir, 'inc', 'broken.h'), '\t.text\n\tfrobnicate %rax\n');
    await client.replace(main, `#include "inc/broken.h"\n\t.text\n\tret\n\n`);
    const d: Diagnostic[] = await client.waitForDiagnostics(main, (x) => x.length > 0);
    assert.equal(d[0].range.start.line, 0);
    assert.match(d[0].message as string, /no such instruction: `frobnicate'/);
    assert.match(d[0].message as string, /included/);
    assert.equal(d[0].relatedInformation![0].location.uri, uri(join(dir, 'inc', 'broken.h')));
    assert.equal(d[0].relatedInformation![0].location.range.start.line, 1);
  });

  it('reports a missing include as a preprocessor error at the directive, and nothing from the assembler', async () => {
    await client.replace(main, `#include "inc/missing.h"\n\tLOAD_CONST %rax, 1\n`);
    const d = await client.waitForDiagnostics(main, (x) => x.some((y) => /missing\.h/.test(y.message as string)));
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0].range.start.line, 0);
  });
});
