/**
 * A user-mode sample (samples/user/fib.S, a recursive function) through the Debug Adapter
 * Protocol: what someone learning assembly does — break in a function, step over and into
 * calls, step out, watch the output, change a register, step back, run to the end.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { ROOT, lineOf, num, scope, startClient, stopAfter, topFrames, value } from './dap-support.js';

const FIB = join(ROOT, 'samples/user/fib.S');
const callFib = () => lineOf(FIB, /call\s+fib\s+# %rax = fib\(n\)/);
const fibEntry = () => lineOf(FIB, /^\s*push\s+%rbp/, /^fib:/);

describe('debug adapter: a user-mode program (fib.S)', function () {
  this.timeout(60_000);
  let dc: DebugClient;
  const outputs: string[] = [];

  beforeEach(async () => {
    outputs.length = 0;
    dc = await startClient();
    dc.on('output', (e) => outputs.push(e.body.output));
  });
  afterEach(async () => {
    await dc.stop();
  });

  async function launch(breakpoints: number[], extra: Record<string, unknown> = {}) {
    await dc.initializeRequest();
    await dc.launch({ program: FIB, ...extra });
    await dc.setBreakpointsRequest({ source: { path: FIB }, breakpoints: breakpoints.map((line) => ({ line })) });
    return stopAfter(dc, dc.configurationDoneRequest());
  }

  it('stops on a line, steps over a call (the callee runs), into it, and out again', async () => {
    const hit = await launch([callFib()]);
    assert.equal(hit.body.reason, 'breakpoint');
    const t = hit.body.threadId;
    assert.equal((await dc.threadsRequest()).body.threads[0].name, 'CPU 0 [ring 3 • pid 1]');
    let frames = await topFrames(dc, t);
    assert.equal(frames[0].line, callFib());
    assert.equal(frames[0].name, '_start (fib.S)');

    // next: fib(0) runs; the line after the call.
    await stopAfter(dc, dc.nextRequest({ threadId: t }));
    assert.equal((await topFrames(dc, t))[0].line, callFib() + 1);
    assert.equal(num(await value(dc, t, '%rax')), 0n, 'fib(0) = 0');

    // Second time round the loop (n = 1): stepIn goes into fib, with a call frame below.
    await stopAfter(dc, dc.continueRequest({ threadId: t }));
    await stopAfter(dc, dc.stepInRequest({ threadId: t }));
    frames = await topFrames(dc, t);
    assert.equal(frames[0].line, fibEntry());
    assert.match(frames[0].name, /^fib \(fib\.S\)$/);
    assert.equal(frames[1].line, callFib(), 'the caller frame is on the call line');
    const stack = await scope(dc, t, 'Stack');
    assert.match(stack.get('[rsp]')!.value, /<_start\+0x[0-9a-f]+>/, 'the return address is annotated');

    await stopAfter(dc, dc.stepOutRequest({ threadId: t }));
    frames = await topFrames(dc, t);
    assert.equal(frames.length, 1);
    assert.equal(num(await value(dc, t, '%rax')), 1n, 'fib(1) = 1');
    assert.ok(outputs.join('').includes('0\n'), 'the program printed fib(0) on stdout');
  });

  it('sets a register, and reverse-steps to the state before', async () => {
    const hit = await launch([callFib()]);
    const t = hit.body.threadId;
    const regs = await scope(dc, t, 'Registers');
    const rdi = regs.get('rdi')!;
    await dc.customRequest('setExpression', { expression: '%rdi', value: '10', frameId: (await topFrames(dc, t))[0].id });
    assert.equal(num(await value(dc, t, '$rdi')), 10n);
    await stopAfter(dc, dc.nextRequest({ threadId: t }));
    assert.equal(num(await value(dc, t, '%rax')), 55n, 'fib(10) = 55 after changing the argument');
    await stopAfter(dc, dc.stepBackRequest({ threadId: t }));
    assert.equal((await topFrames(dc, t))[0].line, callFib());
    // Reverse execution restores the recorded state: the argument as it was when the call ran.
    assert.equal(num(await value(dc, t, '$rdi')), 10n);
    assert.ok(rdi.evaluateName, 'registers carry an evaluateName for Add to Watch');
  });

  it('function and instruction breakpoints, disassembly with source lines, memory reads', async () => {
    await dc.initializeRequest();
    await dc.launch({ program: FIB });
    const fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'print_u64' }, { name: 'no_such_function' }] });
    assert.equal(fb.body.breakpoints[0].verified, true);
    assert.equal(fb.body.breakpoints[1].verified, false);
    assert.match(fb.body.breakpoints[1].message ?? '', /no symbol named 'no_such_function'/);
    const hit = await stopAfter(dc, dc.configurationDoneRequest());
    assert.equal(hit.body.reason, 'function breakpoint');
    const t = hit.body.threadId;
    const [top] = await topFrames(dc, t);
    assert.match(top.name, /^print_u64/);
    const dis = await dc.customRequest('disassemble', { memoryReference: top.instructionPointerReference, instructionCount: 4 });
    assert.match(dis.body.instructions[0].instruction, /^lea\s/);
    assert.equal(dis.body.instructions[0].symbol, 'print_u64');
    assert.equal(dis.body.instructions[0].line, top.line);
    const next = dis.body.instructions[1].address;
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: next }] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const ib = await stopAfter(dc, dc.continueRequest({ threadId: t }));
    assert.equal(ib.body.reason, 'instruction breakpoint');
    assert.equal((await topFrames(dc, t))[0].instructionPointerReference, next);
    const rsp = await value(dc, t, '$rsp');
    const mem = await dc.customRequest('readMemory', { memoryReference: rsp, count: 8 });
    const bytes = Buffer.from(mem.body.data, 'base64');
    assert.equal(bytes.readBigUInt64LE(0), num(await value(dc, t, '*(u64 *)$rsp')));
  });

  it('x64emu.registersUsed names the registers an instruction uses without naming them', async () => {
    const syscallLine = lineOf(FIB, /^\s*syscall\s*$/, /^print_u64:/);
    const hit = await launch([syscallLine]);
    const [top] = await topFrames(dc, hit.body.threadId);
    assert.equal(top.line, syscallLine);
    const used = await dc.customRequest('x64emu.registersUsed', { frameId: top.id });
    const byName = new Map(used.body.registers.map((r: { name: string; access: string }) => [r.name, r.access]));
    assert.equal(byName.get('rcx'), 'write', 'syscall overwrites RCX with the return address');
    assert.equal(byName.get('r11'), 'write', 'and R11 with RFLAGS');
  });

  it('runs to the end: the output, then exited with the status', async () => {
    await dc.initializeRequest();
    await dc.launch({ program: FIB });
    const exited = dc.waitForEvent('exited');
    await dc.configurationDoneRequest();
    assert.equal((await exited).body.exitCode, 0);
    const out = outputs.join('');
    assert.ok(out.includes('610\n'), 'fib(15) = 610 printed');
  });

  it('restart keeps the breakpoints and starts over', async () => {
    const hit = await launch([callFib()]);
    await stopAfter(dc, dc.continueRequest({ threadId: hit.body.threadId }));
    const again = await stopAfter(dc, dc.customRequest('restart', {}));
    assert.equal(again.body.reason, 'breakpoint');
    assert.equal(num(await value(dc, again.body.threadId, '%r12')), 0n, 'back at n = 0');
  });

  it('goto moves RIP to another line (with a warning when it leaves the function), and REPL completions', async () => {
    const hit = await launch([callFib()]);
    const t = hit.body.threadId;
    const targets = await dc.customRequest('gotoTargets', { source: { path: FIB }, line: fibEntry() });
    assert.equal(targets.body.targets.length, 1);
    await stopAfter(dc, dc.customRequest('goto', { threadId: t, targetId: targets.body.targets[0].id }));
    assert.equal((await topFrames(dc, t))[0].line, fibEntry());
    assert.ok(outputs.some((o) => /warning: goto moves RIP from _start to fib/.test(o)), outputs.join(''));
    const done = await dc.customRequest('completions', { text: 'print', column: 6 });
    assert.ok(done.body.targets.some((c: { label: string }) => c.label === 'print_u64'));
    const regs = await dc.customRequest('completions', { text: '%rs', column: 4 });
    assert.ok(regs.body.targets.some((c: { label: string }) => /rsp$/.test(c.label)));
  });

  it('pause stops a program that never ends', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'x64emu-dap-')), 'spin.S');
    writeFileSync(file, '\t.globl _start\n_start:\n\tincq %rax\n\tjmp _start\n');
    await dc.initializeRequest();
    await dc.launch({ program: file });
    await dc.configurationDoneRequest();
    await new Promise((r) => setTimeout(r, 300));
    const stop = await stopAfter(dc, dc.pauseRequest({ threadId: 1 }));
    assert.equal(stop.body.reason, 'pause');
    assert.ok(num(await value(dc, 1, '%rax')) > 100_000n, 'it was running');
  });
});
