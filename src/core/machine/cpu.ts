/**
 * One x86-64 logical processor: architectural state, the decoded-instruction cache and the
 * run loop. Instruction semantics live in `isa/`; every handler receives this object and the
 * decoded instruction, and touches memory only through `mem` (one translation path).
 */
import { decodeAt } from '../isa/decode.js';
import { Insn, armBreakpoint } from '../isa/insn.js';
import { LF, materializeFlags } from '../isa/lazy-flags.js';
import { CpuFault } from './faults.js';
import { LinearMemory } from './linear-memory.js';
import { PagingContext } from './paging.js';
import { PhysicalMemory } from './physical-memory.js';
import { RFLAGS } from './rflags.js';

/** GPR slots in encoding order. */
export const GPR_NAMES = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;
export const enum Reg {
  RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7,
  R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15,
}

/** Segment register slots, iced order. */
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

export type StopReason =
  | { kind: 'limit' }
  | { kind: 'breakpoint'; rip: number }
  | { kind: 'fault'; fault: CpuFault; rip: number }
  | { kind: 'halt'; detail: string }
  | { kind: 'exit'; status: number };

const TWO32 = 4294967296;
const PAGE = 4096;

export class Cpu {
  /** GPRs as dword pairs: slot s has its low dword at [2s], high dword at [2s+1]. */
  readonly r = new Int32Array(32);
  rip = 0;
  /** RFLAGS; the status bits are stale while `lfOp` is not LF.None (see lazy-flags.ts). */
  flags = RFLAGS.FIXED1 | RFLAGS.IF;
  lfOp: LF = LF.None;
  lfA = 0;
  lfB = 0;
  lfR = 0;
  lfAh = 0;
  lfBh = 0;
  lfRh = 0;
  lfMsb = 0;
  /** Scratch: high dword of the last 64-bit operand read (keeps the hot path allocation-free). */
  hi = 0;
  /** Scratch: effective address of the destination memory operand of a read-modify-write. */
  ea = 0;
  /** Segment selectors (iced order ES CS SS DS FS GS) and the FS/GS bases (signed canonical). */
  readonly sel = new Uint16Array(6);
  fsBase = 0;
  gsBase = 0;
  kernelGsBase = 0;
  readonly paging: PagingContext;
  readonly mem: LinearMemory;
  /** Time-stamp counter: advances by one per retired instruction (deterministic). */
  tscOffset = 0n;
  retired = 0;
  /** Set by handlers (exit, hlt) to end the current run. */
  stop: StopReason | null = null;
  /** User-mode personalities handle `syscall` here; null means hardware SYSCALL semantics. */
  syscallHook: ((cpu: Cpu) => void) | null = null;
  /** User-mode personalities may serve `int n` (Linux: int $0x80); return false to fault. */
  softwareInterruptHook: ((cpu: Cpu, vector: number) => boolean) | null = null;
  /** Linear addresses that stop the run before the instruction executes. After changing the
   * set, call invalidateAllCode() so decoded instructions pick it up. */
  readonly breakpoints = new Set<number>();
  /** The breakpoint the current run resumes from (executes once instead of stopping). */
  skipBreakpointAt = NaN;

  private readonly decodeCache = new Map<number, (Insn | undefined)[]>();
  /** Bumped whenever cached linear→instruction associations may be stale. */
  generation = 1;

  constructor(readonly phys: PhysicalMemory, pml4: number, readonly cpuNumber = 0) {
    this.paging = { pml4, pcid: 0, cpl: 3, nxe: true, wp: true, smep: false, smap: false, pge: false, ac: false };
    this.mem = new LinearMemory(phys, this.paging);
    this.mem.onCodeWrite = (frame) => this.invalidateCode(frame);
  }

  // ---- register access by number (for loaders, syscalls, debuggers) ----

  getReg(slot: number): bigint {
    return (BigInt(this.r[2 * slot + 1] >>> 0) << 32n) | BigInt(this.r[2 * slot] >>> 0);
  }

  setReg(slot: number, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.r[2 * slot] = Number(v & 0xffffffffn) | 0;
    this.r[2 * slot + 1] = Number(v >> 32n) | 0;
  }

  /** A register as a signed number (exact for canonical addresses and small values). */
  regNumber(slot: number): number {
    return this.r[2 * slot + 1] * TWO32 + (this.r[2 * slot] >>> 0);
  }

  setRegNumber(slot: number, n: number): void {
    const hi = Math.floor(n / TWO32);
    this.r[2 * slot] = (n - hi * TWO32) | 0;
    this.r[2 * slot + 1] = hi | 0;
  }

  get rflags(): number {
    return materializeFlags(this);
  }

  set rflags(value: number) {
    this.flags = (value & 0x3f7fd5) | RFLAGS.FIXED1;
    this.lfOp = LF.None;
  }

  get cpl(): number {
    return this.paging.cpl;
  }

  /** Changes to CR3, CPL, paging bits or mappings: drop cached translations and links. */
  flushTlb(): void {
    this.mem.flushTlb();
    this.generation++;
  }

  flushPage(linear: number): void {
    this.mem.flushPage(linear);
    this.generation++;
  }

  /** A store hit a frame holding decoded code: forget it (and the frame before, whose last
   * instruction may straddle into this one). */
  invalidateCode(frame: number): void {
    this.decodeCache.delete(frame);
    this.decodeCache.delete(frame - PAGE);
    this.generation++;
  }

  /** Drops every decoded instruction (breakpoints changed, loader rewrote memory). */
  invalidateAllCode(): void {
    this.decodeCache.clear();
    this.generation++;
  }

  /** The decoded instruction at `rip`, decoding and caching it on a miss. */
  lookup(rip: number): Insn {
    const pa = this.mem.fetchAddress(rip);
    const off = pa % PAGE;
    const frame = pa - off;
    let page = this.decodeCache.get(frame);
    if (page === undefined) {
      page = new Array(PAGE);
      this.decodeCache.set(frame, page);
      this.mem.markCode(frame);
    }
    let ins = page[off];
    if (ins === undefined || ins.rip !== rip) {
      ins = decodeAt(this, rip);
      if (this.breakpoints.has(rip)) armBreakpoint(ins);
      page[off] = ins;
      // An instruction that straddles into the next frame depends on it too.
      const lastByte = this.mem.fetchAddress(rip + ins.length - 1);
      if (lastByte - (lastByte % PAGE) !== frame) this.mem.markCode(lastByte - (lastByte % PAGE));
    }
    ins.generation = this.generation;
    return ins;
  }

  /**
   * Runs until `maxInstructions` retire, a handler stops the machine, a breakpoint is reached
   * (before executing it; pass `skipBreakpointAt` to resume from one) or a fault is not handled.
   */
  run(maxInstructions: number, skipBreakpointAt = NaN): StopReason {
    // `retired` is kept current during the run: RDTSC and system calls read it.
    const limit = this.retired + maxInstructions;
    // `ins` is null while looking up the next instruction, so the catch block can tell a
    // fetch fault (RIP already at the target) from a fault inside a handler (restart it).
    let ins: Insn | null = null;
    this.stop = null;
    this.skipBreakpointAt = skipBreakpointAt;
    try {
      ins = this.lookup(this.rip);
      for (;;) {
        if (this.retired >= limit) return this.finish({ kind: 'limit' });
        this.rip = ins.nextRip;
        ins.handler(this, ins);
        this.retired++;
        const stop = this.stop as StopReason | null;
        if (stop !== null) {
          // A breakpoint stops before its instruction: it did not retire.
          if (stop.kind === 'breakpoint') this.retired--;
          return this.finish(stop);
        }
        // Follow the cached successor links (fall-through, last taken target) before
        // paying for a lookup; a link is trusted only within the current generation.
        const rip = this.rip;
        const gen = this.generation;
        let next: Insn | null = ins.next;
        if (next !== null && next.rip === rip && next.generation === gen) {
          ins = next;
        } else if ((next = ins.jump) !== null && next.rip === rip && next.generation === gen) {
          ins = next;
        } else {
          const prev: Insn = ins;
          ins = null;
          next = this.lookup(rip);
          if (rip === prev.nextRip) prev.next = next;
          else prev.jump = next;
          ins = next;
        }
      }
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      if (ins === null) return this.finish({ kind: 'fault', fault: e, rip: this.rip });
      // A fault restarts its instruction; a trap (int3, int n) retires it.
      if (e.isTrap) this.retired++;
      else this.rip = ins.rip;
      return this.finish({ kind: 'fault', fault: e, rip: ins.rip });
    }
  }

  private finish(reason: StopReason): StopReason {
    this.stop = null;
    return reason;
  }

  /** Executes exactly one instruction (breakpoints ignored). */
  step(): StopReason {
    return this.run(1, this.rip);
  }
}
