// System mode end to end: a small kernel (test/system/mini-kernel.S) built by GNU as/ld boots,
// loads a GDT/TSS/IDT and its own page tables, enters ring 3 with SYSRETQ, serves a SYSCALL
// (SWAPGS, manual stack switch) and takes a #PF from ring 3 on the TSS.RSP0 stack.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const CACHE = '.cache/system-test';
const hasBinutils = spawnSync('as', ['--version']).status === 0 && spawnSync('ld', ['--version']).status === 0;

function buildKernel(name = 'mini-kernel'): string {
  mkdirSync(CACHE, { recursive: true });
  const obj = join(CACHE, `${name}.o`);
  const elf = join(CACHE, `${name}.elf`);
  assert.equal(spawnSync('as', ['-o', obj, `test/system/${name}.S`]).status, 0);
  assert.equal(spawnSync('ld', ['--no-warn-rwx-segments', '-T', 'test/system/mini-kernel.lds', '-o', elf, obj]).status, 0);
  return elf;
}

function run(elf: string, ...extra: string[]) {
  return spawnSync('node', ['dist/cli.js', 'run', elf, '--mode', 'system', '--memory', '64', ...extra], { encoding: 'utf8' });
}

describe('system mode: the mini kernel', function () {
  let elf = '';
  before(function () {
    if (!hasBinutils) this.skip();
    elf = buildKernel();
  });

  it('boots, runs a user program through SYSCALL/SYSRETQ and takes its #PF on the RSP0 stack', () => {
    const r = run(elf, '--cpus', '2');
    assert.equal(
      r.stdout,
      'kernel: booted, entering user mode\n' +
        'user: hello through syscall\n' +
        // CR2 = 0 (the address read), error code P|U, the frame saved ring 3's CS/SS, and the
        // handler runs 0x30 bytes below TSS.sp0 (five-qword frame + error code).
        'kernel: #PF cr2=0x0 err=0x5 cs=0x33 ss=0x2b below_sp0=0x30\n',
    );
    assert.equal(r.status, 42, r.stderr);
  });

  it('is deterministic: two runs retire the same number of instructions', () => {
    const a = run(elf, '--cpus', '2', '--stats');
    const b = run(elf, '--cpus', '2', '--stats');
    const count = (s: string) => /instructions: (\d+)/.exec(s)?.[1];
    assert.ok(count(a.stderr));
    assert.equal(count(a.stderr), count(b.stderr));
  });
});

describe('system mode: the LAPIC timer', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  it('a periodic x2APIC timer interrupt wakes HLT; EOI lets the next one in', () => {
    const elf = buildKernel('timer-kernel');
    const r = run(elf, '--cpus', '2', '--stats');
    assert.equal(r.stdout, '.....\n');
    assert.equal(r.status, 5, r.stderr);
  });
});

describe('system mode: determinism and reverse execution', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  async function boot(name: string) {
    const { bootSystem } = await import('../src/core/loader/system-boot.js');
    const { readFileSync } = await import('node:fs');
    const out: string[] = [];
    const booted = bootSystem(readFileSync(buildKernel(name)), name, { cpus: 2, memoryMiB: 16 }, {
      output: (d) => out.push(new TextDecoder().decode(d)),
      warn: () => {},
    });
    return { machine: booted.machine, out };
  }

  async function states(machine: import('../src/core/machine/system-machine.js').SystemMachine) {
    const { saveCpuState } = await import('../src/core/machine/cpu-state.js');
    return machine.cpus.map(saveCpuState);
  }

  it('running in pieces is the same execution as running at once (the schedule persists)', async () => {
    const { sameCpuState } = await import('../src/core/machine/cpu-state.js');
    const a = await boot('timer-kernel');
    a.machine.quantum = 7;
    const b = await boot('timer-kernel');
    b.machine.quantum = 7;
    a.machine.run(90);
    for (let i = 0; i < 9; i++) b.machine.run(10);
    const sa = await states(a.machine);
    const sb = await states(b.machine);
    assert.ok(sa.every((s, i) => sameCpuState(s, sb[i])));
    assert.deepEqual(a.out, b.out);
  });

  it('rewinding restores every CPU, the timers and memory, and re-execution prints nothing twice', async () => {
    const { sameCpuState } = await import('../src/core/machine/cpu-state.js');
    const { machine, out } = await boot('timer-kernel');
    machine.enableJournal({ interval: 16 });
    machine.run(60);
    const at = machine.time;
    const before = await states(machine);
    const printed = out.join('');
    const stop = machine.run(10_000);
    assert.equal(stop.kind, 'exit');
    assert.equal(out.join(''), '.....\n');
    assert.ok(machine.rewindTo(at));
    const after = await states(machine);
    assert.ok(before.every((s, i) => sameCpuState(s, after[i])), 'CPU states after rewind');
    assert.equal(out.join(''), '.....\n', 'nothing printed while re-executing');
    // Forward again: the rest of the output appears again, identically.
    out.length = 0;
    assert.equal(machine.run(10_000).kind, 'exit');
    assert.equal(printed + out.join(''), '.....\n');
  });
});
