/**
 * Privileged and system instructions (SDM vol. 2 pseudo-code, 64-bit mode): MOV to/from
 * control, debug and segment registers; RDMSR/WRMSR; SWAPGS; SYSCALL/SYSRET; IRETQ; descriptor
 * tables (LGDT LIDT SGDT SIDT LLDT SLDT LTR STR); TLB control (INVLPG INVPCID); caches; HLT;
 * port I/O with IOPL and the TSS I/O bitmap; CLAC/STAC; RD/WR FS/GS BASE; SMSW/LMSW/CLTS.
 * Every instruction that the SDM reserves for CPL 0 raises #GP(0) elsewhere.
 */
import { Mnemonic } from 'iced-x86';
import { CR0, CR3_NOFLUSH, CR3_PCID_MASK, CR4, CR4_SUPPORTED, CR4_TLB_FLUSH_BITS, EFER, EFER_WRITABLE } from '../machine/control-registers.js';
import type { Cpu } from '../machine/cpu.js';
import { CpuFault, Vector, fault } from '../machine/faults.js';
import { TSS_IOMAP_BASE, iretq, readDescriptor, readSystemDescriptorHigh } from '../machine/interrupts.js';
import { MSR, PLAIN_STORAGE_MSRS, msrName } from '../machine/msr.js';
import { RFLAGS } from '../machine/rflags.js';
import { DESC_TYPE, Seg, isCode, isReadable, isWritableData, nullSegment } from '../machine/segments.js';
import { Insn, Op } from './insn.js';
import { materializeFlags } from './lazy-flags.js';
import { readTsc } from './misc.js';
import { effectiveAddress, pairToNumber, pop, readMem, readOp0, readReg, readSrc, storeDst, writeMem, writeReg } from './operands.js';
import type { HandlerTable } from './table.js';

const CANONICAL = 2 ** 47;
const isCanonical = (n: number) => n < CANONICAL && n >= -CANONICAL;
const toBig = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const canonicalBig = (v: bigint) => {
  const s = BigInt.asIntN(64, v);
  return s < BigInt(CANONICAL) && s >= -BigInt(CANONICAL);
};

function requireCpl0(cpu: Cpu, what: string): void {
  if (cpu.cpl !== 0) throw fault.gp(0, `${what} at CPL ${cpu.cpl} (privileged)`);
}

// ---- control and debug registers ----

export function readControlRegister(cpu: Cpu, n: number): bigint {
  switch (n) {
    case 0:
      return BigInt(cpu.cr0 >>> 0);
    case 2:
      return BigInt.asUintN(64, BigInt(cpu.cr2));
    case 3:
      return cpu.cr3;
    case 4:
      return BigInt(cpu.cr4);
    case 8:
      return BigInt(cpu.cr8);
    default:
      throw fault.ud(`cr${n} does not exist`);
  }
}

export function writeControlRegister(cpu: Cpu, n: number, value: bigint): void {
  switch (n) {
    case 0: {
      if (value >> 32n) throw fault.gp(0, 'mov to cr0: reserved bits 63:32 set');
      const v = Number(value);
      if (!(v & CR0.PG) || !(v & CR0.PE)) throw fault.gp(0, 'mov to cr0: leaving long mode (clearing PG/PE) is not modelled');
      if (v & CR0.NW && !(v & CR0.CD)) throw fault.gp(0, 'mov to cr0: NW without CD');
      cpu.cr0 = (v | CR0.ET) >>> 0;
      cpu.syncPaging();
      return;
    }
    case 2:
      cpu.cr2 = Number(BigInt.asIntN(64, value));
      return;
    case 3: {
      const pcide = (cpu.cr4 & CR4.PCIDE) !== 0;
      const noflush = pcide && (value & CR3_NOFLUSH) !== 0n;
      const v = value & ~CR3_NOFLUSH;
      if (v >> 40n) throw fault.gp(0, 'mov to cr3: address beyond MAXPHYADDR (40 bits)');
      cpu.cr3 = v;
      if (!pcide) cpu.mem.tlb.invalidateNonGlobal();
      else if (!noflush) cpu.mem.tlb.invalidatePcid(Number(v & CR3_PCID_MASK));
      cpu.syncPaging();
      return;
    }
    case 4: {
      const v = Number(value & 0xffffffffn);
      if (value >> 32n || v & ~CR4_SUPPORTED) throw fault.gp(0, `mov to cr4: unsupported or reserved bits 0x${(value & ~BigInt(CR4_SUPPORTED)).toString(16)}`);
      if (!(v & CR4.PAE)) throw fault.gp(0, 'mov to cr4: clearing PAE in long mode');
      if (v & CR4.PCIDE && !(cpu.cr4 & CR4.PCIDE) && (cpu.cr3 & CR3_PCID_MASK) !== 0n) {
        throw fault.gp(0, 'mov to cr4: setting PCIDE needs CR3[11:0] = 0');
      }
      const changed = v ^ cpu.cr4;
      cpu.cr4 = v;
      if (changed & CR4_TLB_FLUSH_BITS) cpu.mem.tlb.invalidateAll();
      cpu.syncPaging();
      return;
    }
    case 8:
      if (value > 15n) throw fault.gp(0, 'mov to cr8: reserved bits set');
      cpu.cr8 = Number(value);
      return;
    default:
      throw fault.ud(`cr${n} does not exist`);
  }
}

/** MOV CRn/DRn ↔ r64 (decoded operands Op.Cr / Op.Dr). */
export function movControl(cpu: Cpu, ins: Insn): void {
  requireCpl0(cpu, 'mov to/from a control or debug register');
  if (ins.k0 === Op.Cr) writeControlRegister(cpu, ins.r0, toBig(cpu.r[2 * ins.r1], cpu.r[2 * ins.r1 + 1]));
  else if (ins.k1 === Op.Cr) {
    const v = readControlRegister(cpu, ins.r1);
    writeReg(cpu, ins.r0, 8, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  } else if (ins.k0 === Op.Dr) {
    if (ins.r0 > 7) throw fault.ud(`dr${ins.r0} does not exist`);
    cpu.dr[ins.r0] = toBig(cpu.r[2 * ins.r1], cpu.r[2 * ins.r1 + 1]);
  } else {
    if (ins.r1 > 7) throw fault.ud(`dr${ins.r1} does not exist`);
    const v = cpu.dr[ins.r1];
    writeReg(cpu, ins.r0, 8, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  }
}

// ---- segment registers ----

/** MOV/POP to DS ES FS GS SS in 64-bit mode (SDM MOV, "64-bit mode" checks). */
export function loadSegment(cpu: Cpu, seg: number, selector: number): void {
  const rpl = selector & 3;
  const cpl = cpu.cpl;
  if (seg === Seg.CS) throw fault.ud('CS cannot be loaded with mov or pop');
  if ((selector & 0xfffc) === 0) {
    if (seg === Seg.SS && (cpl === 3 || rpl !== cpl)) throw fault.gp(0, 'null SS at this privilege level');
    cpu.sel[seg] = selector;
    cpu.segs[seg] = nullSegment(selector);
    // Intel processors clear the FS/GS base when a null selector is loaded.
    if (seg === Seg.FS) cpu.fsBase = 0;
    if (seg === Seg.GS) cpu.gsBase = 0;
    return;
  }
  const d = readDescriptor(cpu, selector);
  if (seg === Seg.SS) {
    if (rpl !== cpl || d.dpl !== cpl || !isWritableData(d)) throw fault.gp(selector & 0xfffc, 'SS must be a writable data segment at CPL');
    if (!d.present) throw new CpuFault(Vector.SS, selector & 0xfffc);
  } else {
    if (!isReadable(d)) throw fault.gp(selector & 0xfffc, 'not a data or readable code segment');
    const conformingCode = isCode(d) && (d.type & 0x4) !== 0;
    if (!conformingCode && (rpl > d.dpl || cpl > d.dpl)) throw fault.gp(selector & 0xfffc, 'segment DPL below CPL/RPL');
    if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  }
  cpu.sel[seg] = selector;
  cpu.segs[seg] = d;
  if (seg === Seg.FS) cpu.fsBase = d.base;
  if (seg === Seg.GS) cpu.gsBase = d.base;
}

export function movToSegment(cpu: Cpu, ins: Insn): void {
  const v = readSrc(cpu, ins, 2) & 0xffff;
  loadSegment(cpu, ins.r0, v);
}

export function popSegment(cpu: Cpu, ins: Insn): void {
  const v = pop(cpu, ins.size) & 0xffff;
  loadSegment(cpu, ins.r0, v);
}

// ---- MSRs ----

export function readMsr(cpu: Cpu, n: number): bigint {
  switch (n) {
    case MSR.IA32_EFER:
      return BigInt(cpu.efer);
    case MSR.IA32_STAR:
      return cpu.star;
    case MSR.IA32_LSTAR:
      return BigInt.asUintN(64, BigInt(cpu.lstar));
    case MSR.IA32_CSTAR:
      return BigInt.asUintN(64, BigInt(cpu.cstar));
    case MSR.IA32_FMASK:
      return BigInt(cpu.sfmask >>> 0);
    case MSR.IA32_FS_BASE:
      return BigInt.asUintN(64, BigInt(cpu.fsBase));
    case MSR.IA32_GS_BASE:
      return BigInt.asUintN(64, BigInt(cpu.gsBase));
    case MSR.IA32_KERNEL_GS_BASE:
      return BigInt.asUintN(64, BigInt(cpu.kernelGsBase));
    case MSR.IA32_TSC_AUX:
      return BigInt(cpu.tscAux >>> 0);
    case MSR.IA32_TIME_STAMP_COUNTER:
      return readTsc(cpu);
    case MSR.IA32_APIC_BASE:
      return cpu.apicBase;
  }
  if (PLAIN_STORAGE_MSRS.has(n)) return cpu.msrStore.get(n) ?? 0n;
  const apic = cpu.apic?.readMsr(n);
  if (apic !== undefined) return apic;
  throw fault.gp(0, `rdmsr of unknown MSR ${msrName(n)}`);
}

export function writeMsr(cpu: Cpu, n: number, v: bigint): void {
  const canonical = () => {
    if (!canonicalBig(v)) throw fault.gp(0, `wrmsr ${msrName(n)}: non-canonical address`);
    return Number(BigInt.asIntN(64, v));
  };
  switch (n) {
    case MSR.IA32_EFER: {
      if (v & ~BigInt(EFER_WRITABLE | EFER.LMA)) throw fault.gp(0, 'wrmsr EFER: reserved bits set');
      if (!(v & BigInt(EFER.LME))) throw fault.gp(0, 'wrmsr EFER: clearing LME while paging is on');
      const nxeChanged = ((Number(v) ^ cpu.efer) & EFER.NXE) !== 0;
      cpu.efer = (Number(v) & EFER_WRITABLE) | EFER.LMA;
      if (nxeChanged) cpu.mem.tlb.invalidateAll();
      cpu.syncPaging();
      return;
    }
    case MSR.IA32_STAR:
      cpu.star = v;
      return;
    case MSR.IA32_LSTAR:
      cpu.lstar = canonical();
      return;
    case MSR.IA32_CSTAR:
      cpu.cstar = canonical();
      return;
    case MSR.IA32_FMASK:
      cpu.sfmask = Number(v & 0xffffffffn);
      return;
    case MSR.IA32_FS_BASE:
      cpu.fsBase = canonical();
      return;
    case MSR.IA32_GS_BASE:
      cpu.gsBase = canonical();
      return;
    case MSR.IA32_KERNEL_GS_BASE:
      cpu.kernelGsBase = canonical();
      return;
    case MSR.IA32_TSC_AUX:
      cpu.tscAux = Number(v & 0xffffffffn);
      return;
    case MSR.IA32_TIME_STAMP_COUNTER:
      cpu.tscOffset = v - BigInt(cpu.retired);
      return;
    case MSR.IA32_APIC_BASE:
      cpu.apicBase = v;
      return;
  }
  if (PLAIN_STORAGE_MSRS.has(n)) {
    cpu.msrStore.set(n, v);
    return;
  }
  if (cpu.apic?.writeMsr(n, v)) return;
  throw fault.gp(0, `wrmsr to unknown MSR ${msrName(n)}`);
}

function rdmsr(cpu: Cpu): void {
  requireCpl0(cpu, 'rdmsr');
  const v = readMsr(cpu, cpu.r[2] >>> 0);
  writeReg(cpu, 0, 4, Number(v & 0xffffffffn) | 0, 0);
  writeReg(cpu, 2, 4, Number(v >> 32n) | 0, 0);
}

function wrmsr(cpu: Cpu): void {
  requireCpl0(cpu, 'wrmsr');
  writeMsr(cpu, cpu.r[2] >>> 0, toBig(cpu.r[0], cpu.r[4]));
}

// ---- SYSCALL / SYSRET / SWAPGS ----

/** SYSCALL (SDM): RCX ← RIP, R11 ← RFLAGS, RFLAGS &= ~FMASK, CS/SS from STAR[47:32], RIP ← LSTAR. No stack switch. */
export function syscall(cpu: Cpu, ins: Insn): void {
  if (cpu.syscallHook !== null) {
    cpu.syscallHook(cpu);
    return;
  }
  if (!(cpu.efer & EFER.SCE)) throw fault.ud('syscall with EFER.SCE = 0');
  const r = cpu.r;
  const ret = ins.nextRip;
  r[2] = ret | 0;
  r[3] = Math.floor(ret / 4294967296) | 0;
  const flags = materializeFlags(cpu) & ~RFLAGS.RF;
  r[22] = flags;
  r[23] = 0;
  cpu.flags = (flags & ~cpu.sfmask & ~RFLAGS.RF) | RFLAGS.FIXED1;
  const base = Number((cpu.star >> 32n) & 0xffffn);
  const from = cpu.cpl;
  cpu.loadFlatCodeAndStack(base & 0xfffc, (base + 8) & 0xfffc, 0);
  cpu.rip = cpu.lstar;
  cpu.onTransition?.({ kind: 'syscall', vector: -1, fromCpl: from, toCpl: 0, from: ret, to: cpu.lstar });
}

/** SYSRETQ: RIP ← RCX (canonical or #GP(0) at CPL 0), RFLAGS ← R11, CS = STAR[63:48]+16 | 3, SS = STAR[63:48]+8 | 3. */
function sysret(cpu: Cpu, ins: Insn): void {
  if (!(cpu.efer & EFER.SCE)) throw fault.ud('sysret with EFER.SCE = 0');
  requireCpl0(cpu, 'sysret');
  const r = cpu.r;
  const base = Number((cpu.star >> 48n) & 0xffffn);
  if (ins.mnemonic !== Mnemonic.Sysretq) {
    // SYSRETL: to compatibility mode, CS = STAR[63:48] | 3 (32-bit), RIP = ECX. The switch is
    // modelled; executing 32-bit code afterwards is not (the next fetch reports it).
    cpu.rflags = r[22] & 0x3c7fd7; // the setter also drops the stale lazy-flag state
    cpu.loadFlatCodeAndStack((base & 0xfffc) | 3, ((base + 8) & 0xfffc) | 3, 3);
    cpu.segs[Seg.CS] = { ...cpu.segs[Seg.CS], long: false, db: true };
    cpu.rip = r[2] >>> 0;
    cpu.onTransition?.({ kind: 'sysret', vector: -1, fromCpl: 0, toCpl: 3, from: ins.rip, to: cpu.rip });
    return;
  }
  const target = pairToNumber(r[2], r[3]);
  // Intel checks RCX at CPL 0 (the #GP is taken in ring 0 — the reason Linux checks first).
  if (!isCanonical(target)) throw fault.gp(0, 'sysret to a non-canonical RCX');
  cpu.rflags = r[22] & 0x3c7fd7; // the setter also drops the stale lazy-flag state
  const from = ins.rip;
  cpu.loadFlatCodeAndStack(((base + 16) & 0xfffc) | 3, ((base + 8) & 0xfffc) | 3, 3);
  cpu.rip = target;
  cpu.onTransition?.({ kind: 'sysret', vector: -1, fromCpl: 0, toCpl: 3, from, to: target });
}

function swapgs(cpu: Cpu): void {
  requireCpl0(cpu, 'swapgs');
  const t = cpu.gsBase;
  cpu.gsBase = cpu.kernelGsBase;
  cpu.kernelGsBase = t;
}

// ---- descriptor tables ----

function loadTable(cpu: Cpu, ins: Insn, which: 'gdtr' | 'idtr'): void {
  requireCpl0(cpu, which === 'gdtr' ? 'lgdt' : 'lidt');
  const a = effectiveAddress(cpu, ins);
  const limit = readMem(cpu, a, 2);
  const lo = readMem(cpu, a + 2, 8);
  const base = pairToNumber(lo, cpu.hi);
  if (!isCanonical(base)) throw fault.gp(0, `${which}: non-canonical base`);
  cpu[which] = { base, limit };
}

function storeTable(cpu: Cpu, ins: Insn, which: 'gdtr' | 'idtr'): void {
  if (cpu.cr4 & CR4.UMIP && cpu.cpl > 0) throw fault.gp(0, 'sgdt/sidt with CR4.UMIP at CPL > 0');
  const a = effectiveAddress(cpu, ins);
  const t = cpu[which];
  writeMem(cpu, a, 2, t.limit, 0);
  writeMem(cpu, a + 2, 8, t.base | 0, Math.floor(t.base / 4294967296));
}

function ltr(cpu: Cpu, ins: Insn): void {
  requireCpl0(cpu, 'ltr');
  const selector = readOp0(cpu, ins, 2) & 0xffff;
  if ((selector & 0xfffc) === 0 || selector & 4) throw fault.gp(selector & 0xfffc, 'ltr needs a GDT selector');
  const d = readDescriptor(cpu, selector);
  if (d.s || d.type !== DESC_TYPE.TSS64_AVAILABLE) throw fault.gp(selector & 0xfffc, `ltr: descriptor type ${d.type} is not an available 64-bit TSS`);
  if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  const high = readSystemDescriptorHigh(cpu, selector);
  cpu.tr = { ...d, base: d.base + high * 4294967296 };
  // The processor marks the descriptor busy.
  cpu.mem.writeSupervisor8(cpu.gdtr.base + (selector & 0xfff8) + 5, ((DESC_TYPE.TSS64_BUSY | 0x80 | (d.dpl << 5)) & 0xff));
}

function lldt(cpu: Cpu, ins: Insn): void {
  requireCpl0(cpu, 'lldt');
  const selector = readOp0(cpu, ins, 2) & 0xffff;
  if ((selector & 0xfffc) === 0) {
    cpu.ldtr = nullSegment(selector);
    return;
  }
  const d = readDescriptor(cpu, selector);
  if (d.s || d.type !== DESC_TYPE.LDT) throw fault.gp(selector & 0xfffc, 'lldt: not an LDT descriptor');
  if (!d.present) throw new CpuFault(Vector.NP, selector & 0xfffc);
  cpu.ldtr = { ...d, base: d.base + readSystemDescriptorHigh(cpu, selector) * 4294967296 };
}

function storeSelector(cpu: Cpu, ins: Insn, selector: number): void {
  if (cpu.cr4 & CR4.UMIP && cpu.cpl > 0) throw fault.gp(0, 'sldt/str with CR4.UMIP at CPL > 0');
  storeDst(cpu, ins, ins.k0 === Op.Mem ? 2 : ins.size, selector, 0);
}

// ---- TLB and caches ----

function invlpg(cpu: Cpu, ins: Insn): void {
  requireCpl0(cpu, 'invlpg');
  cpu.flushPage(effectiveAddress(cpu, ins));
}

/** INVPCID r64, m128 (SDM): types 0 individual address, 1 single PCID, 2 all incl. globals, 3 all but globals. */
function invpcid(cpu: Cpu, ins: Insn): void {
  requireCpl0(cpu, 'invpcid');
  const type = Number(toBig(readReg(cpu, ins.r0, 8), cpu.hi));
  const a = effectiveAddress(cpu, ins);
  const d0 = toBig(readMem(cpu, a, 8), cpu.hi);
  const d1 = toBig(readMem(cpu, a + 8, 8), cpu.hi);
  if (d0 >> 12n) throw fault.gp(0, 'invpcid: reserved descriptor bits set');
  const pcid = Number(d0);
  const tlb = cpu.mem.tlb;
  const pcide = (cpu.cr4 & CR4.PCIDE) !== 0;
  switch (type) {
    case 0:
      if (!canonicalBig(d1)) throw fault.gp(0, 'invpcid: non-canonical address');
      if (!pcide && pcid !== 0) throw fault.gp(0, 'invpcid: PCID ≠ 0 with CR4.PCIDE = 0');
      tlb.invalidateAddressInPcid(pcid, Number(BigInt.asIntN(64, d1)));
      break;
    case 1:
      if (!pcide && pcid !== 0) throw fault.gp(0, 'invpcid: PCID ≠ 0 with CR4.PCIDE = 0');
      tlb.invalidatePcid(pcid);
      break;
    case 2:
      tlb.invalidateAll();
      break;
    case 3:
      tlb.invalidateNonGlobal();
      break;
    default:
      throw fault.gp(0, `invpcid: invalid type ${type}`);
  }
  cpu.mem.flushFast();
  cpu.generation++;
}

// ---- port I/O ----

/** I/O permission (SDM 19.5): CPL ≤ IOPL, else every bit for the ports in the TSS bitmap must be 0. */
function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  const iopl = (cpu.flags & RFLAGS.IOPL) >> 12;
  if (cpu.cpl <= iopl) return;
  const tss = cpu.tr;
  if (tss.selector === 0 || tss.limit < TSS_IOMAP_BASE + 1) throw fault.gp(0, `port 0x${port.toString(16)}: CPL ${cpu.cpl} > IOPL ${iopl} and no I/O bitmap`);
  const mapBase = cpu.mem.readSupervisor32(tss.base + TSS_IOMAP_BASE) & 0xffff;
  const byte = mapBase + (port >> 3);
  if (byte + 1 > tss.limit) throw fault.gp(0, `port 0x${port.toString(16)} beyond the TSS I/O bitmap`);
  const bits = cpu.mem.readSupervisor32(tss.base + byte) & 0xffff;
  const mask = ((1 << size) - 1) << (port & 7);
  if (bits & mask) throw fault.gp(0, `port 0x${port.toString(16)} denied by the TSS I/O bitmap`);
}

function portOf(cpu: Cpu, ins: Insn, operand: 0 | 1): number {
  const k = operand === 0 ? ins.k0 : ins.k1;
  return k === Op.Imm ? ins.immLo & 0xff : cpu.r[4] & 0xffff; // DX
}

function inHandler(cpu: Cpu, ins: Insn): void {
  const size = ins.size;
  const port = portOf(cpu, ins, 1);
  checkIoPermission(cpu, port, size);
  const v = cpu.ports ? cpu.ports.read(port, size) : size === 4 ? -1 : (1 << (8 * size)) - 1;
  writeReg(cpu, 0, size, v, 0);
}

function outHandler(cpu: Cpu, ins: Insn): void {
  const size = ins.size2;
  const port = portOf(cpu, ins, 0);
  checkIoPermission(cpu, port, size);
  const v = readReg(cpu, 0, size);
  cpu.ports?.write(port, size, size === 4 ? v >>> 0 : v);
}

// ---- flags, bases, misc ----

function setAc(value: boolean) {
  return (cpu: Cpu): void => {
    if (cpu.cpl !== 0) throw fault.ud(`${value ? 'stac' : 'clac'} at CPL ${cpu.cpl}`);
    cpu.flags = value ? cpu.flags | RFLAGS.AC : cpu.flags & ~RFLAGS.AC;
  };
}

function fsgsBase(which: 'fs' | 'gs', write: boolean) {
  return (cpu: Cpu, ins: Insn): void => {
    if (!(cpu.cr4 & CR4.FSGSBASE)) throw fault.ud(`${write ? 'wr' : 'rd'}${which}base with CR4.FSGSBASE = 0`);
    if (write) {
      const lo = readReg(cpu, ins.r0, ins.size);
      const v = ins.size === 8 ? pairToNumber(lo, cpu.hi) : lo >>> 0;
      if (!isCanonical(v)) throw fault.gp(0, `wr${which}base: non-canonical`);
      if (which === 'fs') cpu.fsBase = v;
      else cpu.gsBase = v;
    } else {
      const v = which === 'fs' ? cpu.fsBase : cpu.gsBase;
      writeReg(cpu, ins.r0, ins.size, v | 0, Math.floor(v / 4294967296) | 0);
    }
  };
}

function hlt(cpu: Cpu): void {
  requireCpl0(cpu, 'hlt');
  cpu.halted = true;
  cpu.stop = { kind: 'halt', detail: 'hlt' };
}

function smsw(cpu: Cpu, ins: Insn): void {
  if (cpu.cr4 & CR4.UMIP && cpu.cpl > 0) throw fault.gp(0, 'smsw with CR4.UMIP at CPL > 0');
  storeDst(cpu, ins, ins.k0 === Op.Mem ? 2 : ins.size, cpu.cr0 | 0, 0);
}

function lmsw(cpu: Cpu, ins: Insn): void {
  requireCpl0(cpu, 'lmsw');
  const v = readOp0(cpu, ins, 2) & 0xf;
  // LMSW can set PE but never clear it; it loads MP, EM, TS.
  cpu.cr0 = ((cpu.cr0 & ~0xe) | (v & 0xe) | CR0.PE) >>> 0;
}

export const SYSTEM_HANDLERS: HandlerTable = {
  [Mnemonic.Rdmsr]: rdmsr,
  [Mnemonic.Wrmsr]: wrmsr,
  [Mnemonic.Syscall]: syscall,
  [Mnemonic.Sysretq]: sysret,
  [Mnemonic.Sysret]: sysret,
  [Mnemonic.Swapgs]: swapgs,
  [Mnemonic.Iretq]: (cpu) => iretq(cpu),
  [Mnemonic.Iretd]: () => {
    throw fault.ud('iretl (32-bit operand size) is not modelled; use iretq');
  },
  [Mnemonic.Lgdt]: (cpu, ins) => loadTable(cpu, ins, 'gdtr'),
  [Mnemonic.Lidt]: (cpu, ins) => loadTable(cpu, ins, 'idtr'),
  [Mnemonic.Sgdt]: (cpu, ins) => storeTable(cpu, ins, 'gdtr'),
  [Mnemonic.Sidt]: (cpu, ins) => storeTable(cpu, ins, 'idtr'),
  [Mnemonic.Ltr]: ltr,
  [Mnemonic.Lldt]: lldt,
  [Mnemonic.Str]: (cpu, ins) => storeSelector(cpu, ins, cpu.tr.selector),
  [Mnemonic.Sldt]: (cpu, ins) => storeSelector(cpu, ins, cpu.ldtr.selector),
  [Mnemonic.Invlpg]: invlpg,
  [Mnemonic.Invpcid]: invpcid,
  [Mnemonic.Wbinvd]: (cpu) => requireCpl0(cpu, 'wbinvd'),
  [Mnemonic.Invd]: (cpu) => requireCpl0(cpu, 'invd'),
  [Mnemonic.Hlt]: hlt,
  [Mnemonic.In]: inHandler,
  [Mnemonic.Out]: outHandler,
  [Mnemonic.Clac]: setAc(false),
  [Mnemonic.Stac]: setAc(true),
  [Mnemonic.Rdfsbase]: fsgsBase('fs', false),
  [Mnemonic.Rdgsbase]: fsgsBase('gs', false),
  [Mnemonic.Wrfsbase]: fsgsBase('fs', true),
  [Mnemonic.Wrgsbase]: fsgsBase('gs', true),
  [Mnemonic.Smsw]: smsw,
  [Mnemonic.Lmsw]: lmsw,
  [Mnemonic.Clts]: (cpu) => {
    requireCpl0(cpu, 'clts');
    cpu.cr0 = (cpu.cr0 & ~CR0.TS) >>> 0;
  },
};

