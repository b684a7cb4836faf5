/**
 * One x86-64 logical processor: architectural state, the decoded-instruction cache and the
 * run loop. Instruction semantics live in `isa/`; every handler receives this object and the
 * decoded instruction, and touches memory only through `mem` (one translation path).
 */
import { decodeAt } from '../isa/decode.js';
import { Insn, armBreakpoint } from '../isa/insn.js';
import { observeCallRet } from '../isa/control.js';
import { LF, materializeFlags } from '../isa/lazy-flags.js';
import { CR0, CR3_ADDRESS_MASK, CR3_PCID_MASK, CR4, EFER } from './control-registers.js';
import { CpuFault, fault } from './faults.js';
import { TripleFault, deliverException } from './interrupts.js';
import { LinearMemory, WatchHit } from './linear-memory.js';
import { Access, PagingContext } from './paging.js';
import { PhysicalMemory } from './physical-memory.js';
import { RFLAGS } from './rflags.js';
import { Seg, SegmentCache, TableRegister, flatSegment, nullSegment } from './segments.js';

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
  | { kind: 'triple-fault'; detail: string; rip: number }
  | { kind: 'breakpoint'; rip: number }
  /** A data watchpoint was hit; the accessing instruction (at `rip`) has completed. */
  | { kind: 'watchpoint'; rip: number; hit: WatchHit }
  | { kind: 'fault'; fault: CpuFault; rip: number }
  | { kind: 'halt'; detail: string }
  | { kind: 'exit'; status: number };

const TWO32 = 4294967296;
const PAGE = 4096;

export interface PortIo {
  read(port: number, size: number): number;
  write(port: number, size: number, value: number): void;
}

export interface MsrDevice {
  readMsr(n: number): bigint | undefined;
  /** True if the MSR belongs to the device. */
  writeMsr(n: number, value: bigint): boolean;
}

/** A privilege-level or control transfer the hardware makes (for the shadow call stack). */
export interface Transition {
  kind: 'syscall' | 'sysret' | 'interrupt' | 'exception' | 'iret';
  vector: number;
  fromCpl: number;
  toCpl: number;
  /** RIP the transfer leaves from (return address for events) and goes to. */
  from: number;
  to: number;
}

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
  /** The hidden descriptor caches behind `sel` (the FS/GS bases live in fsBase/gsBase). */
  readonly segs: SegmentCache[] = [nullSegment(), flatSegment(0x33, true, 3), flatSegment(0x2b, false, 3), nullSegment(), nullSegment(), nullSegment()];
  fsBase = 0;
  gsBase = 0;
  kernelGsBase = 0;

  // ---- system registers (see control-registers.ts, msr.ts) ----
  cr0 = (CR0.PE | CR0.ET | CR0.NE | CR0.WP | CR0.PG) >>> 0;
  /** Linear address of the last #PF (signed canonical number). */
  cr2 = 0;
  /** CR3 as loaded (PGD address | PCID); bit 63 is an operand of MOV, never stored. */
  cr3 = 0n;
  cr4 = CR4.PAE;
  /** Task-priority register (CR8). */
  cr8 = 0;
  efer = EFER.LME | EFER.LMA | EFER.NXE;
  star = 0n;
  lstar = 0;
  cstar = 0;
  sfmask = 0;
  tscAux = 0;
  apicBase = 0xfee00900n; // xAPIC enabled, BSP
  /** MSRs kept as plain storage (msr.ts PLAIN_STORAGE_MSRS). */
  readonly msrStore = new Map<number, bigint>();
  gdtr: TableRegister = { base: 0, limit: 0xffff };
  idtr: TableRegister = { base: 0, limit: 0xffff };
  ldtr: SegmentCache = nullSegment();
  tr: SegmentCache = nullSegment();
  /** Debug registers DR0–DR7: stored, not acted on (hardware breakpoints are not modelled). */
  readonly dr: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n, 0xffff0ff0n, 0x400n];
  /** Port I/O (system mode devices); null: reads return all ones, writes are dropped. */
  ports: PortIo | null = null;
  /** The local APIC's x2APIC MSRs (system mode timer); null when there is none. */
  apic: MsrDevice | null = null;
  /** HLT executed; the CPU sleeps until an interrupt (system mode). */
  halted = false;
  /** System mode: exceptions are delivered through the IDT instead of ending the run. */
  deliversExceptions = false;
  /** Vectors to stop on before delivery (debugger exception breakpoints). */
  readonly stopOnVectors = new Set<number>();
  /** An exception reported to the debugger, delivered when the run resumes. */
  pendingException: { fault: CpuFault; returnRip: number } | null = null;
  /** Observer of privilege transitions (syscall, sysret, interrupts, iretq). */
  onTransition: ((t: Transition) => void) | null = null;
  /** Observer of CALL/RET; instructions decoded while it is set are instrumented. */
  onCallRet: ((kind: 'call' | 'ret', ins: Insn, cpu: Cpu) => void) | null = null;
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
  /** Re-execution after a rewind passes over breakpoints (and data watchpoints)... */
  ignoreBreakpoints = false;
  /** ...telling this observer what it passed (reverse continue looks for the last one). */
  onIgnoredStop: ((kind: 'breakpoint' | 'watchpoint', rip: number) => void) | null = null;

  private readonly decodeCache = new Map<number, (Insn | undefined)[]>();
  /** Bumped whenever cached linear→instruction associations may be stale. */
  generation = 1;

  constructor(readonly phys: PhysicalMemory, pml4: number, readonly cpuNumber = 0) {
    this.cr3 = BigInt(pml4);
    this.paging = { pml4, pcid: 0, cpl: 3, nxe: true, wp: true, smep: false, smap: false, pge: false, ac: false };
    this.mem = new LinearMemory(phys, this.paging);
    this.mem.acSource = () => (this.flags & RFLAGS.AC) !== 0;
    this.mem.onWatchHit = (hit) => {
      if (this.ignoreBreakpoints) this.onIgnoredStop?.('watchpoint', NaN);
      else if (this.stop === null) this.stop = { kind: 'watchpoint', rip: NaN, hit };
    };
    phys.code.listen({ invalidate: (frame) => this.invalidateCode(frame), purgeWrite: (frame) => this.mem.purgeWrite(frame) });
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

  /** Privilege changes re-check every cached permission: drop the fast paths. */
  setCpl(cpl: number): void {
    if (this.paging.cpl === cpl) return;
    this.paging.cpl = cpl;
    this.mem.flushFast();
    this.generation++;
  }

  /** Loads CS/SS (and the CPL) with the flat descriptors SYSCALL, SYSRET and boot use. */
  loadFlatCodeAndStack(cs: number, ss: number, dpl: number): void {
    this.sel[Seg.CS] = cs;
    this.sel[Seg.SS] = ss;
    this.segs[Seg.CS] = flatSegment(cs, true, dpl);
    this.segs[Seg.SS] = flatSegment(ss, false, dpl);
    this.setCpl(dpl);
  }

  /**
   * Re-derives the paging context from CR0/CR3/CR4/EFER after a write. The architectural TLB is
   * not touched here: what a write invalidates is the writer's decision (SDM 4.10.4).
   */
  syncPaging(): void {
    const p = this.paging;
    p.pml4 = Number(this.cr3 & CR3_ADDRESS_MASK);
    p.pcid = this.cr4 & CR4.PCIDE ? Number(this.cr3 & CR3_PCID_MASK) : 0;
    p.nxe = (this.efer & EFER.NXE) !== 0;
    p.wp = (this.cr0 & CR0.WP) !== 0;
    p.smep = (this.cr4 & CR4.SMEP) !== 0;
    p.smap = (this.cr4 & CR4.SMAP) !== 0;
    p.pge = (this.cr4 & CR4.PGE) !== 0;
    this.mem.flushFast();
    this.generation++;
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

  /**
   * Adds or removes one breakpoint without dropping the whole decode cache: only the decoded
   * instruction at that address (under the current page tables) is forgotten, so the next
   * lookup re-arms or disarms it. Addresses not mapped now fall back to a full invalidation.
   */
  setBreakpoint(linear: number, on: boolean): void {
    if (on === this.breakpoints.has(linear)) return;
    if (on) this.breakpoints.add(linear);
    else this.breakpoints.delete(linear);
    const pa = this.mem.inspectTranslate(linear, Access.Execute);
    if (pa === undefined) {
      this.invalidateAllCode();
      return;
    }
    const page = this.decodeCache.get(pa - (pa % PAGE));
    if (page !== undefined) page[pa % PAGE] = undefined;
    this.generation++;
  }

  /** The decoded instruction at `rip`, decoding and caching it on a miss. */
  lookup(rip: number): Insn {
    if (!this.segs[Seg.CS].long) throw fault.ud('compatibility mode (32-bit code segment) is not modelled: only 64-bit code runs');
    const pa = this.mem.fetchAddress(rip);
    const off = pa % PAGE;
    const frame = pa - off;
    let page = this.decodeCache.get(frame);
    if (page === undefined) {
      page = new Array(PAGE);
      this.decodeCache.set(frame, page);
    }
    let ins = page[off];
    if (ins === undefined || ins.rip !== rip) {
      ins = decodeAt(this, rip);
      if (this.onCallRet !== null) observeCallRet(ins);
      if (this.breakpoints.has(rip)) armBreakpoint(ins);
      page[off] = ins;
      // Record the instruction's bytes as code (in both frames if it straddles a boundary).
      const inFirst = Math.min(ins.length, PAGE - off);
      this.phys.code.mark(pa, inFirst);
      if (inFirst < ins.length) this.phys.code.mark(this.mem.fetchAddress(rip + inFirst), ins.length - inFirst);
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
    this.stop = null;
    this.skipBreakpointAt = skipBreakpointAt;
    if (this.pendingException !== null) {
      const { fault: pending, returnRip } = this.pendingException;
      this.pendingException = null;
      const r = this.deliver(pending, returnRip);
      if (r !== null) return this.finish(r);
    }
    for (;;) {
      // `ins` is null while looking up the next instruction, so the catch block can tell a
      // fetch fault (RIP already at the target) from a fault inside a handler (restart it).
      let ins: Insn | null = null;
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
            if (stop.kind === 'watchpoint') stop.rip = ins.rip;
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
        // A fault restarts its instruction; a trap (int3, int n) retires it.
        let faultRip = this.rip;
        if (ins !== null) {
          faultRip = ins.rip;
          if (e.isTrap) this.retired++;
          else this.rip = ins.rip;
        }
        if (!this.deliversExceptions) return this.finish({ kind: 'fault', fault: e, rip: faultRip });
        if (this.stopOnVectors.has(e.vector)) {
          this.pendingException = { fault: e, returnRip: this.rip };
          return this.finish({ kind: 'fault', fault: e, rip: faultRip });
        }
        const r = this.deliver(e, this.rip);
        if (r !== null) return this.finish(r);
      }
    }
  }

  /** IDT delivery of an exception; a stop reason only for a triple fault (shutdown). */
  private deliver(e: CpuFault, returnRip: number): StopReason | null {
    try {
      deliverException(this, e, returnRip);
      return null;
    } catch (t) {
      if (t instanceof TripleFault) return { kind: 'triple-fault', detail: t.message, rip: this.rip };
      throw t;
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
