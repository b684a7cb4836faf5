// The debugger's engine over real programs: breakpoints bound through macro expansion, stepping
// one CPU alone while the other waits, and reverse stepping that lands exactly on the state each
// earlier instruction saw — also when the CPUs' instructions interleave and when the history
// contains solo steps.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../asm/build.js';
import { memoryFileSystem } from '../asm/preprocess/memfs.js';
import type { SourceFileSystem } from '../asm/types.js';
import { LinuxProcess } from '../loader/linux-process.js';
import { bootSystem } from '../loader/system-boot.js';
import { sameCpuState, saveCpuState, type CpuState } from '../machine/cpu-state.js';
import { DebugEngine, type EngineStop } from './engine.js';
import { LineTable } from './line-table.js';
import { systemTarget, userTarget } from './target.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KERNEL = join(ROOT, 'samples/kernel-entry');
const diskFs: SourceFileSystem = {
  readFile: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve: (dir, rel) => (rel.startsWith('/') ? rel : join(dir, rel)),
  dirname: (p) => dirname(p),
};
const hooks = { evaluate: () => ({ ok: false as const, message: 'no expressions here' }), output: () => {} };

function drive(run: Generator<void, EngineStop, void>): EngineStop {
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

const PROGRAM = `
.macro bump reg
	incq \\reg
	addq $2, \\reg
.endm
	.globl _start
_start:
	xorl %eax, %eax
	bump %rax
	bump %rax
	call twice
	bump %rax
	movl $60, %eax
	xorl %edi, %edi
	syscall
twice:
	addq %rax, %rax
	ret
`;

function userProgram() {
  const built = buildProgram({ files: ['/p.s'], fs: memoryFileSystem({ '/p.s': PROGRAM }) });
  assert.ok(built.elf, built.diagnostics.map((d) => d.message).join('\n'));
  const proc = new LinuxProcess(built.elf, { write() {}, read: () => new Uint8Array(0), warn() {} }, { argv: ['p'] });
  const lines = new LineTable(built.lineMap);
  return { engine: new DebugEngine(userTarget(proc), lines, hooks), lines, proc };
}

const lineOfText = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('debug engine', function () {
  this.timeout(30_000);

  it('a breakpoint on a macro body line binds to every expansion; on an invocation line, to that one', () => {
    const { lines } = userProgram();
    const body = lineOfText(PROGRAM, 'addq $2');
    assert.equal(lines.bind('/p.s', body).length, 3, 'three invocations of bump');
    assert.ok(lines.bind('/p.s', body).every((b) => b.level === 0));
    const second = lineOfText(PROGRAM, 'call twice') - 1;
    const bound = lines.bind('/p.s', second);
    assert.equal(bound.length, 1);
    assert.equal(bound[0].level, 1, 'stopping there hides the macro body level');
  });

  it('next steps over macro invocations and calls; stepIn enters the macro body without executing', () => {
    const { engine, proc } = userProgram();
    const first = lineOfText(PROGRAM, 'bump %rax');
    engine.breakpoints.setSource('/p.s', [{ line: first }], engine.lines);
    const hit = drive(engine.continue());
    assert.equal(hit.kind === 'stopped' && hit.reason, 'breakpoint');
    assert.equal(engine.visibleLevels(0)[0].pos.line, first);
    drive(engine.stepLine(0, 'over'));
    assert.equal(engine.visibleLevels(0)[0].pos.line, first + 1);
    assert.equal(proc.cpu.getReg(0), 3n, 'the whole first bump ran');
    const rip = proc.cpu.rip;
    drive(engine.stepLine(0, 'in'));
    assert.equal(proc.cpu.rip, rip, 'entering the macro frame executes nothing');
    assert.equal(engine.visibleLevels(0)[0].pos.line, lineOfText(PROGRAM, 'incq'));
    drive(engine.stepOut(0));
    assert.equal(engine.visibleLevels(0)[0].pos.line, lineOfText(PROGRAM, 'call twice'));
    assert.equal(proc.cpu.getReg(0), 6n);
    drive(engine.stepLine(0, 'over'));
    assert.equal(proc.cpu.getReg(0), 12n, 'the call ran');
    drive(engine.stepBackLine(0));
    assert.equal(engine.visibleLevels(0)[0].pos.line, lineOfText(PROGRAM, 'call twice'));
    assert.equal(proc.cpu.getReg(0), 6n, 'stepping back undoes the call');
  });

  it('on 2 CPUs: a solo step leaves the other CPU untouched, and every step back is exact', () => {
    const files = ['head_64.S', 'entry_64.S', 'core.S', 'user.S'].map((f) => join(KERNEL, f));
    const built = buildProgram({ files, fs: diskFs, includePaths: [join(KERNEL, 'include')], linkerScript: join(KERNEL, 'kernel.lds') });
    assert.ok(built.elf, built.diagnostics.map((d) => d.message).join('\n'));
    const booted = bootSystem(built.elf, 'kernel', { cpus: 2, memoryMiB: 64 }, { output() {}, warn() {} });
    const target = systemTarget(booted);
    const engine = new DebugEngine(target, new LineTable(built.lineMap), hooks);
    // Let both CPUs run finely interleaved for a while, then step CPU 1 alone.
    booted.machine.quantum = 37;
    target.run(45_000, NaN, 0);
    const states: CpuState[] = [];
    const other = saveCpuState(target.cpus[0]);
    for (let i = 0; i < 40; i++) {
      states.push(saveCpuState(target.cpus[1]));
      drive(engine.stepInstruction(1, false));
    }
    assert.ok(sameCpuState(saveCpuState(target.cpus[0]), other), 'CPU 0 did not move while CPU 1 stepped');
    // More interleaved history after the solo steps, then walk CPU 1 back through all of it.
    const mid = saveCpuState(target.cpus[1]);
    target.run(1_000, NaN, 0);
    assert.ok(target.cpus[1].retired > mid.retired + 400, 'CPU 1 ran in the interleaved stretch');
    while (target.cpus[1].retired > mid.retired) drive(engine.stepBackInstruction(1));
    assert.ok(sameCpuState(saveCpuState(target.cpus[1]), mid), 'back to where the solo steps ended');
    for (let i = states.length - 1; i >= 0; i--) {
      drive(engine.stepBackInstruction(1));
      assert.ok(sameCpuState(saveCpuState(target.cpus[1]), states[i]), `step back ${states.length - i}`);
    }
  });

  it('a timer interrupt that comes due while stepping does not pull the step into its handler', () => {
    const files = ['head_64.S', 'entry_64.S', 'core.S', 'user.S'].map((f) => join(KERNEL, f));
    const built = buildProgram({ files, fs: diskFs, includePaths: [join(KERNEL, 'include')], linkerScript: join(KERNEL, 'kernel.lds') });
    const booted = bootSystem(built.elf!, 'kernel', { cpus: 2, memoryMiB: 64 }, { output() {}, warn() {} });
    const target = systemTarget(booted);
    const lines = new LineTable(built.lineMap);
    const engine = new DebugEngine(target, lines, hooks);
    // The user tasks' busy loop (`1: decl %ecx; jnz 1b`, ~30,000 instructions per task).
    const userText = readFileSync(join(KERNEL, 'user.S'), 'utf8');
    const loopLine = lineOfText(userText, '1:\tdecl\t%ecx');
    engine.breakpoints.setSource(join(KERNEL, 'user.S'), [{ line: loopLine }], lines);
    const hit = drive(engine.continue());
    assert.ok(hit.kind === 'stopped' && hit.reason === 'breakpoint');
    engine.breakpoints.setSource(join(KERNEL, 'user.S'), [], lines);
    const n = hit.cpu;
    const cpu = target.cpus[n];
    const timer = booted.machine.timers[n];
    // Step past the timer's period (20,000 instructions): every step stays in the user loop.
    let steps = 0;
    while (timer.pending.size === 0 && steps < 25_000) {
      drive(engine.stepInstruction(n, false));
      assert.equal(cpu.cpl, 3, `step ${steps} left ring 3`);
      steps++;
    }
    assert.ok(timer.pending.size > 0, 'the timer came due during the steps');
    drive(engine.stepInstruction(n, false));
    assert.equal(cpu.cpl, 3, 'still not delivered while stepping');
    // Running freely, the CPU takes it: the next stop on an exception filter is irrelevant, so
    // break on the handler's entry instead.
    engine.breakpoints.setFunctions([{ name: 'asm_sysvec_apic_timer_interrupt' }], (name) => target.symbols.address(name));
    const taken = drive(engine.continue());
    assert.ok(taken.kind === 'stopped' && taken.cpu === n, 'delivered on this CPU once it runs freely');
  });
});
