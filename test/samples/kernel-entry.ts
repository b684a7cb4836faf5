// Building and driving samples/kernel-entry from the tests: GNU and x64emu builds, a booted
// 2-CPU machine with named views of the per-CPU data, and stepping helpers that stop one CPU
// at a chosen instruction.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootSystem } from '../../src/core/loader/system-boot.js';
import { disassembleBytes } from '../../src/core/isa/disasm.js';
import type { Cpu } from '../../src/core/machine/cpu.js';

export const SAMPLE = 'samples/kernel-entry';
export const SOURCES = ['head_64.S', 'entry_64.S', 'core.S', 'user.S'];
const CACHE = '.cache/samples-test';

export const hasBinutils =
  spawnSync('cc', ['--version']).status === 0 && spawnSync('as', ['--version']).status === 0 && spawnSync('ld', ['--version']).status === 0;

/** Builds the sample the way its Makefile does (cc -E + as, ld -T kernel.lds); returns the ELF path. */
export function buildGnu(name: string, defines: string[] = []): string {
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

export function buildX64emu(name: string): string {
  const dir = join(CACHE, name);
  mkdirSync(dir, { recursive: true });
  const elf = join(dir, 'kernel.elf');
  const r = spawnSync('node', ['dist/cli.js', 'asm', ...SOURCES.map((s) => join(SAMPLE, s)), '-I', join(SAMPLE, 'include'), '-T', join(SAMPLE, 'kernel.lds'), '-o', elf], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return elf;
}

export function runCli(elf: string) {
  return spawnSync('node', ['dist/cli.js', 'run', elf, '--mode', 'system', '--cpus', '2', '--memory', '64'], { encoding: 'utf8' });
}

/** What the three user tasks print (each task's lines in this order; tasks interleave). */
export const EXPECTED_LINES = ['A', 'B', 'C'].flatMap((t, i) => [
  `task ${t}: hello from pid ${i + 1}`,
  `task ${t}: back after sched_yield`,
  `task ${t}: exiting`,
]);

// Register slots (Cpu.getReg) and the sample's constants, named as in its headers.
export const RAX = 0;
export const RCX = 1;
export const RDX = 2;
export const RSP = 4;
export const RSI = 6;
export const RDI = 7;
export const R11 = 11;
export const CS = 1;
export const SS = 2;
export const __KERNEL_CS = 0x10;
export const __KERNEL_DS = 0x18;
export const __USER_DS = 0x2b;
export const __USER_CS = 0x33;
export const PTI_USER_PGTABLE_AND_PCID_MASK = 0x1800n;
export const CR3_NOFLUSH = 1n << 63n;
export const CR3_PCID_MASK = 0xfffn;
export const THREAD_SIZE = 16384n;
export const SIZEOF_PTREGS = 168;
export const TSS_sp0 = 4;
export const TSS_sp2 = 20;
export const X86_current_task = 0;
export const X86_top_of_stack = 24;
export const TASK_stack = 8;
export const TASK_pid = 16;
export const TASK_size = 32;
export const NR_CPUS = 2;
/** struct pt_regs slots, as byte offsets (asm-offsets.h). */
export const PT_REGS = { ax: 80, cx: 88, dx: 96, si: 104, di: 112, orig_ax: 120, ip: 128, cs: 136, flags: 144, sp: 152, ss: 160 };

export type Kernel = ReturnType<typeof boot>;

/** Boots the ELF on 2 CPUs with 64 MiB; the kernel's data is read through physical memory (it is identity-mapped). */
export function boot(elf: string) {
  const output: string[] = [];
  const booted = bootSystem(readFileSync(elf), 'kernel.elf', { cpus: 2, memoryMiB: 64 }, {
    output: (d) => output.push(new TextDecoder().decode(d)),
    warn: () => {},
  });
  const { machine } = booted;
  const sym = (name: string): number => {
    const a = booted.symbols.address(name);
    assert.ok(a !== undefined, `symbol ${name}`);
    return a;
  };
  const u64 = (pa: number) => machine.phys.readU64(pa);
  const u32 = (pa: number) => machine.phys.view.getUint32(pa, true);
  /** __per_cpu_offset[cpu]: where CPU `cpu`'s copy of .data..percpu lives (and its kernel GS.base). */
  const perCpu = (cpu: number) => Number(u64(sym('__per_cpu_offset') + 8 * cpu));
  const hot = (cpu: number) => perCpu(cpu) + sym('pcpu_hot');
  const tss = (cpu: number) => perCpu(cpu) + sym('cpu_tss_rw');
  const currentTask = (cpu: number) => Number(u64(hot(cpu) + X86_current_task));
  const topOfStack = (cpu: number) => u64(hot(cpu) + X86_top_of_stack);
  const taskStack = (task: number) => u64(task + TASK_stack);
  const pid = (task: number) => u32(task + TASK_pid);
  const text = () => output.join('');
  /**
   * The address of the first instruction at or after the label `from` whose AT&T text is
   * `insn`. Code is read from physical memory: the kernel and the user program are linked where
   * they are loaded, so this works whatever CR3 a CPU has loaded.
   */
  const find = (from: string, insn: string): number => {
    let a = sym(from);
    for (let i = 0; i < 64; i++) {
      const d = disassembleBytes(machine.phys.bytes.subarray(a, a + 15), a);
      if (d.text === insn) return a;
      a += d.length;
    }
    assert.fail(`no '${insn}' after ${from}`);
  };
  return { machine, output, text, sym, u64, perCpu, hot, tss, currentTask, topOfStack, taskStack, pid, find };
}

/**
 * Runs the machine (all CPUs, interrupts and all) until CPU `cpu` — or any CPU when `cpu` is
 * undefined — is about to execute one of `addresses`, and `accept` (if given) agrees; returns
 * the CPU that stopped.
 */
export function runUntil(k: Kernel, addresses: number[], cpu?: number, accept: (c: Cpu) => boolean = () => true): Cpu {
  const { machine } = k;
  const armed = cpu === undefined ? machine.cpus : [machine.cpus[cpu]];
  for (const c of armed) {
    for (const a of addresses) c.breakpoints.add(a);
    c.invalidateAllCode();
  }
  try {
    for (let i = 0; i < 1000; i++) {
      const stop = machine.run(5_000_000);
      assert.equal(stop.kind, 'breakpoint', JSON.stringify(stop));
      const c = machine.cpus[stop.cpu];
      if (accept(c)) return c;
      c.step(); // not this one: execute the instruction and go on
    }
    throw new Error('the awaited stop never came');
  } finally {
    for (const c of armed) {
      for (const a of addresses) c.breakpoints.delete(a);
      c.invalidateAllCode();
    }
  }
}

/** Single-steps `cpu` alone (the other CPU waits) until it is about to execute `address`. */
export function stepTo(cpu: Cpu, address: number, limit = 200): void {
  for (let i = 0; i < limit && cpu.rip !== address; i++) cpu.step();
  assert.equal(cpu.rip, address, `stepped ${limit} instructions without reaching 0x${address.toString(16)}`);
}

/** The kernel-PCID translations the CPU's TLB holds: linear page → frame. */
export function cachedTranslations(cpu: Cpu, pcid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const [linear, e] of cpu.mem.tlb.all()) if (e.pcid === pcid && !e.global) out.set(linear, e.frame);
  return out;
}
