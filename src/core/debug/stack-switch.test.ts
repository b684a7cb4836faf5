/**
 * The Stack Switch view's model on the kernel-entry sample, stepped with the debug engine
 * through the three lines of the switch, and on a user-mode program (just the stack).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchProgram, type Launched } from '../../debugger/launch.js';
import { evaluate } from '../inspect/expression.js';
import { DebugEngine, type EngineStop } from './engine.js';
import { ProgramView } from './program-view.js';
import { stackSwitchModel } from './stack-switch.js';

const KERNEL = 'samples/kernel-entry';
const ENTRY = join(process.cwd(), KERNEL, 'entry_64.S');

function lineOf(file: string, re: RegExp, after: RegExp): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = lines.findIndex((l) => after.test(l));
  return lines.findIndex((l, i) => i >= from && re.test(l)) + 1;
}

function start(args: Parameters<typeof launchProgram>[0]) {
  const launched: Launched = launchProgram(args, { output: () => {} });
  const view = new ProgramView(launched.target, launched.types!, launched.macros, launched.expand);
  const engine = new DebugEngine(launched.target, launched.lines, {
    evaluate: (expr, cpu) => {
      const r = evaluate(expr, view.context(cpu));
      return r.ok ? { ok: true, value: r.value.bits ?? 0n, text: '' } : { ok: false, message: r.message };
    },
    output: () => {},
  }, false);
  /** Runs a generator of the engine to its stop. */
  const run = (g: Generator<void, EngineStop, void>): EngineStop => {
    for (;;) {
      const r = g.next();
      if (r.done) return r.value;
    }
  };
  return { launched, view, engine, run };
}

describe('core: the Stack Switch model', function () {
  this.timeout(60_000);

  it('follows the three lines of the stack switch in entry_SYSCALL_64', () => {
    const { launched, view, engine, run } = start({
      program: ['head_64.S', 'entry_64.S', 'core.S', 'user.S'].map((f) => join(KERNEL, f)),
      includePaths: [join(KERNEL, 'include')],
      linkerScript: join(KERNEL, 'kernel.lds'),
      // No .S file includes ptrace.h (the assembly uses asm-offsets.h): struct pt_regs comes from here.
      typeHeaders: [join(KERNEL, 'include/asm/ptrace.h')],
      mode: 'system',
      cpus: 2,
    });
    engine.breakpoints.setSource(ENTRY, [{ line: lineOf(ENTRY, /movq\s+%rsp, PER_CPU_VAR\(cpu_tss_rw \+ TSS_sp2\)/, /^#else/) }], launched.lines);
    const hit = run(engine.continue());
    assert.equal(hit.kind, 'stopped');
    const n = (hit as { cpu: number }).cpu;

    const atEntry = stackSwitchModel(view, n);
    assert.equal(atEntry.ring, 0);
    assert.equal(atEntry.mode, 'system');
    assert.equal(atEntry.userStack.rsp, atEntry.rsp, 'SYSCALL does not switch stacks: RSP is still the user one');
    assert.equal(atEntry.cr3.userHalf, true);
    assert.ok(atEntry.tss && atEntry.pcpuHot, 'TSS and pcpu_hot are known');
    assert.notEqual(atEntry.gsBase, '0x0', 'after swapgs GS.base is this CPU\'s per-CPU offset');
    assert.ok(atEntry.kernelStack?.ptRegsFrame, 'the pt_regs frame is located before it is built');
    assert.equal(atEntry.kernelStack!.live, false);
    assert.ok(atEntry.userStack.slots.every((s) => BigInt(s.value) >= 0x1000n || s.note === undefined), 'small values are not annotated as addresses');

    run(engine.stepLine(n, 'over'));
    const parked = stackSwitchModel(view, n);
    assert.equal(parked.tss!.sp2, atEntry.rsp, 'TSS.sp2 holds the user RSP');
    run(engine.stepLine(n, 'over'));
    const kernelCr3 = stackSwitchModel(view, n);
    assert.equal(kernelCr3.cr3.userHalf, false, 'SWITCH_TO_KERNEL_CR3 moves to the kernel half');
    assert.equal(kernelCr3.userStack.source, 'TSS.sp2');
    run(engine.stepLine(n, 'over'));
    const onKernel = stackSwitchModel(view, n);
    assert.equal(onKernel.rsp, onKernel.pcpuHot!.topOfStack, 'RSP = pcpu_hot.top_of_stack');
    assert.equal(onKernel.on, 'kernel');
    assert.equal(onKernel.userStack.rsp, atEntry.rsp, 'the user RSP is still known (TSS.sp2)');

    // Two pushes later: the top two slots are pt_regs->ss and pt_regs->sp.
    run(engine.stepLine(n, 'over'));
    run(engine.stepLine(n, 'over'));
    const pushed = stackSwitchModel(view, n);
    assert.equal(pushed.kernelStack!.live, true);
    const top = pushed.kernelStack!.slots.slice(-2);
    assert.deepEqual(top.map((s) => s.field), ['sp', 'ss']);
    assert.equal(top[0].value, atEntry.rsp, 'pt_regs->sp = the user RSP');
  });

  it('a user-mode program has just its stack', () => {
    const { view, engine, run } = start({ program: 'samples/user/fib.S', mode: 'user', stopOnEntry: true });
    run(engine.stepInstruction(0, false));
    const m = stackSwitchModel(view, 0);
    assert.equal(m.mode, 'user');
    assert.equal(m.ring, 3);
    assert.equal(m.on, 'user');
    assert.equal(m.userStack.rsp, m.rsp);
    assert.ok(m.userStack.slots.length > 0);
    assert.equal(m.tss, undefined);
    assert.equal(m.kernelStack, undefined);
    assert.equal(m.pcpuHot, undefined);
  });
});
