/**
 * Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR (imm8, CL and implicit-1 forms) and the
 * double-precision shifts SHLD SHRD (imm8 and CL). Flags are computed eagerly.
 *
 * Count: masked to 5 bits (6 bits for 64-bit operands). A masked count of 0 changes no flag;
 * the destination is still written back unchanged (as the hardware's read-modify-write does:
 * a 32-bit register destination gets its upper half cleared, a read-only memory operand faults).
 *
 * Flags the SDM leaves undefined get these stable values (documented choices):
 *  - AF: shifts (SHL SHR SAR SHLD SHRD) with a non-zero count set AF = 0. Rotates never touch AF.
 *  - OF when the masked count is not 1: the count-1 rule is applied to the *last single-bit
 *    step* of the operation, i.e. OF = MSB(result) XOR MSB(value before the last step). That is
 *      SHL/SAL, ROL, RCL, SHLD:  OF = MSB(result) XOR CF
 *      SHR, ROR, RCR, SHRD:      OF = MSB(result) XOR (bit below the MSB of the result)
 *                                (so SHR with count >= 2 gives OF = 0)
 *      SAR:                      OF = 0
 *    For count 1 this is exactly the SDM's definition. An AMD EPYC host produced the same OF
 *    for SHL/SHR/SAR/ROL/ROR/RCL/RCR in a native comparison (apart from the RCL/RCR case below);
 *    Intel hardware was not available to check.
 *  - CF of SHL/SHR on 8/16-bit operands with count >= operand width: the operand is treated as
 *    zero-extended to 32 bits, so CF is the last bit shifted out of that (0 when count > width;
 *    bit 0 (SHL) / the MSB (SHR) when count == width). SAR's CF is the sign bit then (defined).
 *  - RCL/RCR on 8/16-bit operands: count is taken modulo 9/17 after masking; when that gives 0
 *    for a non-zero masked count (9, 18, 27 / 17) nothing changes: CF and OF keep their values
 *    (CF is defined that way by the SDM; OF is undefined — AMD was seen to rewrite it).
 *  - ROL/ROR whose masked count is a multiple of the width (8-bit count 8, 16, 24; 16-bit
 *    count 16): the value is unchanged, CF = LSB (ROL) / MSB (ROR) of it as the SDM says, OF by
 *    the rule above.
 *  - SHLD/SHRD with a 16-bit operand and masked count 17–31 (result undefined by the SDM): we
 *    model what Intel P6-and-later processors are reported to do (QEMU and Bochs model the same):
 *    the shift acts on the 48-bit value DEST:SRC:DEST, so after the 16 source bits the bits of
 *    the destination itself flow in. SHLD's result is the top 16 bits of (DEST:SRC:DEST << count)
 *    and CF the last bit shifted out of it (bit 48-count); SHRD's result is bits count..count+15
 *    of DEST:SRC:DEST and CF bit count-1. SF ZF PF from the result, AF = 0, OF by the rule above.
 *    Not verified on Intel hardware here (the development host is AMD).
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { Insn, Op } from './insn.js';
import { PARITY_EVEN, materializeFlags, setStatusFlags } from './lazy-flags.js';
import { readDst, readReg, writeDst } from './operands.js';
import type { HandlerTable } from './table.js';

const CF = 0x1;
const OF_SHIFT = 11;
const CF_OF = 0x801;

// 64-bit helper results: a typed array, since int32 values outside the small-integer range
// would be boxed on every store into a closure variable.
const OUT = new Int32Array(2);

/** (lo, hi) << n for n in 0..63 into OUT[0]/OUT[1]. */
function shl64(lo: number, hi: number, n: number): void {
  if (n === 0) {
    OUT[0] = lo;
    OUT[1] = hi;
  } else if (n < 32) {
    OUT[1] = (hi << n) | (lo >>> (32 - n));
    OUT[0] = lo << n;
  } else {
    OUT[1] = lo << (n - 32);
    OUT[0] = 0;
  }
}

/** (lo, hi) >>> n for n in 0..64 into OUT[0]/OUT[1]. */
function shr64(lo: number, hi: number, n: number): void {
  if (n === 0) {
    OUT[0] = lo;
    OUT[1] = hi;
  } else if (n < 32) {
    OUT[0] = (lo >>> n) | (hi << (32 - n));
    OUT[1] = hi >>> n;
  } else if (n < 64) {
    OUT[0] = hi >>> (n - 32);
    OUT[1] = 0;
  } else {
    OUT[0] = 0;
    OUT[1] = 0;
  }
}

/** Bit n (0..63) of (lo, hi). */
function bit64(lo: number, hi: number, n: number): number {
  return n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1;
}

/** PF ZF SF of a result of `bits` bits (r zero-extended to its width, or int32 for 32 bits). */
function pzs(r: number, bits: number): number {
  return (PARITY_EVEN[r & 0xff] << 2) | (r === 0 ? 0x40 : 0) | (((r >>> (bits - 1)) & 1) << 7);
}

function pzs64(lo: number, hi: number): number {
  return (PARITY_EVEN[lo & 0xff] << 2) | ((lo | hi) === 0 ? 0x40 : 0) | ((hi >>> 31) << 7);
}

/** Raw count operand of SHL-like forms: imm8 (implicit-1 forms decode as imm 1) or CL. */
function countOf(cpu: Cpu, ins: Insn): number {
  return ins.k1 === Op.Imm ? ins.immLo : cpu.r[2];
}

/** Rotates keep every flag except CF and OF. */
function setCfOf(cpu: Cpu, cf: number, of: number): void {
  cpu.flags = (materializeFlags(cpu) & ~CF_OF) | cf | (of << OF_SHIFT);
}

function sizeMask(size: number): number {
  return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
}

/** Sign-extends a zero-extended 8/16-bit value (int32 unchanged). */
function signExtend(a: number, size: number): number {
  return size === 1 ? (a << 24) >> 24 : size === 2 ? (a << 16) >> 16 : a;
}

// ---- SHL SHR SAR ----

function shl(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    shl64(a, ah, c);
    const rl = OUT[0];
    const rh = OUT[1];
    writeDst(cpu, ins, rl, rh);
    const cf = bit64(a, ah, 64 - c);
    setStatusFlags(cpu, cf | pzs64(rl, rh) | ((cf ^ (rh >>> 31)) << OF_SHIFT));
    return;
  }
  const c = countOf(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  const r = (a << c) & sizeMask(size);
  writeDst(cpu, ins, r, 0);
  const cf = c > bits ? 0 : (a >>> (bits - c)) & 1;
  setStatusFlags(cpu, cf | pzs(r, bits) | ((cf ^ ((r >>> (bits - 1)) & 1)) << OF_SHIFT));
}

function shr(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    shr64(a, ah, c);
    const rl = OUT[0];
    const rh = OUT[1];
    writeDst(cpu, ins, rl, rh);
    const cf = bit64(a, ah, c - 1);
    const of = c === 1 ? ah >>> 31 : 0;
    setStatusFlags(cpu, cf | pzs64(rl, rh) | (of << OF_SHIFT));
    return;
  }
  const c = countOf(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  // a is zero-extended (8/16) or int32: >>> treats it as unsigned; c <= 31.
  const r = (a >>> c) | 0;
  writeDst(cpu, ins, r, 0);
  const cf = (a >>> (c - 1)) & 1;
  const of = c === 1 ? (a >>> (bits - 1)) & 1 : 0;
  setStatusFlags(cpu, cf | pzs(r, bits) | (of << OF_SHIFT));
}

function sar(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    let rl: number;
    let rh: number;
    if (c < 32) {
      rl = (a >>> c) | (ah << (32 - c));
      rh = ah >> c;
    } else {
      rl = ah >> (c - 32);
      rh = ah >> 31;
    }
    writeDst(cpu, ins, rl, rh);
    const cf = bit64(a, ah, c - 1);
    setStatusFlags(cpu, cf | pzs64(rl, rh));
    return;
  }
  const c = countOf(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  const s = signExtend(a, size);
  const r = (s >> c) & sizeMask(size);
  writeDst(cpu, ins, r, 0);
  const cf = (s >> (c - 1)) & 1;
  setStatusFlags(cpu, cf | pzs(r, bits));
}

// ---- ROL ROR ----

function rol(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    let rl: number;
    let rh: number;
    if (c === 32) {
      rl = ah;
      rh = a;
    } else if (c < 32) {
      rl = (a << c) | (ah >>> (32 - c));
      rh = (ah << c) | (a >>> (32 - c));
    } else {
      const k = c - 32;
      rl = (ah << k) | (a >>> (32 - k));
      rh = (a << k) | (ah >>> (32 - k));
    }
    writeDst(cpu, ins, rl, rh);
    const cf = rl & 1;
    setCfOf(cpu, cf, cf ^ (rh >>> 31));
    return;
  }
  const c = countOf(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  const k = c & (bits - 1);
  const r = k === 0 ? a : ((a << k) | (a >>> (bits - k))) & sizeMask(size);
  writeDst(cpu, ins, r, 0);
  const cf = r & 1;
  setCfOf(cpu, cf, cf ^ ((r >>> (bits - 1)) & 1));
}

function ror(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    let rl: number;
    let rh: number;
    if (c === 32) {
      rl = ah;
      rh = a;
    } else if (c < 32) {
      rl = (a >>> c) | (ah << (32 - c));
      rh = (ah >>> c) | (a << (32 - c));
    } else {
      const k = c - 32;
      rl = (ah >>> k) | (a << (32 - k));
      rh = (a >>> k) | (ah << (32 - k));
    }
    writeDst(cpu, ins, rl, rh);
    setCfOf(cpu, rh >>> 31, ((rh >>> 31) ^ (rh >>> 30)) & 1);
    return;
  }
  const c = countOf(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  const k = c & (bits - 1);
  const r = k === 0 ? a : ((a >>> k) | (a << (bits - k))) & sizeMask(size);
  writeDst(cpu, ins, r, 0);
  const msb = (r >>> (bits - 1)) & 1;
  setCfOf(cpu, msb, msb ^ ((r >>> (bits - 2)) & 1));
}

// ---- RCL RCR ----

function rcl(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    const cin = materializeFlags(cpu) & CF;
    // 65-bit rotate of CF:value: (v << c) | (CF << (c-1)) | (v >>> (65-c)).
    shr64(a, ah, 65 - c);
    let rl = OUT[0];
    let rh = OUT[1];
    shl64(a, ah, c);
    rl |= OUT[0];
    rh |= OUT[1];
    if (c <= 32) rl |= cin << (c - 1);
    else rh |= cin << (c - 33);
    writeDst(cpu, ins, rl, rh);
    const cf = bit64(a, ah, 64 - c);
    setCfOf(cpu, cf, cf ^ (rh >>> 31));
    return;
  }
  const masked = countOf(cpu, ins) & 31;
  const c = size === 1 ? masked % 9 : size === 2 ? masked % 17 : masked;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  const cin = materializeFlags(cpu) & CF;
  let r: number;
  let cf: number;
  if (size === 4) {
    r = (a << c) | (cin << (c - 1)) | (c > 1 ? a >>> (33 - c) : 0);
    cf = (a >>> (32 - c)) & 1;
  } else {
    const x = (cin << bits) | a; // bits+1 <= 17 bits
    const y = ((x << c) | (x >>> (bits + 1 - c))) & ((1 << (bits + 1)) - 1);
    r = y & sizeMask(size);
    cf = y >>> bits;
  }
  writeDst(cpu, ins, r, 0);
  setCfOf(cpu, cf, cf ^ ((r >>> (bits - 1)) & 1));
}

function rcr(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  if (size === 8) {
    const ah = cpu.hi;
    const c = countOf(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    const cin = materializeFlags(cpu) & CF;
    // 65-bit rotate of value:CF: (v >>> c) | (CF << (64-c)) | (v << (65-c)).
    let rl: number;
    let rh: number;
    if (c === 1) {
      rl = 0;
      rh = 0;
    } else {
      shl64(a, ah, 65 - c);
      rl = OUT[0];
      rh = OUT[1];
    }
    shr64(a, ah, c);
    rl |= OUT[0];
    rh |= OUT[1];
    if (c <= 32) rh |= cin << (32 - c);
    else rl |= cin << (64 - c);
    writeDst(cpu, ins, rl, rh);
    setCfOf(cpu, bit64(a, ah, c - 1), ((rh >>> 31) ^ (rh >>> 30)) & 1);
    return;
  }
  const masked = countOf(cpu, ins) & 31;
  const c = size === 1 ? masked % 9 : size === 2 ? masked % 17 : masked;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const bits = size * 8;
  const cin = materializeFlags(cpu) & CF;
  let r: number;
  let cf: number;
  if (size === 4) {
    r = (a >>> c) | (cin << (32 - c)) | (c > 1 ? a << (33 - c) : 0);
    cf = (a >>> (c - 1)) & 1;
  } else {
    const x = (cin << bits) | a;
    const y = ((x >>> c) | (x << (bits + 1 - c))) & ((1 << (bits + 1)) - 1);
    r = y & sizeMask(size);
    cf = y >>> bits;
  }
  writeDst(cpu, ins, r, 0);
  setCfOf(cpu, cf, ((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1);
}

// ---- SHLD SHRD ----

/** Count operand of SHLD/SHRD (operand 2: imm8 or CL). */
function count2(cpu: Cpu, ins: Insn): number {
  return ins.k2 === Op.Imm ? ins.immLo : cpu.r[2];
}

function shld(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  if (size === 8) {
    const c = count2(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    const b = readReg(cpu, ins.r1, 8);
    const bh = cpu.hi;
    shr64(b, bh, 64 - c);
    const fl = OUT[0];
    const fh = OUT[1];
    shl64(a, ah, c);
    const rl = OUT[0] | fl;
    const rh = OUT[1] | fh;
    writeDst(cpu, ins, rl, rh);
    const cf = bit64(a, ah, 64 - c);
    setStatusFlags(cpu, cf | pzs64(rl, rh) | ((cf ^ (rh >>> 31)) << OF_SHIFT));
    return;
  }
  const c = count2(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const b = readReg(cpu, ins.r1, size);
  let r: number;
  let cf: number;
  if (size === 4) {
    r = (a << c) | (b >>> (32 - c));
    cf = (a >>> (32 - c)) & 1;
  } else {
    // 48-bit DEST:SRC:DEST; u = its bits 16..47 (DEST:SRC), l = bits 0..31 (SRC:DEST).
    const u = (a << 16) | b;
    cf = (u >>> (32 - c)) & 1;
    r = c <= 16 ? (u >>> (16 - c)) & 0xffff : ((((b << 16) | a) >>> (32 - c)) & 0xffff);
  }
  writeDst(cpu, ins, r, 0);
  const bits = size * 8;
  setStatusFlags(cpu, cf | pzs(r, bits) | ((cf ^ ((r >>> (bits - 1)) & 1)) << OF_SHIFT));
}

function shrd(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a = readDst(cpu, ins);
  const ah = cpu.hi;
  if (size === 8) {
    const c = count2(cpu, ins) & 63;
    if (c === 0) return writeDst(cpu, ins, a, ah);
    const b = readReg(cpu, ins.r1, 8);
    const bh = cpu.hi;
    shl64(b, bh, 64 - c);
    const fl = OUT[0];
    const fh = OUT[1];
    shr64(a, ah, c);
    const rl = OUT[0] | fl;
    const rh = OUT[1] | fh;
    writeDst(cpu, ins, rl, rh);
    const cf = bit64(a, ah, c - 1);
    setStatusFlags(cpu, cf | pzs64(rl, rh) | ((((rh >>> 31) ^ (rh >>> 30)) & 1) << OF_SHIFT));
    return;
  }
  const c = count2(cpu, ins) & 31;
  if (c === 0) return writeDst(cpu, ins, a, 0);
  const b = readReg(cpu, ins.r1, size);
  let r: number;
  let cf: number;
  if (size === 4) {
    r = (a >>> c) | (b << (32 - c));
    cf = (a >>> (c - 1)) & 1;
  } else {
    // 48-bit DEST:SRC:DEST; l = its bits 0..31 (SRC:DEST), u = bits 16..47 (DEST:SRC).
    const l = (b << 16) | a;
    cf = (l >>> (c - 1)) & 1;
    r = c <= 16 ? (l >>> c) & 0xffff : ((((a << 16) | b) >>> (c - 16)) & 0xffff);
  }
  writeDst(cpu, ins, r, 0);
  const bits = size * 8;
  setStatusFlags(cpu, cf | pzs(r, bits) | ((((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1) << OF_SHIFT));
}

export const SHIFT_HANDLERS: HandlerTable = {
  [Mnemonic.Shl]: shl,
  [Mnemonic.Sal]: shl,
  [Mnemonic.Shr]: shr,
  [Mnemonic.Sar]: sar,
  [Mnemonic.Rol]: rol,
  [Mnemonic.Ror]: ror,
  [Mnemonic.Rcl]: rcl,
  [Mnemonic.Rcr]: rcr,
  [Mnemonic.Shld]: shld,
  [Mnemonic.Shrd]: shrd,
};
