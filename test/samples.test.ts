// The kernel-entry sample (samples/kernel-entry): a mini kernel in Linux 6.6's shape. Built with
// GNU as/ld (skipped without binutils) it boots on 2 CPUs and runs three user tasks; driving the
// core API with breakpoints and single steps checks the facts of ../shared/LINUX-ENTRY-FACTS.md
// at each step of entry_SYSCALL_64. The same sources built with `x64emu asm` must give the same
// loadable bytes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootSystem } from '../src/core/loader/system-boot.js';
import { parseElf, PT_LOAD } from '../src/core/loader/elf.js';
import type { Cpu } from '../src/core/machine/cpu.js';

const SAMPLE = 'samples/kernel-entry';
const SOURCES = ['head_64.S', 'entry_64.S', 'core.S', 'user.S'];
const CACHE = '.cache/samples-test';
const hasBinutils =
  spawnSync('cc', ['--version']).status === 0 && spawnSync('as', ['--version']).status === 0 && spawnSync('ld', ['--version']).status === 0;

function buildGnu(name: string, defines: string[] = []): string {
  const dir = join(CACHE, name);
  mkdirSync(dir, { recursive: true });
  const objs = SOURCES.map((src) => {
    const obj = join(dir, src.replace(/\.S$/, '.o'));
    const r = spawnSync('cc', ['-c', '-nostdinc', '-D__ASSEMBLY__', '-I', join(SAMPLE, 'include'), ...defines.map((d) => `-D${d}`), '-o', obj, join(SAMPLE, src)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return obj;
  });
  const elf = join(dir, 'kernel.elf');
  const r = spawnSync('ld', ['--no-warn-rwx-segments', '-z', 'noexecstack', '-T', join(SAMPLE, 'kernel.lds'), '-o', elf, ...objs], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return elf;
}

function buildX64emu(name: string): string {
  const dir = join(CACHE, name);
  mkdirSync(dir, { recursive: true });
  const elf = join(dir, 'kernel.elf');
  const r = spawnSync('node', ['dist/cli.js', 'asm', ...SOURCES.map((s) => join(SAMPLE, s)), '-I', join(SAMPLE, 'include'), '-T', join(SAMPLE, 'kernel.lds'), '-o', elf], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return elf;
}

function runCli(elf: string) {
  return spawnSync('node', ['dist/cli.js', 'run', elf, '--mode', 'system', '--cpus', '2', '--memory', '64'], { encoding: 'utf8' });
}

const EXPECTED_LINES = ['A', 'B', 'C'].flatMap((t, i) => [
  `task ${t}: hello from pid ${i + 1}`,
  `task ${t}: back after sched_yield`,
  `task ${t}: exiting`,
]);

function boot(elf: string) {
  const out: string[] = [];
  const booted = bootSystem(readFileSync(elf), 'kernel.elf', { cpus: 2, memoryMiB: 64 }, {
    output: (d) => out.push(new TextDecoder().decode(d)),
    warn: () => {},
  });
  const sym = (name: string): number => {
    const a = booted.symbols.address(name);
    assert.ok(a !== undefined, `symbol ${name}`);
    return a;
  };
  const { machine } = booted;
  const u64 = (pa: number) => machine.phys.readU64(pa);
  const perCpu = (cpu: number) => Number(u64(sym('__per_cpu_offset') + 8 * cpu));
  return { machine, out, sym, u64, perCpu };
}

const RSP = 4;
const RCX = 1;
const R11 = 11;
const CR3_PCID_MASK = 0xfffn;

/** Runs until some CPU reaches `address`; returns that CPU. */
function runTo(machine: ReturnType<typeof boot>['machine'], address: number, max = 2_000_000): Cpu {
  for (const cpu of machine.cpus) {
    cpu.breakpoints.add(address);
    cpu.invalidateAllCode();
  }
  const stop = machine.run(max);
  for (const cpu of machine.cpus) {
    cpu.breakpoints.delete(address);
    cpu.invalidateAllCode();
  }
  assert.equal(stop.kind, 'breakpoint', JSON.stringify(stop));
  return machine.cpus[stop.cpu];
}

describe('samples: kernel-entry (GNU as/ld build)', function () {
  this.timeout(60_000);
  let elf = '';
  before(function () {
    if (!hasBinutils) this.skip();
    elf = buildGnu('gnu');
  });

  it('boots on 2 CPUs, runs three user tasks through entry_SYSCALL_64 and exits 0', () => {
    const r = runCli(elf);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.pop(), 'kernel: all tasks exited');
    assert.deepEqual([...lines].sort(), [...EXPECTED_LINES].sort());
    for (const t of ['A', 'B', 'C']) {
      const mine = lines.filter((l) => l.startsWith(`task ${t}:`));
      assert.deepEqual(mine, EXPECTED_LINES.filter((l) => l.startsWith(`task ${t}:`)), `order of task ${t}`);
    }
  });

  it('entry_SYSCALL_64 follows the facts step by step, and sysretq returns to the user state', () => {
    const { machine, sym, u64, perCpu } = boot(elf);
    const cpu = runTo(machine, sym('entry_SYSCALL_64'));
    const c = machine.cpus.indexOf(cpu);
    const userRsp = cpu.getReg(RSP);
    const userRip = cpu.getReg(RCX);
    const userFlags = cpu.getReg(R11);
    const userCr3 = cpu.cr3;
    // At entry: the hardware switched nothing but CS/SS; RCX/R11 hold RIP/RFLAGS.
    assert.equal(cpu.sel[1], 0x10, 'CS = __KERNEL_CS');
    assert.equal(Number(cpu.cpl), 0);
    assert.ok(userRsp > 0x600000n && userRsp <= 0x603000n, `RSP is the user stack: ${userRsp.toString(16)}`);
    assert.ok(userRip >= BigInt(sym('__user_text_start')) && userRip < BigInt(sym('__user_text_end')), 'RCX = user RIP');
    assert.equal(userFlags & 0x200n, 0x200n, 'R11 = user RFLAGS (IF set)');
    assert.equal(userCr3 & 0x1800n, 0x1800n, 'the user PGD and user PCID are loaded');
    assert.equal(cpu.cr3 & CR3_PCID_MASK, 0x801n);

    cpu.step(); // swapgs
    assert.equal(cpu.gsBase, perCpu(c), 'GS.base = __per_cpu_offset[cpu]');
    cpu.step(); // movq %rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
    const tss = perCpu(c) + sym('cpu_tss_rw');
    assert.equal(u64(tss + 20), userRsp, 'cpu_tss_rw.sp2 = user RSP');
    assert.equal(cpu.cr3, userCr3, 'still on the user CR3');

    for (let i = 0; i < 4; i++) cpu.step(); // SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
    assert.equal(cpu.cr3 & 0x1800n, 0n, 'kernel PGD and kernel PCID');
    assert.equal(cpu.cr3, userCr3 & ~0x1800n, 'same PGD pair and PCID base');

    cpu.step(); // movq PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp
    const hot = perCpu(c) + sym('pcpu_hot');
    const top = u64(hot + 24);
    const task = Number(u64(hot + 0));
    assert.equal(cpu.getReg(RSP), top, 'RSP = pcpu_hot.top_of_stack');
    assert.equal(top, u64(task + 8) + 16384n, 'top_of_stack = task stack base + THREAD_SIZE');

    while (cpu.rip !== sym('do_syscall_64')) cpu.step();
    const regs = Number(top) - 168;
    assert.equal(cpu.getReg(7), BigInt(regs), 'do_syscall_64(regs = top - 168, ...)');
    assert.equal(u64(regs + 160), 0x2bn, 'pt_regs->ss');
    assert.equal(u64(regs + 152), userRsp, 'pt_regs->sp');
    assert.equal(u64(regs + 144), userFlags, 'pt_regs->flags');
    assert.equal(u64(regs + 136), 0x33n, 'pt_regs->cs');
    assert.equal(u64(regs + 128), userRip, 'pt_regs->ip');
    assert.equal(u64(regs + 80), BigInt.asUintN(64, -38n), 'pt_regs->ax = -ENOSYS');

    // On to sysretq (this system call returns: it is getpid, the task's first).
    let n = 0;
    while (cpu.cpl !== 3 && n++ < 10_000) cpu.step();
    assert.equal(cpu.cpl, 3);
    assert.equal(BigInt(cpu.rip), userRip);
    assert.equal(cpu.getReg(RSP), userRsp);
    assert.equal(cpu.cr3, userCr3, 'back on the user CR3');
    assert.equal(cpu.sel[1], 0x33);
  });

  it('a timer interrupt from ring 3 arrives on TSS.sp0 with the user CR3 still loaded', () => {
    const { machine, sym, u64, perCpu } = boot(elf);
    const entry = sym('asm_sysvec_apic_timer_interrupt');
    for (let hits = 0; hits < 50; hits++) {
      const cpu = runTo(machine, entry);
      const c = machine.cpus.indexOf(cpu);
      const rsp = cpu.getReg(RSP);
      const savedCs = u64(Number(rsp) + 8);
      if (savedCs !== 0x33n) {
        machine.run(1, entry);
        continue;
      }
      const sp0 = u64(perCpu(c) + sym('cpu_tss_rw') + 4);
      assert.equal(rsp, sp0 - 40n, 'five-qword frame pushed on TSS.sp0');
      assert.equal(u64(Number(rsp) + 32), 0x2bn, 'saved SS');
      assert.equal(cpu.cr3 & 0x1800n, 0x1800n, 'the user CR3 is still loaded');
      return;
    }
    assert.fail('no timer interrupt from ring 3');
  });

  it('runs user tasks on both CPUs, switching with __switch_to', () => {
    const { machine, sym } = boot(elf);
    const cpusSeen = new Set<number>();
    const at = sym('__switch_to');
    for (let i = 0; i < 40; i++) {
      const cpu = runTo(machine, at);
      const next = Number(cpu.getReg(6));
      if (next >= sym('tasks') + 2 * 32) cpusSeen.add(machine.cpus.indexOf(cpu));
      if (cpusSeen.size === 2) return;
      machine.run(1, at);
    }
    assert.fail(`user tasks ran only on CPUs ${[...cpusSeen]}`);
  });
});

describe('samples: kernel-entry built with x64emu asm', function () {
  this.timeout(60_000);
  before(function () {
    if (!hasBinutils) this.skip();
  });

  it('gives the same loadable bytes as GNU as/ld', () => {
    const gnu = parseElf(readFileSync(buildGnu('gnu')));
    const ours = parseElf(readFileSync(buildX64emu('x64emu')));
    const loads = (e: ReturnType<typeof parseElf>) =>
      e.programHeaders
        .filter((p) => p.type === PT_LOAD)
        .map((p) => ({ vaddr: p.vaddr, paddr: p.paddr, memsz: p.memsz, filesz: p.filesz, flags: p.flags, bytes: Buffer.from(e.bytes.subarray(p.offset, p.offset + p.filesz)).toString('hex') }));
    assert.equal(ours.entry, gnu.entry);
    assert.deepEqual(loads(ours), loads(gnu));
  });

  it('runs the same', () => {
    const r = runCli(buildX64emu('x64emu'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, EXPECTED_LINES.length + 1);
  });
});

describe('samples: kernel-entry BUG variants', function () {
  this.timeout(60_000);
  before(function () {
    if (!hasBinutils) this.skip();
  });

  it('-DBUG_PCPU_HOT_BEFORE_CR3: #PF reading pcpu_hot under the user CR3 (supervisor read, not present)', () => {
    const { machine, sym, perCpu } = boot(buildGnu('bug-pcpu-hot', ['BUG_PCPU_HOT_BEFORE_CR3']));
    for (const cpu of machine.cpus) cpu.stopOnVectors.add(14);
    const stop = machine.run(2_000_000);
    assert.equal(stop.kind, 'fault', stop.kind);
    if (stop.kind !== 'fault') return;
    const cpu = machine.cpus[stop.cpu];
    assert.equal(stop.fault.vector, 14);
    assert.equal(stop.fault.errorCode, 0, 'P = 0, W = 0, U = 0: a supervisor read of an unmapped page');
    assert.equal(stop.fault.address, BigInt(perCpu(stop.cpu) + sym('pcpu_hot') + 24), 'CR2 = this CPU\'s pcpu_hot.top_of_stack');
    assert.equal(stop.rip, sym('entry_SYSCALL_64') + 3 + 9, 'the instruction after swapgs and the TSS_sp2 store');
    assert.equal(cpu.cr3 & 0x1800n, 0x1800n, 'user CR3');
  });

  it('-DNO_PTI: one page-table set; CR3 stays the kernel PGD through entry and exit, and the tasks still run', () => {
    const elf = buildGnu('no-pti', ['NO_PTI']);
    const r = runCli(elf);
    assert.equal(r.status, 0, r.stderr);
    const { machine, sym } = boot(elf);
    const cpu = runTo(machine, sym('entry_SYSCALL_64'));
    assert.equal(cpu.cr3 & 0x1800n, 0n, 'already the kernel PGD while the user program ran');
    const cr3 = cpu.cr3;
    cpu.step();
    for (let i = 0; i < 40 && cpu.cr3 === cr3 && cpu.cpl === 0; i++) cpu.step();
    assert.equal(cpu.cr3, cr3, 'no CR3 write on the way in');
  });

  it('-DBUG_NO_USER_TSS_MAPPING: #PF at the TSS_sp2 store (supervisor write, not present: the user page tables lack cpu_tss_rw)', () => {
    const { machine, sym, perCpu } = boot(buildGnu('bug-no-tss', ['BUG_NO_USER_TSS_MAPPING']));
    for (const cpu of machine.cpus) cpu.stopOnVectors.add(14);
    const stop = machine.run(2_000_000);
    assert.equal(stop.kind, 'fault', stop.kind);
    if (stop.kind !== 'fault') return;
    const cpu = machine.cpus[stop.cpu];
    assert.equal(stop.fault.vector, 14);
    assert.equal(stop.fault.errorCode, 0b10, 'W = 1, P = 0, U = 0: a supervisor write to an unmapped page');
    assert.equal(stop.fault.address, BigInt(perCpu(stop.cpu) + sym('cpu_tss_rw') + 20), "CR2 = this CPU's cpu_tss_rw.x86_tss.sp2");
    assert.equal(stop.rip, sym('entry_SYSCALL_64') + 3, 'the store right after swapgs');
    assert.equal(cpu.cr3 & 0x1800n, 0x1800n, 'still the user CR3');
  });
});

describe('kernel-entry sample: asm-offsets.h agrees with the C structs', function () {
  it('every constant equals the offset (or size) the C compiler computes', function () {
    if (spawnSync('cc', ['--version']).status !== 0) this.skip();
    const r = spawnSync('cc', ['-fsyntax-only', '-nostdinc', '-I', 'samples/kernel-entry/include', 'test/samples/asm-offsets-check.c'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});

