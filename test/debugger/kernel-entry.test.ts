/**
 * The kernel-entry sample through the Debug Adapter Protocol only, as an editor drives it:
 * from the user's `syscall` into entry_SYSCALL_64, the three lines of the stack switch, the
 * macro frame, reverse stepping, data breakpoints and the return to user mode.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { KERNEL, kernelLaunch, lineOf, num, scope, startClient, stopAfter, topFrames, value } from './dap-support.js';

const USER = join(KERNEL, 'user.S');
const ENTRY = join(KERNEL, 'entry_64.S');
const CALLING = join(KERNEL, 'include/asm/calling.h');
const userSyscall = () => lineOf(USER, /^\s*syscall\b/, /^say:/);
const sp2Line = () => lineOf(ENTRY, /movq\s+%rsp, PER_CPU_VAR\(cpu_tss_rw \+ TSS_sp2\)/, /^#else/);
const cr3Line = () => lineOf(ENTRY, /SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp/, /^#else/);
const hotLine = () => lineOf(ENTRY, /movq\s+PER_CPU_VAR\(pcpu_hot \+ X86_top_of_stack\), %rsp/, /^#else/);

describe('debug adapter: the kernel-entry sample', function () {
  this.timeout(120_000);
  let dc: DebugClient;

  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(async () => {
    await dc.stop();
  });

  async function launchTo(line: number, file = USER, extra: Record<string, unknown> = {}) {
    await dc.initializeRequest();
    await dc.launch(kernelLaunch(extra));
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] });
    return stopAfter(dc, dc.configurationDoneRequest());
  }

  it('steps from the user syscall through the three lines of the stack switch, and back', async () => {
    const hit = await launchTo(userSyscall());
    assert.equal(hit.body.reason, 'breakpoint');
    const t = hit.body.threadId;
    const userRsp = num(await value(dc, t, '%rsp'));
    const userRip = num(await value(dc, t, '$rip'));
    const userCr3 = num(await value(dc, t, '$cr3'));
    assert.ok((userCr3 & 0x1800n) === 0x1800n, 'a user task runs on the user half with the user PCID');

    // stepIn on syscall: the first instruction of the LSTAR target.
    await stopAfter(dc, dc.stepInRequest({ threadId: t }));
    let frames = await topFrames(dc, t);
    assert.match(frames[0].name, /^entry_SYSCALL_64 \(entry_64\.S\)$/);
    assert.equal(num(await value(dc, t, '$rip')), num(await value(dc, t, 'entry_SYSCALL_64')));
    assert.equal(num(await value(dc, t, '$cs')), 0x10n);
    assert.equal(num(await value(dc, t, '$lstar')), num(await value(dc, t, 'entry_SYSCALL_64')), 'the MSRs evaluate too (LSTAR)');
    const msrs = await scope(dc, t, 'MSRs');
    for (const [name, v] of msrs) if (v.evaluateName) assert.ok(await value(dc, t, v.evaluateName), `${name}: ${v.evaluateName} evaluates`);
    assert.equal(num(await value(dc, t, '%rsp', 'hover')), userRsp, 'syscall does not switch stacks (hover on %rsp)');
    assert.equal(num(await value(dc, t, '%rcx')), userRip + 2n, 'RCX = the user RIP after syscall');
    const sep = frames.findIndex((f) => f.name === '[syscall from ring 3]');
    assert.ok(sep > 0, `a separator frame: ${frames.map((f) => f.name).join(' | ')}`);
    assert.equal(frames[sep + 1].line, userSyscall(), 'below it, the user frame on its syscall line');

    // Line 1 of the seed: movq %rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
    await stopAfter(dc, dc.nextRequest({ threadId: t })); // swapgs
    frames = await topFrames(dc, t);
    assert.equal(frames[0].line, sp2Line());
    assert.equal(num(await value(dc, t, 'PER_CPU_VAR(cpu_tss_rw + TSS_sp2)', 'hover')), num(await value(dc, t, 'cpu_tss_rw.x86_tss.sp2')));
    await stopAfter(dc, dc.nextRequest({ threadId: t }));
    assert.equal(num(await value(dc, t, 'cpu_tss_rw.x86_tss.sp2')), userRsp, 'TSS.sp2 holds the user RSP');
    assert.equal(num(await value(dc, t, '$cr3')), userCr3, 'still on the user page tables');
    const tss = await scope(dc, t, 'TSS');
    assert.equal(num(tss.get('sp2')!.value), userRsp, 'the TSS scope shows the same');

    // Line 2: SWITCH_TO_KERNEL_CR3 — stepIn shows the macro body as a frame of its own.
    assert.equal((await topFrames(dc, t))[0].line, cr3Line());
    await stopAfter(dc, dc.stepInRequest({ threadId: t }));
    frames = await topFrames(dc, t);
    assert.equal(frames[0].name, 'SWITCH_TO_KERNEL_CR3 (calling.h)');
    assert.equal(frames[0].source?.path, CALLING);
    assert.equal(frames[1].name, 'entry_SYSCALL_64 (entry_64.S)');
    assert.equal(frames[1].line, cr3Line());
    await stopAfter(dc, dc.stepOutRequest({ threadId: t }));
    frames = await topFrames(dc, t);
    assert.equal(frames[0].line, hotLine(), 'stepOut leaves the macro');
    const kernelCr3 = num(await value(dc, t, '$cr3'));
    assert.equal(kernelCr3 & 0x1800n, 0n, 'CR3: user half and user PCID cleared');
    assert.equal(kernelCr3 & ~0x1fffn, userCr3 & ~0x1fffn, 'the same PGD pair');
    const control = await scope(dc, t, 'Control');
    assert.ok(control.get('cr3')!.variablesReference > 0, 'CR3 is decoded');

    // Line 3: movq PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp
    const before = await scope(dc, t, 'Registers');
    await stopAfter(dc, dc.nextRequest({ threadId: t }));
    const top = num(await value(dc, t, 'pcpu_hot.top_of_stack'));
    assert.equal(num(await value(dc, t, '%rsp')), top, 'RSP = pcpu_hot.top_of_stack');
    const after = await scope(dc, t, 'Registers');
    assert.ok(after.get('rsp')!.presentationHint?.attributes?.includes('changed'), 'the changed RSP is marked');
    const pid = num(await value(dc, t, 'pcpu_hot.current_task->pid'));
    assert.match(after.get('rsp')!.value, new RegExp(`<kernel stack of task ${pid} \\(top\\)`), 'RSP is annotated with whose stack it is');

    // stepBack restores the state before the load exactly.
    await stopAfter(dc, dc.stepBackRequest({ threadId: t }));
    assert.equal((await topFrames(dc, t))[0].line, hotLine());
    const back = await scope(dc, t, 'Registers');
    for (const [name, v] of before) assert.equal(back.get(name)!.value, v.value, `${name} after stepBack`);

    // Once the hardware-style frame is pushed, the Stack scope shows pt_regs, typed.
    for (let i = 0; i < 6; i++) await stopAfter(dc, dc.nextRequest({ threadId: t }));
    const stackScope = await scope(dc, t, 'Stack');
    const ptRegs = stackScope.get("pt_regs (top of this task's stack)");
    assert.ok(ptRegs && ptRegs.variablesReference > 0, [...stackScope.keys()].join(', '));
    const fields = new Map((await dc.variablesRequest({ variablesReference: ptRegs.variablesReference })).body.variables.map((v) => [v.name, v]));
    assert.equal(num(fields.get('sp')!.value), userRsp, 'pt_regs->sp = the user RSP');
    assert.equal(num(fields.get('ip')!.value), userRip + 2n, 'pt_regs->ip = the user RIP after syscall');
    assert.equal(num(fields.get('ss')!.value), 0x2bn);

    // stepOut of the kernel: back in user mode after the syscall, on the user stack.
    await stopAfter(dc, dc.stepOutRequest({ threadId: t }));
    assert.equal(num(await value(dc, t, '$cs')), 0x33n);
    assert.equal(num(await value(dc, t, '$rip')), userRip + 2n);
    assert.equal(num(await value(dc, t, '%rsp')), userRsp);
    assert.equal(num(await value(dc, t, '$cr3')), userCr3);
  });

  it('next over the user syscall runs the whole kernel path and stops on the next user line; a breakpoint inside wins', async () => {
    const outputs: string[] = [];
    dc.on('output', (e) => outputs.push(e.body.output));
    const hit = await launchTo(userSyscall());
    const t = hit.body.threadId;
    const rsp = num(await value(dc, t, '%rsp'));
    await stopAfter(dc, dc.nextRequest({ threadId: t }));
    let frames = await topFrames(dc, t);
    assert.equal(frames[0].line, userSyscall() + 1, 'the line after the syscall');
    assert.equal(num(await value(dc, t, '$cs')), 0x33n, 'back in ring 3');
    assert.equal(num(await value(dc, t, '%rsp')), rsp, 'the same task (its stack)');
    assert.ok(outputs.join('').includes('hello from pid'), 'the write reached the UART on the way');

    // Again, with a breakpoint in entry_SYSCALL_64: the step stops there instead.
    await dc.setBreakpointsRequest({ source: { path: USER }, breakpoints: [{ line: userSyscall() }] });
    const again = await stopAfter(dc, dc.continueRequest({ threadId: t }));
    await dc.setBreakpointsRequest({ source: { path: ENTRY }, breakpoints: [{ line: hotLine() }] });
    const inside = await stopAfter(dc, dc.nextRequest({ threadId: again.body.threadId }));
    assert.equal(inside.body.reason, 'breakpoint');
    frames = await topFrames(dc, inside.body.threadId);
    assert.equal(frames[0].line, hotLine());
  });

  it('names both CPUs as threads and keeps the other CPU stopped (all-stop)', async () => {
    const hit = await launchTo(userSyscall());
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((x) => x.id), [1, 2]);
    assert.match(threads[0].name, /^CPU 0 \[ring [03] • task \d+\]$/);
    assert.match(threads[1].name, /^CPU 1 \[ring [03] • task \d+\]$/);
    const hitCpu = hit.body.threadId - 1;
    const pid = num(await value(dc, hit.body.threadId, 'pcpu_hot.current_task->pid'));
    assert.ok(threads[hitCpu].name.endsWith(`task ${pid}]`), 'named after the task its pcpu_hot says it runs');
    const other = hit.body.threadId === 1 ? 2 : 1;
    const rip = await value(dc, other, '$rip');
    await stopAfter(dc, dc.nextRequest({ threadId: hit.body.threadId }));
    assert.equal(await value(dc, other, '$rip'), rip, 'stepping one CPU leaves the other where it was');
    assert.equal(await value(dc, 1, 'per_cpu(pcpu_hot, 1).current_task'), await value(dc, 2, 'pcpu_hot.current_task'));
  });

  it('every value shown in every scope has an evaluateName that evaluates (Add to Watch works)', async () => {
    const hit = await launchTo(hotLine(), ENTRY);
    const t = hit.body.threadId;
    const [top] = await topFrames(dc, t);
    const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
    let checked = 0;
    const visit = async (ref: number, depth: number): Promise<void> => {
      for (const v of (await dc.variablesRequest({ variablesReference: ref })).body.variables) {
        if (v.evaluateName) {
          const r = await dc.evaluateRequest({ expression: v.evaluateName, frameId: top.id, context: 'watch' }).catch((e: Error) => {
            throw new Error(`${v.name}: ${v.evaluateName}: ${e.message}`);
          });
          assert.ok(r.body.result.length > 0, `${v.name}: ${v.evaluateName}`);
          checked++;
        }
        if (v.variablesReference > 0 && depth < 1) await visit(v.variablesReference, depth + 1);
      }
    };
    for (const s of scopes) await visit(s.variablesReference, 0);
    assert.ok(checked > 80, `${checked} values checked`);
  });

  it('a large array (the 512-word entry stack) is shown in pages, each element addressable', async () => {
    const hit = await launchTo(hotLine(), ENTRY);
    const [top] = await topFrames(dc, hit.body.threadId);
    const r = await dc.evaluateRequest({ expression: 'cpu_entry_stack.stack', frameId: top.id, context: 'watch' });
    const arrayRef = r.body.variablesReference;
    assert.ok(arrayRef > 0);
    assert.equal(r.body.indexedVariables, 512);
    const page = (await dc.variablesRequest({ variablesReference: arrayRef, filter: 'indexed', start: 500, count: 12 })).body.variables;
    assert.deepEqual(page.map((v) => v.name), [...Array(12).keys()].map((i) => `[${500 + i}]`));
    assert.equal(page[11].evaluateName, 'cpu_entry_stack.stack[511]');
  });

  it('a data breakpoint on cpu_tss_rw.x86_tss.sp2 stops on the store, on either CPU', async () => {
    const hit = await launchTo(userSyscall());
    const t = hit.body.threadId;
    const [top] = await topFrames(dc, t);
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'cpu_tss_rw.x86_tss.sp2', frameId: top.id });
    assert.ok(info.body.dataId, info.body.description);
    const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const userRsp = num(await value(dc, t, '%rsp'));
    const stop = await stopAfter(dc, dc.continueRequest({ threadId: t }));
    assert.equal(stop.body.reason, 'data breakpoint');
    const n = stop.body.threadId;
    const frames = await topFrames(dc, n);
    // The store has completed: the CPU is on the next line (SWITCH_TO_KERNEL_CR3's first instruction).
    assert.equal(frames.find((f) => f.source?.path === ENTRY)?.line, cr3Line());
    if (n === t) assert.equal(num(await value(dc, n, 'cpu_tss_rw.x86_tss.sp2')), userRsp);
    assert.equal(num(await value(dc, n, 'cpu_tss_rw.x86_tss.sp2')), num(await value(dc, n, '%rsp')));
  });

  it('a register data breakpoint on CR3 (from the Control scope) stops right after SWITCH_TO_KERNEL_CR3 writes it', async () => {
    const hit = await launchTo(userSyscall());
    const t = hit.body.threadId;
    const [top] = await topFrames(dc, t);
    const control = (await dc.scopesRequest({ frameId: top.id })).body.scopes.find((s) => s.name === 'Control')!;
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'cr3', variablesReference: control.variablesReference });
    assert.ok(info.body.dataId, info.body.description);
    assert.deepEqual(info.body.accessTypes, ['write']);
    await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId }] });
    const userCr3 = num(await value(dc, t, '$cr3'));
    const stop = await stopAfter(dc, dc.continueRequest({ threadId: t }));
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.equal(stop.body.threadId, t, 'the same CPU, on its way into the kernel');
    assert.match(stop.body.description ?? '', new RegExp(`%cr3 changed: 0x${userCr3.toString(16)} → 0x`));
    assert.equal((await topFrames(dc, t))[0].line, hotLine());
    assert.equal(num(await value(dc, t, '$cr3')) & 0x1800n, 0n);
  });

  it('a conditional breakpoint and a logpoint', async () => {
    await dc.initializeRequest();
    await dc.launch(kernelLaunch());
    await dc.setBreakpointsRequest({
      source: { path: ENTRY },
      breakpoints: [
        { line: sp2Line(), logMessage: 'sp2 store on CPU with rax={%rax}' },
        { line: hotLine(), condition: '%rax == 24' },
      ],
    });
    const logged = dc.waitForEvent('output').then(async function next(e): Promise<string> {
      const text = (e as { body: { output: string } }).body.output;
      return text.includes('sp2 store') ? text : next(await dc.waitForEvent('output'));
    });
    const stop = await stopAfter(dc, dc.configurationDoneRequest());
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal(num(await value(dc, stop.body.threadId, '%rax')), 24n, 'stops only for sched_yield (24)');
    assert.match(await logged, /sp2 store on CPU with rax=0x/);
  });

  it('reverse continue goes back to the previous breakpoint hit', async () => {
    const first = await launchTo(sp2Line(), ENTRY);
    const t1 = first.body.threadId;
    const sp2Before = await value(dc, t1, '%rsp');
    const time1 = await value(dc, t1, '$rip');
    const second = await stopAfter(dc, dc.continueRequest({ threadId: t1 }));
    assert.equal(second.body.reason, 'breakpoint');
    const back = await stopAfter(dc, dc.customRequest('reverseContinue', { threadId: second.body.threadId }));
    assert.equal(back.body.reason, 'breakpoint');
    assert.equal(back.body.threadId, t1);
    assert.equal(await value(dc, t1, '$rip'), time1);
    assert.equal(await value(dc, t1, '%rsp'), sp2Before);
  });

  it('exception breakpoint: -DBUG_PCPU_HOT_BEFORE_CR3 stops on the #PF with CR2 and the walk', async () => {
    await dc.initializeRequest();
    await dc.launch(kernelLaunch({ defines: ['BUG_PCPU_HOT_BEFORE_CR3'] }));
    await dc.setExceptionBreakpointsRequest({ filters: ['page-fault'] });
    const stop = await stopAfter(dc, dc.configurationDoneRequest());
    assert.equal(stop.body.reason, 'exception');
    const info = await dc.customRequest('exceptionInfo', { threadId: stop.body.threadId });
    assert.equal(info.body.exceptionId, '#PF');
    assert.match(info.body.description, /error code 0x0: page not present, read, supervisor mode/);
    assert.match(info.body.description, /CR2 = 0x/);
    const frames = await topFrames(dc, stop.body.threadId);
    assert.match(frames[0].name, /entry_SYSCALL_64/);
  });

  it('an assembly error fails the launch with file:line:col diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'x64emu-dap-'));
    const file = join(dir, 'broken.S');
    writeFileSync(file, '.macro twice reg\n\tincq \\reg\n\tincq \\reg\n.endm\n\t.globl _start\n_start:\n\ttwice %rxx\n\tsyscall\n');
    await dc.initializeRequest();
    const outputs: string[] = [];
    dc.on('output', (e) => outputs.push(e.body.output));
    await assert.rejects(dc.launch({ program: file }), /assembly error/);
    const text = outputs.join('');
    assert.match(text, /broken\.S:2:\d+: error: .*rxx/, text);
    assert.match(text, /broken\.S:7:\d+: note: in expansion of macro twice/, text);
  });

  it('malformed requests get error responses, and the adapter keeps working', async () => {
    const hit = await launchTo(userSyscall());
    await assert.rejects(dc.stackTraceRequest({ threadId: 99 }), /no thread 99/);
    await assert.rejects(dc.variablesRequest({ variablesReference: 987654 }), /no variables reference/);
    await assert.rejects(dc.evaluateRequest({ expression: '%nosuchreg + 1', context: 'watch' }), /nosuchreg/);
    await assert.rejects(dc.scopesRequest({ frameId: 424242 }), /no frame/);
    await assert.rejects(dc.customRequest('nonsense'), /./);
    assert.ok(num(await value(dc, hit.body.threadId, '%rsp')) > 0n);
  });
});
