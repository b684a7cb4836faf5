/**
 * Multiplication and division: MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Products are exact without BigInt: a 32×32 product is split as a·(b_hi16·2^16 + b_lo16) so
 * every partial product is below 2^53; 64×64→128 is four such 32×32 products.
 * Division of a dividend below 2^53 is exact in doubles (floor/trunc of a correctly rounded
 * quotient of integers below 2^53 never crosses an integer); larger dividends use long division
 * with 16-bit digits when the divisor fits in 32 bits (magnitudes for IDIV); BigInt is used
 * only by 64-bit DIV/IDIV whose divisor is 2^32 or more in magnitude when the dividend (or, for
 * IDIV, the divisor) is 2^53 or more in magnitude.
 *
 * Flags (documented choices where the SDM leaves them undefined):
 *  - MUL/IMUL: CF = OF as the SDM defines (upper half significant / signed result truncated).
 *    SF ZF PF are computed from the low half of the result (the destination of the two- and
 *    three-operand forms; AL/AX/EAX/RAX of the one-operand forms): SF = its MSB, ZF = (it is 0),
 *    PF = parity of its low byte. AF = 0.
 *  - DIV/IDIV: all six status flags keep their previous values.
 * #DE (divide error) on a zero divisor and when the quotient does not fit the destination
 * (including IDIV of the most negative dividend by -1); registers are unchanged then.
 */
import { Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { fault } from '../machine/faults.js';
import { Insn, Op } from './insn.js';
import { PARITY_EVEN, setStatusFlags } from './lazy-flags.js';
import { readOp0, readReg, readSrc, writeReg } from './operands.js';
import type { HandlerTable } from './table.js';

const TWO32 = 4294967296;
const INV32 = 1 / TWO32;
/** 2^-16: multiplying by it is exact (power of two), unlike a division it is cheap. */
const INV16 = 1 / 65536;
const CF_OF = 0x801;

// ---- exact products ----

/** High dword of the unsigned product of two uint32 values (as numbers >= 0). */
function umulHi(a: number, b: number): number {
  const t = a * (b >>> 16);
  const u = a * (b & 0xffff);
  return Math.floor((t + Math.floor(u * INV16)) * INV16);
}

/** High dword (signed) of the signed product of two int32 values. */
function smulHi(a: number, b: number): number {
  const t = a * (b >> 16);
  const u = a * (b & 0xffff);
  return Math.floor((t + Math.floor(u * INV16)) * INV16) | 0;
}

// 128-bit product words, low to high. A typed array, not module variables: int32 values outside
// the small-integer range would be boxed on every store into a closure variable.
const P = new Int32Array(4);

/** Unsigned 64×64 → 128 into P[0]..P[3]. */
function umul64(al: number, ah: number, bl: number, bh: number): void {
  if ((ah | bh) === 0) {
    // Both below 2^32 (the common case): one 32×32 product.
    P[0] = Math.imul(al, bl);
    P[1] = umulHi(al >>> 0, bl >>> 0) | 0;
    P[2] = 0;
    P[3] = 0;
    return;
  }
  al >>>= 0;
  ah >>>= 0;
  bl >>>= 0;
  bh >>>= 0;
  const s1 = umulHi(al, bl) + (Math.imul(al, bh) >>> 0) + (Math.imul(ah, bl) >>> 0);
  const c1 = Math.floor(s1 * INV32);
  const s2 = umulHi(al, bh) + umulHi(ah, bl) + (Math.imul(ah, bh) >>> 0) + c1;
  const c2 = Math.floor(s2 * INV32);
  P[0] = Math.imul(al, bl);
  P[1] = s1 | 0;
  P[2] = s2 | 0;
  P[3] = (umulHi(ah, bh) + c2) | 0;
}

/** Signed 64×64 → 128 into P[0]..P[3]: the unsigned product minus the sign corrections. */
function smul64(al: number, ah: number, bl: number, bh: number): void {
  if (ah === al >> 31 && bh === bl >> 31) {
    // Both are sign-extended int32 (the common case): |product| <= 2^62.
    P[0] = Math.imul(al, bl);
    P[1] = smulHi(al, bl);
    P[2] = P[1] >> 31;
    P[3] = P[2];
    return;
  }
  umul64(al, ah, bl, bh);
  if (ah < 0) sub64FromHigh(bl, bh);
  if (bh < 0) sub64FromHigh(al, ah);
}

function sub64FromHigh(lo: number, hi: number): void {
  const l = (P[2] >>> 0) - (lo >>> 0);
  P[2] = l | 0;
  P[3] = (P[3] - hi - (l < 0 ? 1 : 0)) | 0;
}

/** SF ZF PF of the low half (int32 or zero-extended value) with the given sign bit; AF = 0. */
function lowFlags(r: number, msb: number): number {
  return (PARITY_EVEN[r & 0xff] << 2) | (r === 0 ? 0x40 : 0) | (((r >>> msb) & 1) << 7);
}

function lowFlags64(lo: number, hi: number): number {
  return (PARITY_EVEN[lo & 0xff] << 2) | ((lo | hi) === 0 ? 0x40 : 0) | ((hi >>> 31) << 7);
}

// ---- MUL ----

function mul(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const b = readOp0(cpu, ins, size);
  const bh = cpu.hi;
  const r = cpu.r;
  switch (size) {
    case 1: {
      const p = (r[0] & 0xff) * b;
      r[0] = (r[0] & ~0xffff) | p;
      setStatusFlags(cpu, (p > 0xff ? CF_OF : 0) | lowFlags(p & 0xff, 7));
      return;
    }
    case 2: {
      const p = (r[0] & 0xffff) * b; // < 2^32, exact
      r[0] = (r[0] & ~0xffff) | (p & 0xffff);
      r[4] = (r[4] & ~0xffff) | (p >>> 16);
      setStatusFlags(cpu, (p > 0xffff ? CF_OF : 0) | lowFlags(p & 0xffff, 15));
      return;
    }
    case 4: {
      const a = r[0] >>> 0;
      const lo = Math.imul(a, b);
      const hi = umulHi(a, b >>> 0) | 0;
      r[0] = lo;
      r[1] = 0;
      r[4] = hi;
      r[5] = 0;
      setStatusFlags(cpu, (hi !== 0 ? CF_OF : 0) | lowFlags(lo, 31));
      return;
    }
    default: {
      umul64(r[0], r[1], b, bh);
      r[0] = P[0];
      r[1] = P[1];
      r[4] = P[2];
      r[5] = P[3];
      setStatusFlags(cpu, ((P[2] | P[3]) !== 0 ? CF_OF : 0) | lowFlags64(P[0], P[1]));
    }
  }
}

// ---- IMUL ----

/** One-operand IMUL: AX / DX:AX / EDX:EAX / RDX:RAX = accumulator × r/m (signed). */
function imul1(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const b = readOp0(cpu, ins, size);
  const bh = cpu.hi;
  const r = cpu.r;
  switch (size) {
    case 1: {
      const p = ((r[0] << 24) >> 24) * ((b << 24) >> 24);
      r[0] = (r[0] & ~0xffff) | (p & 0xffff);
      setStatusFlags(cpu, (p !== (p << 24) >> 24 ? CF_OF : 0) | lowFlags(p & 0xff, 7));
      return;
    }
    case 2: {
      const p = ((r[0] << 16) >> 16) * ((b << 16) >> 16);
      r[0] = (r[0] & ~0xffff) | (p & 0xffff);
      r[4] = (r[4] & ~0xffff) | ((p >>> 16) & 0xffff);
      setStatusFlags(cpu, (p !== (p << 16) >> 16 ? CF_OF : 0) | lowFlags(p & 0xffff, 15));
      return;
    }
    case 4: {
      const a = r[0];
      const lo = Math.imul(a, b);
      const hi = smulHi(a, b);
      r[0] = lo;
      r[1] = 0;
      r[4] = hi;
      r[5] = 0;
      setStatusFlags(cpu, (hi !== lo >> 31 ? CF_OF : 0) | lowFlags(lo, 31));
      return;
    }
    default: {
      smul64(r[0], r[1], b, bh);
      r[0] = P[0];
      r[1] = P[1];
      r[4] = P[2];
      r[5] = P[3];
      const ext = P[1] >> 31;
      setStatusFlags(cpu, (P[2] !== ext || P[3] !== ext ? CF_OF : 0) | lowFlags64(P[0], P[1]));
    }
  }
}

/** Two- and three-operand IMUL: dst = src1 × src2 truncated to the operand size (16/32/64). */
function imulN(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  let a: number;
  let ah: number;
  let b: number;
  let bh: number;
  if (ins.k2 === Op.Imm) {
    a = readSrc(cpu, ins, size);
    ah = cpu.hi;
    b = ins.immLo;
    bh = ins.immHi;
  } else {
    a = readReg(cpu, ins.r0, size);
    ah = cpu.hi;
    b = readSrc(cpu, ins, size);
    bh = cpu.hi;
  }
  switch (size) {
    case 2: {
      const p = ((a << 16) >> 16) * ((b << 16) >> 16);
      writeReg(cpu, ins.r0, 2, p, 0);
      setStatusFlags(cpu, (p !== (p << 16) >> 16 ? CF_OF : 0) | lowFlags(p & 0xffff, 15));
      return;
    }
    case 4: {
      const lo = Math.imul(a, b);
      writeReg(cpu, ins.r0, 4, lo, 0);
      // The double product is exact when it fits in int32, and beyond ±2^31 otherwise.
      setStatusFlags(cpu, (a * b !== lo ? CF_OF : 0) | lowFlags(lo, 31));
      return;
    }
    default: {
      smul64(a, ah, b, bh);
      writeReg(cpu, ins.r0, 8, P[0], P[1]);
      const ext = P[1] >> 31;
      setStatusFlags(cpu, (P[2] !== ext || P[3] !== ext ? CF_OF : 0) | lowFlags64(P[0], P[1]));
    }
  }
}

function imul(cpu: Cpu, ins: Insn): void {
  if (ins.opCount === 1) imul1(cpu, ins);
  else imulN(cpu, ins);
}

// ---- DIV / IDIV ----

/** Remainder of the last udivStep (a typed array for the same reason as P). */
const REM = new Float64Array(1);

/** (r·2^32 + w) / d for r < d < 2^32 (unsigned numbers): quotient dword (< 2^32), remainder in `REM[0]`. */
function udivStep(r: number, w: number, d: number): number {
  let x = r * 65536 + (w >>> 16);
  const q1 = Math.floor(x / d);
  x = (x - q1 * d) * 65536 + (w & 0xffff);
  const q0 = Math.floor(x / d);
  REM[0] = x - q0 * d;
  return q1 * 65536 + q0;
}

function divideError(ins: Insn, why: string): never {
  throw fault.de(`${ins.mnemonic === Mnemonic.Div ? 'div' : 'idiv'}: ${why}`);
}

function div(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const d = readOp0(cpu, ins, size);
  const dh = cpu.hi;
  const r = cpu.r;
  switch (size) {
    case 1: {
      if (d === 0) divideError(ins, 'division by zero');
      const x = r[0] & 0xffff;
      const q = Math.floor(x / d);
      if (q > 0xff) divideError(ins, 'quotient too large');
      r[0] = (r[0] & ~0xffff) | ((x - q * d) << 8) | q;
      return;
    }
    case 2: {
      if (d === 0) divideError(ins, 'division by zero');
      const x = (r[4] & 0xffff) * 65536 + (r[0] & 0xffff);
      const q = Math.floor(x / d);
      if (q > 0xffff) divideError(ins, 'quotient too large');
      r[0] = (r[0] & ~0xffff) | q;
      r[4] = (r[4] & ~0xffff) | (x - q * d);
      return;
    }
    case 4: {
      const dv = d >>> 0;
      if (dv === 0) divideError(ins, 'division by zero');
      const hi = r[4] >>> 0;
      if (hi >= dv) divideError(ins, 'quotient too large');
      const q = udivStep(hi, r[0], dv);
      r[0] = q | 0;
      r[1] = 0;
      r[4] = REM[0] | 0;
      r[5] = 0;
      return;
    }
    default:
      div64(cpu, d, dh);
  }
}

function div64(cpu: Cpu, d: number, dh: number): void {
  const r = cpu.r;
  const nl = r[0];
  const nh = r[1];
  const xl = r[4];
  const xh = r[5];
  if (dh === 0) {
    const dv = d >>> 0;
    if (dv === 0) throw fault.de('div: division by zero');
    if (xh !== 0 || xl >>> 0 >= dv) throw fault.de('div: quotient too large');
    const qh = udivStep(xl >>> 0, nh, dv);
    const ql = udivStep(REM[0], nl, dv);
    r[0] = ql | 0;
    r[1] = qh | 0;
    r[4] = REM[0] | 0;
    r[5] = 0;
    return;
  }
  // Divisor >= 2^32.
  if (xl === 0 && xh === 0 && nh >>> 0 < 0x200000) {
    const x = (nh >>> 0) * TWO32 + (nl >>> 0);
    const dv = (dh >>> 0) * TWO32 + (d >>> 0);
    const q = Math.floor(x / dv); // < 2^21
    const rm = x - q * dv;
    r[0] = q;
    r[1] = 0;
    setPair(r, 2, rm);
    return;
  }
  const x = (pairU(xl, xh) << 64n) | pairU(nl, nh);
  const dv = pairU(d, dh);
  const q = x / dv;
  if (q >> 64n !== 0n) throw fault.de('div: quotient too large');
  storeBig(r, 0, q);
  storeBig(r, 2, x - q * dv);
}

function pairU(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function storeBig(r: Int32Array, slot: number, v: bigint): void {
  r[2 * slot] = Number(BigInt.asIntN(32, v));
  r[2 * slot + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Stores a non-negative number below 2^53 into a register slot. */
function setPair(r: Int32Array, slot: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  r[2 * slot] = (v - hi * TWO32) | 0;
  r[2 * slot + 1] = hi;
}

function idiv(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const d = readOp0(cpu, ins, size);
  const dh = cpu.hi;
  const r = cpu.r;
  switch (size) {
    case 1: {
      const dv = (d << 24) >> 24;
      if (dv === 0) divideError(ins, 'division by zero');
      const x = (r[0] << 16) >> 16;
      const q = Math.trunc(x / dv);
      if (q > 127 || q < -128) divideError(ins, 'quotient out of range');
      r[0] = (r[0] & ~0xffff) | (((x - q * dv) & 0xff) << 8) | (q & 0xff);
      return;
    }
    case 2: {
      const dv = (d << 16) >> 16;
      if (dv === 0) divideError(ins, 'division by zero');
      const x = ((r[4] << 16) | (r[0] & 0xffff)) | 0;
      const q = Math.trunc(x / dv);
      if (q > 32767 || q < -32768) divideError(ins, 'quotient out of range');
      r[0] = (r[0] & ~0xffff) | (q & 0xffff);
      r[4] = (r[4] & ~0xffff) | ((x - q * dv) & 0xffff);
      return;
    }
    case 4: {
      if (d === 0) divideError(ins, 'division by zero');
      const xh = r[4];
      const xl = r[0];
      let q: number;
      let rm: number;
      if (xh >= -0x200000 && xh < 0x200000) {
        const x = xh * TWO32 + (xl >>> 0);
        q = Math.trunc(x / d);
        rm = x - q * d;
      } else {
        // |dividend| >= 2^53: long division on magnitudes.
        const neg = xh < 0;
        let ml = xl;
        let mh = xh;
        if (neg) {
          ml = -xl | 0;
          mh = (~xh + (ml === 0 ? 1 : 0)) | 0;
        }
        const dm = Math.abs(d);
        if (mh >>> 0 >= dm) divideError(ins, 'quotient out of range');
        const qm = udivStep(mh >>> 0, ml, dm);
        q = neg !== d < 0 ? -qm : qm;
        rm = neg ? -REM[0] : REM[0];
      }
      if (q > 0x7fffffff || q < -0x80000000) divideError(ins, 'quotient out of range');
      r[0] = q | 0;
      r[1] = 0;
      r[4] = rm | 0;
      r[5] = 0;
      return;
    }
    default:
      idiv64(cpu, d, dh);
  }
}

function idiv64(cpu: Cpu, d: number, dh: number): void {
  const r = cpu.r;
  const nl = r[0];
  const nh = r[1];
  const xl = r[4];
  const xh = r[5];
  if ((d | dh) === 0) throw fault.de('idiv: division by zero');
  // Fast path: the dividend is the sign extension of RAX with |RAX| < 2^53 and |divisor| < 2^53.
  if (xl === nh >> 31 && xh === xl && nh >= -0x200000 && nh < 0x200000 && dh >= -0x200000 && dh < 0x200000) {
    const x = nh * TWO32 + (nl >>> 0);
    const dv = dh * TWO32 + (d >>> 0);
    const q = Math.trunc(x / dv); // |q| <= |x| < 2^53: always fits
    const rm = x - q * dv;
    setSigned(r, 0, q);
    setSigned(r, 2, rm);
    return;
  }
  if (dh === 0 || (dh === -1 && d !== 0)) {
    // |divisor| < 2^32: long division on magnitudes.
    const dneg = dh < 0;
    const dm = dneg ? -d >>> 0 : d >>> 0;
    const neg = xh < 0;
    let x0 = nl;
    let x1 = nh;
    let x2 = xl;
    let x3 = xh;
    if (neg) {
      // Two's complement of the 128-bit dividend: invert, add 1 (the carry passes zero words).
      x0 = -nl | 0;
      x1 = nl === 0 ? -nh | 0 : ~nh;
      x2 = (nl | nh) === 0 ? -xl | 0 : ~xl;
      x3 = (nl | nh | xl) === 0 ? -xh | 0 : ~xh;
    }
    if (x3 !== 0 || x2 >>> 0 >= dm) throw fault.de('idiv: quotient out of range');
    let qh = udivStep(x2 >>> 0, x1, dm);
    let ql = udivStep(REM[0], x0, dm);
    const rm = REM[0];
    const qneg = neg !== dneg;
    if (qh > 0x7fffffff && !(qneg && qh === 0x80000000 && ql === 0)) {
      throw fault.de('idiv: quotient out of range');
    }
    if (qneg) {
      qh = ql === 0 ? -qh | 0 : ~qh;
      ql = -ql | 0;
    }
    r[0] = ql | 0;
    r[1] = qh | 0;
    // The remainder takes the dividend's sign.
    r[4] = neg ? -rm | 0 : rm | 0;
    r[5] = neg && rm !== 0 ? -1 : 0;
    return;
  }
  const x = BigInt.asIntN(128, (pairU(xl, xh) << 64n) | pairU(nl, nh));
  const dv = BigInt.asIntN(64, pairU(d, dh));
  const q = x / dv; // BigInt division truncates toward zero, like IDIV
  if (q > 0x7fffffffffffffffn || q < -0x8000000000000000n) throw fault.de('idiv: quotient out of range');
  storeBig(r, 0, q);
  storeBig(r, 2, x - q * dv);
}

/** Stores a signed number with |v| < 2^53 into a register slot. */
function setSigned(r: Int32Array, slot: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  r[2 * slot] = (v - hi * TWO32) | 0;
  r[2 * slot + 1] = hi | 0;
}

export const MULDIV_HANDLERS: HandlerTable = {
  [Mnemonic.Mul]: mul,
  [Mnemonic.Imul]: imul,
  [Mnemonic.Div]: div,
  [Mnemonic.Idiv]: idiv,
};
