/**
 * What the debugger knows about the program beyond the machine: per-CPU symbols and their
 * copies, C types from the headers, #defines for expanding source operands — and the
 * expression context for one CPU built from all that (registers, memory through that CPU's
 * page tables, per-CPU access through `__per_cpu_offset`).
 */
import type { CMacro } from '../asm/preprocess/index.js';
import { GPR_NAMES, SEG_NAMES, type Cpu } from '../machine/cpu.js';
import { Access } from '../machine/paging.js';
import { explainTranslation, formatTranslation } from '../inspect/translation.js';
import type { CTypeTable } from '../inspect/ctypes.js';
import { evaluate, type EvalContext } from '../inspect/expression.js';
import type { DebugTarget } from './target.js';

const PERCPU_SECTION = '.data..percpu';
/** x86-64 kernel stacks are 16 KiB (THREAD_SIZE); the seed's 8 KiB is the 32-bit value. */
const THREAD_SIZE = 16 << 10;
/** How far past a symbol an address may lie and still be named after it. */
const NEAR_SYMBOL = 1 << 20;
const SUBREGS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => [number, number, number]]> = [
  // [slot, byte offset, size]
  [/^e(ax|cx|dx|bx|sp|bp|si|di)$/, (m) => [GPR_NAMES.indexOf(('r' + m[1]) as never), 0, 4]],
  [/^(ax|cx|dx|bx|sp|bp|si|di)$/, (m) => [GPR_NAMES.indexOf(('r' + m[1]) as never), 0, 2]],
  [/^(a|c|d|b)l$/, (m) => [GPR_NAMES.indexOf(('r' + m[1] + 'x') as never), 0, 1]],
  [/^(a|c|d|b)h$/, (m) => [GPR_NAMES.indexOf(('r' + m[1] + 'x') as never), 1, 1]],
  [/^(sp|bp|si|di)l$/, (m) => [GPR_NAMES.indexOf(('r' + m[1]) as never), 0, 1]],
  [/^r(\d+)d$/, (m) => [Number(m[1]), 0, 4]],
  [/^r(\d+)w$/, (m) => [Number(m[1]), 0, 2]],
  [/^r(\d+)b$/, (m) => [Number(m[1]), 0, 1]],
];

export class ProgramView {
  /** Per-CPU symbols (offsets into each CPU's per-CPU area). */
  readonly perCpuSymbols: string[];
  private readonly perCpuSet: Set<string>;
  private readonly names: string[];
  /** Size of the per-CPU template (each CPU's area holds a copy). */
  private readonly perCpuSize: number;

  constructor(
    readonly target: DebugTarget,
    readonly types: CTypeTable,
    readonly macros: ReadonlyMap<string, CMacro> | undefined,
    private readonly expand: ((text: string) => string) | undefined,
  ) {
    const sections = target.image.sections;
    const percpu = sections.findIndex((s) => s.name === PERCPU_SECTION);
    this.perCpuSize = percpu < 0 ? 0 : sections[percpu].size;
    const syms = target.image.symbols.filter((s) => s.name !== '' && s.type !== 3 && s.type !== 4 && s.section !== 0);
    // Variables only: the linker's section bounds (__per_cpu_start/_end) are not per-CPU data.
    this.perCpuSymbols = percpu < 0 ? [] : [...new Set(syms.filter((s) => s.section === percpu && !/^__per_cpu_/.test(s.name)).map((s) => s.name))].sort();
    this.perCpuSet = new Set(this.perCpuSymbols);
    this.names = [...new Set(syms.map((s) => s.name))];
  }

  /**
   * Reads linear memory as CPU `cpu` sees it now; in system mode, kernel-image addresses the
   * current page tables do not map (PTI's user CR3 hides the kernel) are read through the
   * image's own mapping (PT_LOAD vaddr → paddr), so per-CPU data stays visible at the moment
   * the entry code cannot reach it yet. Undefined where neither maps every byte.
   */
  read(cpu: Cpu, address: number, size: number): Uint8Array | undefined {
    const direct = cpu.mem.peek(address, size);
    if (direct.length === size) return direct;
    if (this.target.mode !== 'system') return undefined;
    for (const ph of this.target.image.programHeaders) {
      if (ph.type !== 1 || address < ph.vaddr || address + size > ph.vaddr + ph.memsz) continue;
      const pa = ph.paddr + (address - ph.vaddr);
      if (!this.target.phys.contains(pa, size)) return undefined;
      return this.target.phys.bytes.slice(pa, pa + size);
    }
    return undefined;
  }

  /** What `__per_cpu_offset[n]` holds (the base of CPU n's per-CPU area), read through `cpu`. */
  perCpuBase(cpu: Cpu, n: number): bigint | undefined {
    const table = this.target.symbols.address('__per_cpu_offset');
    if (table === undefined || n < 0 || n >= this.target.cpus.length) return undefined;
    const bytes = this.read(cpu, table + 8 * n, 8);
    if (bytes === undefined) return undefined;
    return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
  }

  /** Names an address for displays: symbol+offset, or the per-CPU variable of some CPU. */
  describe(cpu: Cpu, address: number): string | undefined {
    for (let n = 0; n < this.target.cpus.length && this.perCpuSymbols.length > 0; n++) {
      const base = this.perCpuBase(cpu, n);
      if (base === undefined || base === 0n) continue;
      const off = address - Number(base);
      if (off < 0 || off >= this.perCpuSize) continue;
      const hit = this.target.symbols.lookup(off);
      if (hit && this.perCpuSet.has(hit.symbol.name)) return `CPU ${n}: ${hit.offset ? `${hit.symbol.name}+0x${hit.offset.toString(16)}` : hit.symbol.name}`;
    }
    if (this.target.mode === 'user' && address > 0x7ff000000000 && address < 0x800000000000) return 'user stack';
    const task = this.taskStacks(cpu).find((t) => address >= t.lo && address <= t.hi);
    // A symbol far below the address (an unsized one such as `_end`) does not name it.
    const hit = this.target.symbols.lookup(address);
    const sym = hit && hit.offset < NEAR_SYMBOL ? this.target.symbols.format(address) : '';
    if (task) return `kernel stack of task ${task.pid}${address === task.hi ? ' (top)' : ''}${sym ? `: ${sym}` : ''}`;
    return sym || undefined;
  }

  /**
   * The task CPU n runs, as the kernel knows it — `pcpu_hot.current_task` — named by its pid
   * when the headers declare `task_struct.pid`, else by the symbol it points into.
   */
  currentTaskLabel(n: number): string | undefined {
    if (!this.perCpuSet.has('pcpu_hot')) return undefined;
    const ctx = this.context(n);
    const task = evaluate('pcpu_hot.current_task', ctx);
    if (!task.ok || task.value.bits === 0n) return undefined;
    const pid = evaluate('pcpu_hot.current_task->pid', ctx);
    if (pid.ok) return `task ${pid.value.bits}`;
    return this.describe(this.target.cpus[n], Number(BigInt.asIntN(64, task.value.bits)));
  }

  /** `struct pt_regs` at the top of CPU n's current kernel stack (where the entry code builds
   * it), as an expression; undefined when the headers do not declare the types. */
  ptRegsExpression(): string | undefined {
    if (!this.perCpuSet.has('pcpu_hot') || !this.types.struct('pt_regs')) return undefined;
    return '*((struct pt_regs *)(pcpu_hot.top_of_stack - sizeof(struct pt_regs)))';
  }

  /**
   * Kernel stacks of the tasks the headers declare (`tasks[]` of struct task_struct with
   * `stack` and `pid`, as the kernel sample does), for annotations; computed once per stop.
   */
  private taskStacks(cpu: Cpu): Array<{ lo: number; hi: number; pid: bigint }> {
    if (this.stacksAt?.time === this.target.time) return this.stacksAt.stacks;
    const stacks: Array<{ lo: number; hi: number; pid: bigint }> = [];
    const tasks = this.types.variable('tasks')?.type;
    if (tasks?.kind === 'array' && tasks.length !== undefined && !this.computingStacks) {
      this.computingStacks = true;
      try {
        const ctx = this.context(cpu.cpuNumber);
        for (let i = 0; i < tasks.length; i++) {
          const base = evaluate(`tasks[${i}].stack`, ctx);
          const pid = evaluate(`tasks[${i}].pid`, ctx);
          if (!base.ok || !pid.ok || base.value.bits === 0n) continue;
          const lo = Number(BigInt.asIntN(64, base.value.bits));
          stacks.push({ lo, hi: lo + THREAD_SIZE, pid: pid.value.bits });
        }
      } finally {
        this.computingStacks = false;
      }
    }
    this.stacksAt = { time: this.target.time, stacks };
    return stacks;
  }

  private stacksAt: { time: number; stacks: Array<{ lo: number; hi: number; pid: bigint }> } | undefined;
  private computingStacks = false;

  /** The expression context of CPU n (its registers, page tables and per-CPU copy). */
  context(n: number): EvalContext {
    const cpu = this.target.cpus[n];
    const view = this;
    return {
      cpu: n,
      cpuCount: this.target.cpus.length,
      types: this.types,
      register: (name) => readRegister(cpu, name),
      setRegister: (name, value) => writeRegister(cpu, name, value),
      symbol: (name) => {
        const a = this.target.symbols.address(name);
        return a === undefined ? undefined : BigInt.asUintN(64, BigInt(a));
      },
      symbolNames: () => this.names,
      isPerCpuSymbol: (name) => this.perCpuSet.has(name),
      perCpuBase: (k) => this.perCpuBase(cpu, k),
      segmentBase: (seg) => {
        if (seg === 'fs') return BigInt.asUintN(64, BigInt(cpu.fsBase));
        if (seg === 'gs') return BigInt.asUintN(64, BigInt(cpu.gsBase));
        return 0n;
      },
      readMemory: (addr, size) => this.read(cpu, Number(BigInt.asIntN(64, addr)), size),
      writeMemory: (addr, bytes) => (cpu.mem.poke(Number(BigInt.asIntN(64, addr)), bytes) ? undefined : `0x${addr.toString(16)} is not mapped under the current CR3`),
      expandMacros: this.expand,
      describeAddress: (addr) => view.describe(cpu, Number(BigInt.asIntN(64, addr))),
      pagewalk: (addr, cr3) => formatWalk(cpu, addr, cr3),
    };
  }

  /** Physical address of a linear one under CPU n's current page tables. */
  physical(n: number, linear: bigint): number | undefined {
    return this.target.cpus[n].mem.inspectTranslate(Number(BigInt.asIntN(64, linear)), Access.Read);
  }
}

function formatWalk(cpu: Cpu, addr: bigint, cr3?: bigint): string {
  return formatTranslation(explainTranslation(cpu.phys, addr, cr3 ?? cpu.cr3, (cpu.efer & (1 << 11)) !== 0));
}

const SPECIAL: Record<string, (c: Cpu) => bigint> = {
  rip: (c) => BigInt(c.rip),
  rflags: (c) => BigInt(c.rflags),
  eflags: (c) => BigInt(c.rflags),
  cr0: (c) => BigInt(c.cr0 >>> 0),
  cr2: (c) => BigInt(c.cr2),
  cr3: (c) => c.cr3,
  cr4: (c) => BigInt(c.cr4),
  cr8: (c) => BigInt(c.cr8),
  efer: (c) => BigInt(c.efer),
  star: (c) => c.star,
  lstar: (c) => BigInt(c.lstar),
  cstar: (c) => BigInt(c.cstar),
  sfmask: (c) => BigInt(c.sfmask >>> 0),
  fs_base: (c) => BigInt(c.fsBase),
  gs_base: (c) => BigInt(c.gsBase),
  kernel_gs_base: (c) => BigInt(c.kernelGsBase),
  cpl: (c) => BigInt(c.cpl),
};

export function readRegister(cpu: Cpu, name: string): bigint | undefined {
  const slot = GPR_NAMES.indexOf(name as never);
  if (slot >= 0) return cpu.getReg(slot);
  const seg = SEG_NAMES.indexOf(name as never);
  if (seg >= 0) return BigInt(cpu.sel[seg]);
  const special = SPECIAL[name];
  if (special) return BigInt.asUintN(64, special(cpu));
  for (const [re, f] of SUBREGS) {
    const m = re.exec(name);
    if (!m) continue;
    const [s, byte, size] = f(m);
    if (s < 0 || s > 15) return undefined;
    return (cpu.getReg(s) >> BigInt(8 * byte)) & ((1n << BigInt(8 * size)) - 1n);
  }
  return undefined;
}

/** GPRs (and their parts), RIP and RFLAGS are writable; system registers are not (use the program). */
export function writeRegister(cpu: Cpu, name: string, value: bigint): string | undefined {
  const slot = GPR_NAMES.indexOf(name as never);
  if (slot >= 0) {
    cpu.setReg(slot, value);
    return undefined;
  }
  if (name === 'rip') {
    cpu.rip = Number(BigInt.asIntN(64, value));
    return undefined;
  }
  if (name === 'rflags' || name === 'eflags') {
    cpu.rflags = Number(value & 0xffffffffn);
    return undefined;
  }
  for (const [re, f] of SUBREGS) {
    const m = re.exec(name);
    if (!m) continue;
    const [s, byte, size] = f(m);
    if (s < 0 || s > 15) break;
    const shift = BigInt(8 * byte);
    const mask = ((1n << BigInt(8 * size)) - 1n) << shift;
    // Writing a 32-bit register zero-extends, as the CPU does; 8/16-bit writes merge.
    const old = size === 4 ? 0n : cpu.getReg(s);
    cpu.setReg(s, (old & ~mask) | ((value << shift) & mask));
    return undefined;
  }
  if (readRegister(cpu, name) !== undefined) return `%${name} is read-only in the debugger (the program sets it with its own instructions)`;
  return `unknown register %${name}`;
}
