/**
 * Lazy arithmetic flags. ALU handlers record the operation and its operands; CF PF AF ZF SF
 * OF are computed only when something reads them (jcc, setcc, pushf, the debugger).
 *
 * Operands are stored as 32-bit words: `lfA/lfB/lfR` are the low dwords (masked to the
 * operand size), `lfAh/lfBh/lfRh` the dwords that hold the sign bit (the high dword for
 * 64-bit operations, else the same as the low one), `lfMsb` the sign bit's position there.
 * The carry/borrow formulas are the full-adder identities, so ADC/SBB share them with ADD/SUB.
 */
import type { Cpu } from '../machine/cpu.js';
import { RFLAGS, STATUS_FLAGS } from '../machine/rflags.js';

export const enum LF {
  /** Status flags are materialized in cpu.flags. */
  None = 0,
  Add = 1,
  Sub = 2,
  /** AND OR XOR TEST: CF = OF = 0, AF = 0 (undefined by the SDM; we define it as 0). */
  Logic = 3,
  /** INC/DEC: like Add/Sub with b = 1, but CF keeps its materialized value. */
  Inc = 4,
  Dec = 5,
}

export const PARITY_EVEN = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let bits = 0;
    for (let v = i; v; v >>= 1) bits += v & 1;
    t[i] = bits % 2 === 0 ? 1 : 0;
  }
  return t;
})();

const MSB_BY_SIZE = [0, 7, 15, 0, 31, 0, 0, 0, 31];
const MASK_BY_SIZE = [0, 0xff, 0xffff, 0, -1, 0, 0, 0, -1];

/** Records a flag-setting result. For size 8 pass both dwords; for smaller sizes pass lo only. */
export function setLazy(
  cpu: Cpu,
  op: LF,
  size: number,
  a: number,
  ah: number,
  b: number,
  bh: number,
  r: number,
  rh: number,
): void {
  cpu.lfOp = op;
  cpu.lfMsb = MSB_BY_SIZE[size];
  if (size === 8) {
    cpu.lfA = a;
    cpu.lfB = b;
    cpu.lfR = r;
    cpu.lfAh = ah;
    cpu.lfBh = bh;
    cpu.lfRh = rh;
  } else {
    const m = MASK_BY_SIZE[size];
    cpu.lfA = cpu.lfAh = a & m;
    cpu.lfB = cpu.lfBh = b & m;
    cpu.lfR = cpu.lfRh = r & m;
  }
}

/** INC/DEC must keep CF: materialize it first. */
export function prepareIncDec(cpu: Cpu): void {
  const cf = getCF(cpu);
  cpu.flags = (cpu.flags & ~RFLAGS.CF) | cf;
}

export function getCF(cpu: Cpu): number {
  const a = cpu.lfAh;
  const b = cpu.lfBh;
  const r = cpu.lfRh;
  switch (cpu.lfOp) {
    case LF.Add:
      return (((a & b) | ((a | b) & ~r)) >>> cpu.lfMsb) & 1;
    case LF.Sub:
      return (((~a & b) | ((~a | b) & r)) >>> cpu.lfMsb) & 1;
    case LF.Logic:
      return 0;
    default:
      return cpu.flags & RFLAGS.CF;
  }
}

export function getZF(cpu: Cpu): number {
  if (cpu.lfOp === LF.None) return (cpu.flags >> 6) & 1;
  return (cpu.lfR | cpu.lfRh) === 0 ? 1 : 0;
}

export function getSF(cpu: Cpu): number {
  if (cpu.lfOp === LF.None) return (cpu.flags >> 7) & 1;
  return (cpu.lfRh >>> cpu.lfMsb) & 1;
}

export function getOF(cpu: Cpu): number {
  const a = cpu.lfAh;
  const b = cpu.lfBh;
  const r = cpu.lfRh;
  switch (cpu.lfOp) {
    case LF.Add:
    case LF.Inc:
      return (((a ^ r) & (b ^ r)) >>> cpu.lfMsb) & 1;
    case LF.Sub:
    case LF.Dec:
      return (((a ^ b) & (a ^ r)) >>> cpu.lfMsb) & 1;
    case LF.Logic:
      return 0;
    default:
      return (cpu.flags >> 11) & 1;
  }
}

export function getPF(cpu: Cpu): number {
  if (cpu.lfOp === LF.None) return (cpu.flags >> 2) & 1;
  return PARITY_EVEN[cpu.lfR & 0xff];
}

export function getAF(cpu: Cpu): number {
  switch (cpu.lfOp) {
    case LF.None:
      return (cpu.flags >> 4) & 1;
    case LF.Logic:
      return 0;
    default:
      return ((cpu.lfA ^ cpu.lfB ^ cpu.lfR) >> 4) & 1;
  }
}

/** Writes the computed status flags into cpu.flags and drops the lazy record. */
export function materializeFlags(cpu: Cpu): number {
  if (cpu.lfOp !== LF.None) {
    const status =
      getCF(cpu) | (getPF(cpu) << 2) | (getAF(cpu) << 4) | (getZF(cpu) << 6) | (getSF(cpu) << 7) | (getOF(cpu) << 11);
    cpu.flags = (cpu.flags & ~STATUS_FLAGS) | status;
    cpu.lfOp = LF.None;
  }
  return cpu.flags;
}

/** Sets status flags eagerly (handlers that compute them all, e.g. shifts, mul). */
export function setStatusFlags(cpu: Cpu, status: number): void {
  cpu.flags = (cpu.flags & ~STATUS_FLAGS) | (status & STATUS_FLAGS);
  cpu.lfOp = LF.None;
}

/** Condition-code suffixes in encoding order (iced names: Jo, Cmovno, Setb ...). */
export const CONDITION_SUFFIXES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;

/** Condition codes in encoding order: O NO B AE E NE BE A S NS P NP L GE LE G. */
export function testCondition(cpu: Cpu, cc: number): boolean {
  let v: number;
  switch (cc >> 1) {
    case 0:
      v = getOF(cpu);
      break;
    case 1:
      v = getCF(cpu);
      break;
    case 2:
      v = getZF(cpu);
      break;
    case 3:
      v = getCF(cpu) | getZF(cpu);
      break;
    case 4:
      v = getSF(cpu);
      break;
    case 5:
      v = getPF(cpu);
      break;
    case 6:
      v = getSF(cpu) ^ getOF(cpu);
      break;
    default:
      v = getZF(cpu) | (getSF(cpu) ^ getOF(cpu));
      break;
  }
  return (v ^ (cc & 1)) === 1;
}
