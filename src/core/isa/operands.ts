/**
 * Operand access shared by every handler. Values travel as dwords: functions return the low
 * dword (sizes 1 and 2 zero-extended, size 4 and 8 as signed int32) and leave the high dword
 * of a 64-bit value in `cpu.hi`. Writes follow the x86-64 rules: 32-bit register writes clear
 * the upper half, 8/16-bit writes merge.
 */
import type { Cpu } from '../machine/cpu.js';
import { fault } from '../machine/faults.js';
import { Insn, NO_REG, Op, SegBase } from './insn.js';

const TWO32 = 4294967296;

// ---- registers ----

export function readReg(cpu: Cpu, slot: number, size: number): number {
  const r = cpu.r;
  switch (size) {
    case 8:
      cpu.hi = r[2 * slot + 1];
      return r[2 * slot];
    case 4:
      cpu.hi = 0;
      return r[2 * slot];
    case 2:
      cpu.hi = 0;
      return r[2 * slot] & 0xffff;
    default:
      cpu.hi = 0;
      return slot >= 16 ? (r[2 * (slot - 16)] >> 8) & 0xff : r[2 * slot] & 0xff;
  }
}

export function writeReg(cpu: Cpu, slot: number, size: number, lo: number, hi: number): void {
  const r = cpu.r;
  switch (size) {
    case 8:
      r[2 * slot] = lo;
      r[2 * slot + 1] = hi;
      return;
    case 4:
      r[2 * slot] = lo;
      r[2 * slot + 1] = 0;
      return;
    case 2:
      r[2 * slot] = (r[2 * slot] & ~0xffff) | (lo & 0xffff);
      return;
    default:
      if (slot >= 16) {
        const s = 2 * (slot - 16);
        r[s] = (r[s] & ~0xff00) | ((lo & 0xff) << 8);
      } else {
        r[2 * slot] = (r[2 * slot] & ~0xff) | (lo & 0xff);
      }
  }
}

// ---- memory ----

/** Linear address of the instruction's memory operand (segment base included). */
export function effectiveAddress(cpu: Cpu, ins: Insn): number {
  const r = cpu.r;
  let lo = ins.dispLo >>> 0;
  let hi = ins.dispHi;
  const b = ins.base;
  if (b !== NO_REG) {
    lo += r[2 * b] >>> 0;
    hi += r[2 * b + 1];
  }
  const x = ins.index;
  if (x !== NO_REG) {
    lo += (r[2 * x] >>> 0) * ins.scale;
    hi += Math.imul(r[2 * x + 1], ins.scale);
  }
  let a: number;
  if (ins.addr32) {
    a = lo % TWO32;
  } else {
    const carry = Math.floor(lo / TWO32);
    a = ((hi + carry) | 0) * TWO32 + (lo - carry * TWO32);
  }
  if (ins.seg !== SegBase.None) a += ins.seg === SegBase.Fs ? cpu.fsBase : cpu.gsBase;
  return a;
}

export function readMem(cpu: Cpu, a: number, size: number): number {
  const m = cpu.mem;
  switch (size) {
    case 8: {
      const lo = m.read64(a);
      cpu.hi = m.hi;
      return lo;
    }
    case 4:
      cpu.hi = 0;
      return m.read32(a);
    case 2:
      cpu.hi = 0;
      return m.read16(a);
    default:
      cpu.hi = 0;
      return m.read8(a);
  }
}

export function writeMem(cpu: Cpu, a: number, size: number, lo: number, hi: number): void {
  const m = cpu.mem;
  switch (size) {
    case 8:
      m.write64(a, lo, hi);
      return;
    case 4:
      m.write32(a, lo);
      return;
    case 2:
      m.write16(a, lo & 0xffff);
      return;
    default:
      m.write8(a, lo & 0xff);
  }
}

// ---- generic operands ----

/** Reads operand 0 at the instruction's size; for memory, remembers the address in cpu.ea. */
export function readDst(cpu: Cpu, ins: Insn): number {
  if (ins.k0 === Op.Reg) return readReg(cpu, ins.r0, ins.size);
  const a = effectiveAddress(cpu, ins);
  cpu.ea = a;
  return readMem(cpu, a, ins.size);
}

/** Writes operand 0 (after readDst for memory, which set cpu.ea). */
export function writeDst(cpu: Cpu, ins: Insn, lo: number, hi: number): void {
  if (ins.k0 === Op.Reg) writeReg(cpu, ins.r0, ins.size, lo, hi);
  else writeMem(cpu, cpu.ea, ins.size, lo, hi);
}

/** Writes operand 0 without a prior read (mov, setcc, pop). */
export function storeDst(cpu: Cpu, ins: Insn, size: number, lo: number, hi: number): void {
  if (ins.k0 === Op.Reg) writeReg(cpu, ins.r0, size, lo, hi);
  else writeMem(cpu, effectiveAddress(cpu, ins), size, lo, hi);
}

/** Reads operand 1 (register, memory or immediate) at `size`. */
export function readSrc(cpu: Cpu, ins: Insn, size: number): number {
  switch (ins.k1) {
    case Op.Reg:
      return readReg(cpu, ins.r1, size);
    case Op.Imm:
      cpu.hi = ins.immHi;
      return ins.immLo;
    case Op.Mem:
      return readMem(cpu, effectiveAddress(cpu, ins), size);
    default:
      throw fault.ud(`operand 1 of kind ${ins.k1} is not readable`);
  }
}

/** Reads operand 0 at `size` without remembering an address (push, jmp *, test forms). */
export function readOp0(cpu: Cpu, ins: Insn, size: number): number {
  switch (ins.k0) {
    case Op.Reg:
      return readReg(cpu, ins.r0, size);
    case Op.Imm:
      cpu.hi = ins.immHi;
      return ins.immLo;
    case Op.Mem:
      return readMem(cpu, effectiveAddress(cpu, ins), size);
    default:
      throw fault.ud(`operand 0 of kind ${ins.k0} is not readable`);
  }
}

// ---- stack (64-bit mode: the stack pointer is always RSP, 8 bytes unless a 66h prefix) ----

export function push(cpu: Cpu, size: number, lo: number, hi: number): void {
  const r = cpu.r;
  const sp = r[9] * TWO32 + (r[8] >>> 0) - size;
  writeMem(cpu, sp, size, lo, hi);
  setRsp(cpu, sp);
}

/** Pops `size` bytes; returns the low dword, high dword in cpu.hi. */
export function pop(cpu: Cpu, size: number): number {
  const r = cpu.r;
  const sp = r[9] * TWO32 + (r[8] >>> 0);
  const lo = readMem(cpu, sp, size);
  setRsp(cpu, sp + size);
  return lo;
}

export function rspNumber(cpu: Cpu): number {
  return cpu.r[9] * TWO32 + (cpu.r[8] >>> 0);
}

export function setRsp(cpu: Cpu, sp: number): void {
  const hi = Math.floor(sp / TWO32);
  cpu.r[8] = (sp - hi * TWO32) | 0;
  cpu.r[9] = hi | 0;
}

/** RIP-style numbers (signed canonical) to dword pairs, for pushing return addresses. */
export function numberLo(n: number): number {
  return (n - Math.floor(n / TWO32) * TWO32) | 0;
}
export function numberHi(n: number): number {
  return Math.floor(n / TWO32) | 0;
}
/** A dword pair to a signed number (exact when the value is a canonical address). */
export function pairToNumber(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

/**
 * The memory operand's offset as an exact 64-bit dword pair (LEA: any value, not only
 * canonical addresses; no segment base). Returns the low dword, high dword in cpu.hi.
 */
export function effectiveOffset(cpu: Cpu, ins: Insn): number {
  const r = cpu.r;
  let lo = ins.dispLo >>> 0;
  let hi = ins.dispHi;
  if (ins.base !== NO_REG) {
    lo += r[2 * ins.base] >>> 0;
    hi += r[2 * ins.base + 1];
  }
  if (ins.index !== NO_REG) {
    lo += (r[2 * ins.index] >>> 0) * ins.scale;
    hi += Math.imul(r[2 * ins.index + 1], ins.scale);
  }
  const carry = Math.floor(lo / TWO32);
  cpu.hi = ins.addr32 ? 0 : (hi + carry) | 0;
  return (lo - carry * TWO32) | 0;
}

/** Raises #GP(0) unless `n` (a signed number) is a canonical 48-bit address. */
export function checkCanonical(n: number): void {
  if (n >= 0x800000000000 || n < -0x800000000000) throw fault.gp(0, 'non-canonical target address');
}
