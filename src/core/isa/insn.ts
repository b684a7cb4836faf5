/**
 * A decoded instruction in the form the interpreter runs: a plain object with a fixed shape
 * (monomorphic for V8), built once per instruction address from iced-x86's decoder output and
 * cached. Handlers read operands through `operands.ts`; they never see iced objects.
 */
import type { Cpu } from '../machine/cpu.js';

export type Handler = (cpu: Cpu, ins: Insn) => void;

/** Operand kinds, as data the operand helpers switch on. */
export const enum Op {
  None = 0,
  /** General register; `reg` holds the slot (0–15), or 16–19 for AH, CH, DH, BH. */
  Reg = 1,
  /** Memory operand (effective address from base/index/scale/disp, segment override). */
  Mem = 2,
  /** Immediate, already sign- or zero-extended to the operand size (immLo/immHi). */
  Imm = 3,
  /** Segment register (mov sreg, push fs ...): `reg` holds the iced segment index 0–5 (ES..GS). */
  Seg = 4,
  /** Control register CRn: `reg` holds n. */
  Cr = 5,
  /** Debug register DRn: `reg` holds n. */
  Dr = 6,
}

/** Segment override for memory operands: only FS and GS have a base in 64-bit mode. */
export const enum SegBase {
  None = 0,
  Fs = 1,
  Gs = 2,
}

export const NO_REG = -1;

export class Insn {
  handler: Handler;
  /** Linear address of the first byte (signed canonical number). */
  rip = 0;
  nextRip = 0;
  length = 0;
  /** iced-x86 Mnemonic and Code, for tables and reports. */
  mnemonic = 0;
  code = 0;
  /** Operand size in bytes (1, 2, 4, 8); for moves with extension, the destination's. */
  size = 0;
  /** Size of the second operand where it differs (movzx/movsx source, shift count...). */
  size2 = 0;
  opCount = 0;
  k0: Op = Op.None;
  k1: Op = Op.None;
  k2: Op = Op.None;
  r0 = NO_REG;
  r1 = NO_REG;
  r2 = NO_REG;
  /** Memory operand: base/index register slots (NO_REG if absent); RIP-relative is folded into disp. */
  base = NO_REG;
  index = NO_REG;
  scale = 1;
  dispLo = 0;
  dispHi = 0;
  seg: SegBase = SegBase.None;
  /** 67h prefix: effective address is truncated to 32 bits. */
  addr32 = false;
  /** Memory operand size in bytes when it differs from `size` (e.g. 16 for cmpxchg16b). */
  memSize = 0;
  immLo = 0;
  immHi = 0;
  /** Second immediate (enter's nesting level). */
  imm2 = 0;
  /** Condition code 0–15 in encoding order (O NO B AE E NE BE A S NS P NP L GE LE G), or -1. */
  cond = -1;
  /** 0 none, 1 rep/repe, 2 repne. */
  rep = 0;
  lock = false;
  /** Near branch target (signed canonical number). */
  target = 0;
  /** Generation of the decode cache this instruction belongs to (stale links are ignored). */
  generation = 0;
  /** Fall-through successor, linked lazily by the run loop. */
  next: Insn | null = null;
  /** Last taken-branch successor (direct or indirect), linked lazily by the run loop. */
  jump: Insn | null = null;
  /** The instruction's own handler while `handler` is the breakpoint trap. */
  original: Handler | null = null;

  constructor(handler: Handler) {
    this.handler = handler;
  }
}

/**
 * Breakpoints cost nothing on the hot path: an armed instruction's handler is swapped for
 * this trap, which stops the run before the instruction (or runs it once when resuming).
 */
function breakpointTrap(cpu: Cpu, ins: Insn): void {
  if (cpu.skipBreakpointAt === ins.rip || cpu.ignoreBreakpoints) {
    if (cpu.ignoreBreakpoints && cpu.skipBreakpointAt !== ins.rip) cpu.onIgnoredStop?.('breakpoint', ins.rip);
    cpu.skipBreakpointAt = NaN;
    ins.original!(cpu, ins);
    return;
  }
  cpu.rip = ins.rip;
  cpu.stop = { kind: 'breakpoint', rip: ins.rip };
}

export function armBreakpoint(ins: Insn): void {
  if (ins.original === null) {
    ins.original = ins.handler;
    ins.handler = breakpointTrap;
  }
}
