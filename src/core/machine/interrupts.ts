/**
 * Exception and interrupt delivery through the 64-bit IDT (SDM vol. 3, 6.14), IRETQ, and the
 * descriptor reads they need. The stack switch is the heart of it: on a change to a more
 * privileged level the processor loads RSP from TSS.RSPn (or an IST slot) — which is exactly
 * what SYSCALL does *not* do, and why entry_SYSCALL_64 switches stacks by hand.
 */
import type { Cpu } from './cpu.js';
import { CpuFault, Vector, faultClass, fault } from './faults.js';
import { materializeFlags } from '../isa/lazy-flags.js';
import { RFLAGS } from './rflags.js';
import { DESC_TYPE, Seg, SegmentCache, decodeDescriptor, isCode, nullSegment } from './segments.js';
import { Access } from './paging.js';

const TWO32 = 4294967296;
/** TSS layout (64-bit): RSP0-2 at 4, 12, 20; IST1-7 at 0x24 + 8·(n−1). */
export const TSS_RSP0 = 4;
export const TSS_IST1 = 0x24;
export const TSS_IOMAP_BASE = 0x66;

/** Raised when delivery of a double fault itself faults: the processor shuts down. */
export class TripleFault extends Error {
  constructor(readonly last: CpuFault) {
    super(`triple fault: ${last.describe()} while delivering a double fault`);
  }
}

/** Reads the 8-byte descriptor a selector names (GDT or LDT), with the SDM's limit check. */
export function readDescriptor(cpu: Cpu, selector: number, errorIfBad = selector & 0xfffc): SegmentCache {
  const table = selector & 4 ? { base: cpu.ldtr.base, limit: cpu.ldtr.limit } : cpu.gdtr;
  const offset = selector & 0xfff8;
  if (offset + 7 > table.limit) throw fault.gp(errorIfBad, `selector 0x${selector.toString(16)} is outside the ${selector & 4 ? 'LDT' : 'GDT'}`);
  const raw = cpu.mem.readSupervisor64(table.base + offset);
  return decodeDescriptor(selector, Number(raw & 0xffffffffn), Number(raw >> 32n));
}

/** The upper 8 bytes of a 16-byte system descriptor (TSS/LDT in long mode): base bits 63:32. */
export function readSystemDescriptorHigh(cpu: Cpu, selector: number): number {
  return Number(cpu.mem.readSupervisor64(cpu.gdtr.base + (selector & 0xfff8) + 8) & 0xffffffffn);
}

function tssQword(cpu: Cpu, offset: number): number {
  if (cpu.tr.selector === 0 || offset + 7 > cpu.tr.limit) throw new CpuFault(Vector.TS, cpu.tr.selector & 0xfffc, undefined, 'TSS too small or not loaded');
  const v = BigInt.asIntN(64, cpu.mem.readSupervisor64(cpu.tr.base + offset));
  return Number(v);
}

function pushQword(cpu: Cpu, sp: number, value: number | bigint, supervisor: boolean): number {
  sp -= 8;
  const v = BigInt.asUintN(64, BigInt(value));
  const lo = Number(v & 0xffffffffn) | 0;
  const hi = Number(v >> 32n) | 0;
  if (supervisor) {
    const pa = cpu.mem.supervisorTranslate(sp, Access.Write);
    cpu.mem.noteWrite(pa, 8);
    cpu.mem.view.setInt32(pa, lo, true);
    cpu.mem.view.setInt32(pa + 4, hi, true);
  } else {
    cpu.mem.write64(sp, lo, hi);
  }
  return sp;
}

function rspNumber(cpu: Cpu): number {
  return cpu.r[9] * TWO32 + (cpu.r[8] >>> 0);
}

/**
 * Delivers one event through the IDT. `returnRip` is where IRETQ resumes (the faulting
 * instruction for faults, the next one for traps and software interrupts).
 */
export function deliverEvent(cpu: Cpu, event: CpuFault, returnRip: number, external = false): void {
  const vector = event.vector;
  const ext = external ? 1 : 0;
  const idtError = vector * 8 + 2 + ext;
  if (vector * 16 + 15 > cpu.idtr.limit) throw fault.gp(idtError, `vector ${vector} is beyond the IDT limit`);
  const gateLo = cpu.mem.readSupervisor64(cpu.idtr.base + vector * 16);
  const gateHi = cpu.mem.readSupervisor64(cpu.idtr.base + vector * 16 + 8);
  const type = Number((gateLo >> 40n) & 0xfn);
  const dpl = Number((gateLo >> 45n) & 3n);
  const present = ((gateLo >> 47n) & 1n) === 1n;
  if (type !== DESC_TYPE.INTERRUPT_GATE64 && type !== DESC_TYPE.TRAP_GATE64) {
    throw fault.gp(idtError, `IDT entry ${vector} is not a 64-bit interrupt or trap gate (type ${type})`);
  }
  if (event.software && dpl < cpu.cpl) throw fault.gp(idtError, `int ${vector}: gate DPL ${dpl} < CPL ${cpu.cpl}`);
  if (!present) throw new CpuFault(Vector.NP, idtError, undefined, `IDT entry ${vector} not present`);
  const selector = Number((gateLo >> 16n) & 0xffffn);
  const offset = Number(BigInt.asIntN(64, (gateLo & 0xffffn) | ((gateLo >> 32n) & 0xffff0000n) | ((gateHi & 0xffffffffn) << 32n)));
  const ist = Number((gateLo >> 32n) & 7n);
  if ((selector & 0xfffc) === 0) throw fault.gp(ext, `IDT entry ${vector} has a null code selector`);
  const cs = readDescriptor(cpu, selector, (selector & 0xfffc) + ext);
  if (!isCode(cs) || !cs.long || cs.db) throw fault.gp((selector & 0xfffc) + ext, `IDT entry ${vector}: selector 0x${selector.toString(16)} is not a 64-bit code segment`);
  if (cs.dpl > cpu.cpl) throw fault.gp((selector & 0xfffc) + ext, `IDT entry ${vector}: code segment DPL ${cs.dpl} > CPL ${cpu.cpl}`);
  if (!cs.present) throw new CpuFault(Vector.NP, (selector & 0xfffc) + ext);
  const conforming = (cs.type & 0x4) !== 0;
  const oldCpl = cpu.cpl;
  const newCpl = conforming ? oldCpl : cs.dpl;

  const oldRsp = rspNumber(cpu);
  let sp: number;
  if (ist !== 0) sp = tssQword(cpu, TSS_IST1 + 8 * (ist - 1));
  else if (newCpl < oldCpl) sp = tssQword(cpu, TSS_RSP0 + 8 * newCpl);
  else sp = oldRsp;
  if (sp >= 2 ** 47 || sp < -(2 ** 47)) throw new CpuFault(Vector.SS, ext, undefined, 'non-canonical stack for interrupt delivery');
  sp -= ((sp % 16) + 16) % 16; // 64-bit mode aligns the new stack to 16 bytes

  const flags = materializeFlags(cpu);
  const supervisor = newCpl === 0;
  sp = pushQword(cpu, sp, cpu.sel[Seg.SS], supervisor);
  sp = pushQword(cpu, sp, oldRsp, supervisor);
  sp = pushQword(cpu, sp, flags, supervisor);
  sp = pushQword(cpu, sp, cpu.sel[Seg.CS], supervisor);
  sp = pushQword(cpu, sp, returnRip, supervisor);
  if (event.hasErrorCode) sp = pushQword(cpu, sp, event.errorCode < 0 ? 0 : event.errorCode, supervisor);

  // Commit: nothing above faulted.
  if (newCpl !== oldCpl) {
    cpu.sel[Seg.SS] = newCpl;
    cpu.segs[Seg.SS] = nullSegment(newCpl);
  }
  const newCs = (selector & 0xfffc) | newCpl;
  cpu.sel[Seg.CS] = newCs;
  cpu.segs[Seg.CS] = { ...cs, selector: newCs };
  let f = flags & ~(RFLAGS.TF | RFLAGS.NT | RFLAGS.RF | RFLAGS.VM);
  if (type === DESC_TYPE.INTERRUPT_GATE64) f &= ~RFLAGS.IF;
  cpu.flags = f;
  cpu.setRegNumber(4, sp);
  cpu.rip = offset;
  cpu.setCpl(newCpl);
  cpu.halted = false;
  cpu.onTransition?.({ kind: external ? 'interrupt' : 'exception', vector, fromCpl: oldCpl, toCpl: newCpl, from: returnRip, to: offset });
}

/**
 * Delivers a fault (or trap) raised by an instruction, applying the double-fault rules:
 * a contributory fault or #PF while delivering a contributory fault or #PF becomes #DF; a fault
 * while delivering #DF shuts the processor down (TripleFault).
 */
export function deliverException(cpu: Cpu, first: CpuFault, returnRip: number, external = false): void {
  let current = first;
  let ext = external;
  for (let depth = 0; ; depth++) {
    if (current.vector === Vector.PF && current.address !== undefined) {
      cpu.cr2 = Number(BigInt.asIntN(64, current.address));
    }
    try {
      deliverEvent(cpu, current, returnRip, ext);
      return;
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      // A #PF raised by the delivery loads CR2 even when it turns into #DF (Linux's #DF
      // handler reads CR2 to recognise a kernel stack overflow into a guard page).
      if (e.vector === Vector.PF && e.address !== undefined) cpu.cr2 = Number(BigInt.asIntN(64, e.address));
      if (current.vector === Vector.DF || depth > 3) throw new TripleFault(e);
      const a = faultClass(current.vector);
      const b = faultClass(e.vector);
      const double = (a === 'contributory' && b === 'contributory') || (a === 'page' && b !== 'benign');
      current = double ? new CpuFault(Vector.DF, 0, undefined, `double fault: ${e.describe()} while delivering ${current.describe()}`) : e;
      // A fault raised while delivering is an exception of the delivery itself: EXT stays set
      // only while the event being delivered is still the external one.
      ext = ext && !double;
    }
  }
}

/** IRETQ (64-bit operand size) — SDM IRET pseudo-code, IA-32e mode, protected-mode return. */
export function iretq(cpu: Cpu): void {
  // The run loop has already advanced RIP past the IRETQ: that is where the transfer leaves from.
  const from = cpu.rip;
  const sp = rspNumber(cpu);
  const cpl = cpu.cpl;
  const read = (k: number) => {
    const lo = cpu.mem.read64(sp + 8 * k);
    return cpu.mem.hi * TWO32 + (lo >>> 0);
  };
  const rip = read(0);
  const csSel = read(1) & 0xffff;
  const rawFlags = Number(BigInt.asUintN(32, BigInt(read(2))));
  const rsp = read(3);
  const ssSel = read(4) & 0xffff;
  const rpl = csSel & 3;
  if ((csSel & 0xfffc) === 0) throw fault.gp(0, 'iretq to a null code selector');
  if (rpl < cpl) throw fault.gp(csSel & 0xfffc, `iretq to CPL ${rpl} from CPL ${cpl}`);
  const cs = readDescriptor(cpu, csSel);
  if (!isCode(cs)) throw fault.gp(csSel & 0xfffc, 'iretq: not a code segment');
  if (!cs.present) throw new CpuFault(Vector.NP, csSel & 0xfffc);
  if (!cs.long) throw fault.gp(csSel & 0xfffc, 'iretq to compatibility mode is not modelled (64-bit code segments only)');
  if (rip >= 2 ** 47 || rip < -(2 ** 47)) throw fault.gp(0, 'iretq to a non-canonical RIP');
  let ss: SegmentCache;
  if ((ssSel & 0xfffc) === 0) {
    if (rpl === 3) throw fault.gp(0, 'iretq to CPL 3 with a null stack selector');
    ss = nullSegment(ssSel);
  } else {
    if ((ssSel & 3) !== rpl) throw fault.gp(ssSel & 0xfffc, 'iretq: SS.RPL != CS.RPL');
    ss = readDescriptor(cpu, ssSel);
    if (ss.dpl !== rpl || !ss.s || (ss.type & 0xa) !== 0x2) throw fault.gp(ssSel & 0xfffc, 'iretq: SS is not a writable data segment at the new CPL');
    if (!ss.present) throw new CpuFault(Vector.SS, ssSel & 0xfffc);
  }
  // RFLAGS: what IRET may change depends on the CPL it executes at.
  const old = materializeFlags(cpu);
  const iopl = (old & RFLAGS.IOPL) >> 12;
  let mask = 0x3f7fd5 & ~(RFLAGS.VM | RFLAGS.VIF | RFLAGS.VIP | RFLAGS.IOPL | RFLAGS.IF);
  if (cpl === 0) mask |= RFLAGS.IOPL | RFLAGS.VIF | RFLAGS.VIP;
  if (cpl <= iopl) mask |= RFLAGS.IF;
  cpu.flags = (old & ~mask) | (rawFlags & mask) | RFLAGS.FIXED1;
  cpu.sel[Seg.CS] = csSel;
  cpu.segs[Seg.CS] = cs;
  cpu.sel[Seg.SS] = ssSel;
  cpu.segs[Seg.SS] = ss;
  cpu.setRegNumber(4, rsp);
  cpu.rip = rip;
  if (rpl > cpl) {
    // Returning outward: data segments the new level may not use become null (SDM IRET).
    for (const s of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
      const d = cpu.segs[s];
      if ((cpu.sel[s] & 0xfffc) !== 0 && d.dpl < rpl && !(isCode(d) && d.type & 0x4)) {
        cpu.sel[s] = 0;
        cpu.segs[s] = nullSegment();
      }
    }
  }
  cpu.setCpl(rpl);
  cpu.onTransition?.({ kind: 'iret', vector: -1, fromCpl: cpl, toCpl: rpl, from, to: rip });
}
