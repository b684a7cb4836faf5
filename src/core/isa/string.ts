/**
 * String instructions: MOVS STOS LODS CMPS SCAS (byte/word/dword/qword) with REP/REPE/REPNE,
 * and XLAT.
 *
 * Addressing: RSI/RDI/RCX, or ESI/EDI/ECX with a 67h prefix (zero-extended to form the address;
 * the updated ESI/EDI/ECX are written as 32-bit registers, which clears their upper halves).
 * The source ([RSI]: MOVS LODS CMPS; [RBX+AL]: XLAT) honours an FS/GS override; the destination
 * ([RDI]: MOVS STOS CMPS SCAS) always uses ES (base 0 in 64-bit mode). DF (RFLAGS bit 10)
 * selects increment or decrement.
 *
 * REP: RCX = 0 executes nothing. Each iteration is architecturally complete before the next one:
 * a fault in iteration k leaves RSI/RDI/RCX advanced past iterations 0..k-1 (and CMPS/SCAS flags
 * from iteration k-1), so the restarted instruction continues where it stopped. F2 (REPNE) on
 * MOVS/STOS/LODS acts as REP. At most MAX_ITERATIONS iterations run per execution; if the repeat
 * is not finished then, RIP is set back to the instruction so that it resumes on the next step
 * (the run loop stays responsive to breakpoints and instruction limits).
 * CMPS/SCAS set flags like CMP (src1 − src2 with src1 = [RSI] / the accumulator, src2 = [RDI]).
 * REP MOVS / REP STOS with DF = 0 and 64-bit addressing (memcpy/memset) copy page-sized runs on
 * physical memory, with results identical to the element loop (overlaps included).
 */
import { Code, Mnemonic } from 'iced-x86';
import type { Cpu } from '../machine/cpu.js';
import { fault } from '../machine/faults.js';
import { Access } from '../machine/paging.js';
import { Insn, SegBase } from './insn.js';
import { LF, setLazy } from './lazy-flags.js';
import { readMem, readReg, writeMem, writeReg } from './operands.js';
import type { HandlerTable } from './table.js';

const TWO32 = 4294967296;
const DF = 1 << 10;
export const MAX_ITERATIONS = 65536;
const PAGE = 4096;
const INV_PAGE = 1 / PAGE;
/** Runs shorter than this (bytes) are not worth a page translation: element path. */
const BULK_MIN = 64;

// Register slots (dword indices into cpu.r: low at 2·slot, high at 2·slot + 1).
const RCX = 1;
const RBX = 3;
const RSI = 6;
const RDI = 7;

function segBase(cpu: Cpu, ins: Insn): number {
  return ins.seg === SegBase.None ? 0 : ins.seg === SegBase.Fs ? cpu.fsBase : cpu.gsBase;
}

/** The register as an address: 64-bit signed number, or the zero-extended low dword with 67h. */
function regAddress(cpu: Cpu, slot: number, addr32: boolean): number {
  const r = cpu.r;
  return addr32 ? r[2 * slot] >>> 0 : r[2 * slot + 1] * TWO32 + (r[2 * slot] >>> 0);
}

/** Adds `n` (|n| < 2^52) to RSI/RDI/RCX as a 64-bit register, or as a 32-bit one with 67h. */
function addReg(cpu: Cpu, slot: number, n: number, addr32: boolean): void {
  const r = cpu.r;
  if (addr32) {
    r[2 * slot] = (r[2 * slot] + n) | 0;
    r[2 * slot + 1] = 0;
  } else {
    const l = (r[2 * slot] >>> 0) + n;
    r[2 * slot] = l | 0;
    r[2 * slot + 1] = (r[2 * slot + 1] + Math.floor(l / TWO32)) | 0;
  }
}

/** Iterations to run now: min(count register, MAX_ITERATIONS). */
function repCount(cpu: Cpu, addr32: boolean): number {
  const r = cpu.r;
  if (!addr32 && r[2 * RCX + 1] !== 0) return MAX_ITERATIONS;
  const c = r[2 * RCX] >>> 0;
  return c < MAX_ITERATIONS ? c : MAX_ITERATIONS;
}

function countRemains(cpu: Cpu, addr32: boolean): boolean {
  const r = cpu.r;
  return r[2 * RCX] !== 0 || (!addr32 && r[2 * RCX + 1] !== 0);
}

// ---- MOVS ----

function movs(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a32 = ins.addr32;
  const delta = cpu.flags & DF ? -size : size;
  const sb = segBase(cpu, ins);
  if (ins.rep === 0) {
    const v = readMem(cpu, sb + regAddress(cpu, RSI, a32), size);
    writeMem(cpu, regAddress(cpu, RDI, a32), size, v, cpu.hi);
    addReg(cpu, RSI, delta, a32);
    addReg(cpu, RDI, delta, a32);
    return;
  }
  const n = repCount(cpu, a32);
  if (n === 0) return;
  if (!a32 && delta > 0) {
    repMovsForward(cpu, ins, n, sb);
    return;
  }
  let si = regAddress(cpu, RSI, a32);
  let di = regAddress(cpu, RDI, a32);
  let done = 0;
  try {
    if (a32) {
      for (; done < n; done++) {
        const v = readMem(cpu, sb + si, size);
        writeMem(cpu, di, size, v, cpu.hi);
        si = (si + delta) >>> 0;
        di = (di + delta) >>> 0;
      }
    } else {
      for (; done < n; done++) {
        const v = readMem(cpu, sb + si, size);
        writeMem(cpu, di, size, v, cpu.hi);
        si += delta;
        di += delta;
      }
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RSI, done * delta, a32);
      addReg(cpu, RDI, done * delta, a32);
      addReg(cpu, RCX, -done, a32);
    }
  }
  if (countRemains(cpu, a32)) cpu.rip = ins.rip;
}

/**
 * REP MOVS with DF = 0 and 64-bit addressing, the memcpy case: runs of elements that stay
 * inside one source and one destination page are copied on physical memory directly (one
 * translation per page; the translation does the permission checks, accessed/dirty bits and
 * decoded-code invalidation a store needs). Short runs and elements that straddle a page go
 * through the ordinary element path. The result is the element-by-element one, overlap included.
 */
function repMovsForward(cpu: Cpu, ins: Insn, n: number, sb: number): void {
  const size = ins.size;
  const mem = cpu.mem;
  const bytes = mem.bytes;
  let si = regAddress(cpu, RSI, false);
  let di = regAddress(cpu, RDI, false);
  let done = 0;
  try {
    while (done < n) {
      const src = sb + si;
      const room = Math.min(PAGE - (src - Math.floor(src * INV_PAGE) * PAGE), PAGE - (di - Math.floor(di * INV_PAGE) * PAGE));
      let k = Math.floor(room / size);
      if (k > n - done) k = n - done;
      const len = k * size;
      if (len < BULK_MIN) {
        // Short run, or an element straddling a page: element by element (at least one).
        if (k === 0) k = 1;
        for (let j = 0; j < k; j++) {
          const v = readMem(cpu, sb + si, size);
          writeMem(cpu, di, size, v, cpu.hi);
          si += size;
          di += size;
          done++;
        }
        continue;
      }
      const ps = mem.translate(src, Access.Read);
      const pd = mem.translate(di, Access.Write);
      mem.noteWrite(pd, len);
      const gap = pd - ps;
      if (gap <= 0 || gap >= len) {
        bytes.copyWithin(pd, ps, ps + len);
      } else if (gap >= size) {
        // Overlapping forward copy: byte order reproduces the element order.
        for (let j = 0; j < len; j++) bytes[pd + j] = bytes[ps + j];
      } else {
        for (let j = 0; j < k; j++) {
          const v = readMem(cpu, sb + si + j * size, size);
          writeMem(cpu, di + j * size, size, v, cpu.hi);
        }
      }
      si += len;
      di += len;
      done += k;
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RSI, done * size, false);
      addReg(cpu, RDI, done * size, false);
      addReg(cpu, RCX, -done, false);
    }
  }
  if (countRemains(cpu, false)) cpu.rip = ins.rip;
}

function movsd(cpu: Cpu, ins: Insn): void {
  if (ins.code !== Code.Movsd_m32_m32) throw fault.ud(`movsd (SSE2 ${Code[ins.code]}) is not implemented`);
  movs(cpu, ins);
}

// ---- STOS ----

function stos(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a32 = ins.addr32;
  const delta = cpu.flags & DF ? -size : size;
  const v = readReg(cpu, 0, size);
  const vh = cpu.hi;
  if (ins.rep === 0) {
    writeMem(cpu, regAddress(cpu, RDI, a32), size, v, vh);
    addReg(cpu, RDI, delta, a32);
    return;
  }
  const n = repCount(cpu, a32);
  if (n === 0) return;
  if (!a32 && delta > 0) {
    repStosForward(cpu, ins, n, v, vh);
    return;
  }
  let di = regAddress(cpu, RDI, a32);
  let done = 0;
  try {
    if (a32) {
      for (; done < n; done++) {
        writeMem(cpu, di, size, v, vh);
        di = (di + delta) >>> 0;
      }
    } else {
      for (; done < n; done++) {
        writeMem(cpu, di, size, v, vh);
        di += delta;
      }
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RDI, done * delta, a32);
      addReg(cpu, RCX, -done, a32);
    }
  }
  if (countRemains(cpu, a32)) cpu.rip = ins.rip;
}

/** REP STOS with DF = 0 and 64-bit addressing (memset): page runs filled on physical memory. */
function repStosForward(cpu: Cpu, ins: Insn, n: number, v: number, vh: number): void {
  const size = ins.size;
  const mem = cpu.mem;
  let di = regAddress(cpu, RDI, false);
  let done = 0;
  try {
    while (done < n) {
      let k = Math.floor((PAGE - (di - Math.floor(di * INV_PAGE) * PAGE)) / size);
      if (k > n - done) k = n - done;
      const len = k * size;
      if (len < BULK_MIN) {
        if (k === 0) k = 1;
        for (let j = 0; j < k; j++) {
          writeMem(cpu, di, size, v, vh);
          di += size;
          done++;
        }
        continue;
      }
      const pd = mem.translate(di, Access.Write);
      mem.noteWrite(pd, len);
      fillPhysical(mem.bytes, mem.view, pd, len, size, v, vh);
      di += len;
      done += k;
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RDI, done * size, false);
      addReg(cpu, RCX, -done, false);
    }
  }
  if (countRemains(cpu, false)) cpu.rip = ins.rip;
}

function fillPhysical(bytes: Uint8Array, view: DataView, pa: number, len: number, size: number, v: number, vh: number): void {
  switch (size) {
    case 1:
      bytes.fill(v & 0xff, pa, pa + len);
      return;
    case 2:
      for (let j = 0; j < len; j += 2) view.setUint16(pa + j, v & 0xffff, true);
      return;
    case 4:
      for (let j = 0; j < len; j += 4) view.setInt32(pa + j, v, true);
      return;
    default:
      for (let j = 0; j < len; j += 8) {
        view.setInt32(pa + j, v, true);
        view.setInt32(pa + j + 4, vh, true);
      }
  }
}

// ---- LODS ----

function lods(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a32 = ins.addr32;
  const delta = cpu.flags & DF ? -size : size;
  const sb = segBase(cpu, ins);
  if (ins.rep === 0) {
    const v = readMem(cpu, sb + regAddress(cpu, RSI, a32), size);
    writeReg(cpu, 0, size, v, cpu.hi);
    addReg(cpu, RSI, delta, a32);
    return;
  }
  const n = repCount(cpu, a32);
  if (n === 0) return;
  let si = regAddress(cpu, RSI, a32);
  let done = 0;
  try {
    for (; done < n; done++) {
      const v = readMem(cpu, sb + si, size);
      writeReg(cpu, 0, size, v, cpu.hi);
      si = a32 ? (si + delta) >>> 0 : si + delta;
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RSI, done * delta, a32);
      addReg(cpu, RCX, -done, a32);
    }
  }
  if (countRemains(cpu, a32)) cpu.rip = ins.rip;
}

// ---- CMPS / SCAS ----

/** Records CMP flags for src1 − src2 (dword pairs for size 8). */
function cmpFlags(cpu: Cpu, size: number, a: number, ah: number, b: number, bh: number): void {
  if (size === 8) {
    const lo = (a >>> 0) - (b >>> 0);
    setLazy(cpu, LF.Sub, 8, a, ah, b, bh, lo | 0, (ah - bh - (lo < 0 ? 1 : 0)) | 0);
  } else {
    setLazy(cpu, LF.Sub, size, a, 0, b, 0, (a - b) | 0, 0);
  }
}

function cmps(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a32 = ins.addr32;
  const delta = cpu.flags & DF ? -size : size;
  const sb = segBase(cpu, ins);
  if (ins.rep === 0) {
    const a = readMem(cpu, sb + regAddress(cpu, RSI, a32), size);
    const ah = cpu.hi;
    const b = readMem(cpu, regAddress(cpu, RDI, a32), size);
    cmpFlags(cpu, size, a, ah, b, cpu.hi);
    addReg(cpu, RSI, delta, a32);
    addReg(cpu, RDI, delta, a32);
    return;
  }
  const n = repCount(cpu, a32);
  if (n === 0) return;
  // rep 1 = REPE: continue while equal; rep 2 = REPNE: continue while different.
  const whileEqual = ins.rep === 1;
  let si = regAddress(cpu, RSI, a32);
  let di = regAddress(cpu, RDI, a32);
  let done = 0;
  let a = 0;
  let ah = 0;
  let b = 0;
  let bh = 0;
  let stop = false;
  try {
    while (done < n) {
      const x = readMem(cpu, sb + si, size);
      const xh = cpu.hi;
      const y = readMem(cpu, di, size);
      a = x;
      ah = xh;
      b = y;
      bh = cpu.hi;
      done++;
      si = a32 ? (si + delta) >>> 0 : si + delta;
      di = a32 ? (di + delta) >>> 0 : di + delta;
      if ((a === b && ah === bh) !== whileEqual) {
        stop = true;
        break;
      }
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RSI, done * delta, a32);
      addReg(cpu, RDI, done * delta, a32);
      addReg(cpu, RCX, -done, a32);
      cmpFlags(cpu, size, a, ah, b, bh);
    }
  }
  if (!stop && countRemains(cpu, a32)) cpu.rip = ins.rip;
}

function cmpsd(cpu: Cpu, ins: Insn): void {
  if (ins.code !== Code.Cmpsd_m32_m32) throw fault.ud(`cmpsd (SSE2 ${Code[ins.code]}) is not implemented`);
  cmps(cpu, ins);
}

function scas(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const a32 = ins.addr32;
  const delta = cpu.flags & DF ? -size : size;
  const a = readReg(cpu, 0, size);
  const ah = cpu.hi;
  if (ins.rep === 0) {
    const b = readMem(cpu, regAddress(cpu, RDI, a32), size);
    cmpFlags(cpu, size, a, ah, b, cpu.hi);
    addReg(cpu, RDI, delta, a32);
    return;
  }
  const n = repCount(cpu, a32);
  if (n === 0) return;
  const whileEqual = ins.rep === 1;
  let di = regAddress(cpu, RDI, a32);
  let done = 0;
  let b = 0;
  let bh = 0;
  let stop = false;
  try {
    while (done < n) {
      const y = readMem(cpu, di, size);
      b = y;
      bh = cpu.hi;
      done++;
      di = a32 ? (di + delta) >>> 0 : di + delta;
      if ((a === b && ah === bh) !== whileEqual) {
        stop = true;
        break;
      }
    }
  } finally {
    if (done !== 0) {
      addReg(cpu, RDI, done * delta, a32);
      addReg(cpu, RCX, -done, a32);
      cmpFlags(cpu, size, a, ah, b, bh);
    }
  }
  if (!stop && countRemains(cpu, a32)) cpu.rip = ins.rip;
}

// ---- XLAT ----

/** AL = [seg: RBX + zero-extended AL] (EBX + AL, truncated to 32 bits, with 67h). */
function xlat(cpu: Cpu, ins: Insn): void {
  const r = cpu.r;
  const al = r[0] & 0xff;
  const off = ins.addr32 ? ((r[2 * RBX] >>> 0) + al) % TWO32 : regAddress(cpu, RBX, false) + al;
  const v = cpu.mem.read8(segBase(cpu, ins) + off);
  r[0] = (r[0] & ~0xff) | v;
}

export const STRING_HANDLERS: HandlerTable = {
  [Mnemonic.Movsb]: movs,
  [Mnemonic.Movsw]: movs,
  [Mnemonic.Movsd]: movsd,
  [Mnemonic.Movsq]: movs,
  [Mnemonic.Stosb]: stos,
  [Mnemonic.Stosw]: stos,
  [Mnemonic.Stosd]: stos,
  [Mnemonic.Stosq]: stos,
  [Mnemonic.Lodsb]: lods,
  [Mnemonic.Lodsw]: lods,
  [Mnemonic.Lodsd]: lods,
  [Mnemonic.Lodsq]: lods,
  [Mnemonic.Cmpsb]: cmps,
  [Mnemonic.Cmpsw]: cmps,
  [Mnemonic.Cmpsd]: cmpsd,
  [Mnemonic.Cmpsq]: cmps,
  [Mnemonic.Scasb]: scas,
  [Mnemonic.Scasw]: scas,
  [Mnemonic.Scasd]: scas,
  [Mnemonic.Scasq]: scas,
  [Mnemonic.Xlatb]: xlat,
};
