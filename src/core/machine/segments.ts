/**
 * Segment registers with their hidden descriptor caches, and descriptor-table entries as the
 * processor reads them (SDM vol. 3, 3.4–3.5 and 7.2.3 for the 64-bit TSS descriptor). In
 * 64-bit mode only CS attributes (L, DPL) and the FS/GS bases matter for addressing; the rest
 * is kept so that the debugger can show what the processor has loaded.
 */

/** Segment register slots (iced order). */
export const enum Seg {
  ES = 0,
  CS = 1,
  SS = 2,
  DS = 3,
  FS = 4,
  GS = 5,
}

/** Descriptor type field values used here. */
export const DESC_TYPE = {
  /** System descriptors (S = 0) in long mode. */
  LDT: 0x2,
  TSS64_AVAILABLE: 0x9,
  TSS64_BUSY: 0xb,
  CALL_GATE64: 0xc,
  INTERRUPT_GATE64: 0xe,
  TRAP_GATE64: 0xf,
} as const;

export interface SegmentCache {
  selector: number;
  base: number;
  limit: number;
  /** Type field (4 bits). */
  type: number;
  /** S: 1 = code/data, 0 = system. */
  s: boolean;
  dpl: number;
  present: boolean;
  /** L: 64-bit code segment. */
  long: boolean;
  /** D/B: default operand size 32 (must be 0 with L = 1). */
  db: boolean;
  granularity: boolean;
}

export function nullSegment(selector = 0): SegmentCache {
  return { selector, base: 0, limit: 0, type: 0, s: false, dpl: 0, present: false, long: false, db: false, granularity: false };
}

/** The flat 64-bit code or data segment SYSCALL/SYSRET and the boot protocol load. */
export function flatSegment(selector: number, code: boolean, dpl: number): SegmentCache {
  return {
    selector,
    base: 0,
    limit: 0xffffffff,
    type: code ? 0xb : 0x3,
    s: true,
    dpl,
    present: true,
    long: code,
    db: !code,
    granularity: true,
  };
}

/** Decodes an 8-byte code/data/system descriptor from its two dwords. */
export function decodeDescriptor(selector: number, lo: number, hi: number): SegmentCache {
  const limit = (lo & 0xffff) | (hi & 0xf0000);
  const g = (hi & (1 << 23)) !== 0;
  return {
    selector,
    base: ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0,
    limit: g ? limit * 4096 + 4095 : limit,
    type: (hi >>> 8) & 0xf,
    s: (hi & (1 << 12)) !== 0,
    dpl: (hi >>> 13) & 3,
    present: (hi & (1 << 15)) !== 0,
    long: (hi & (1 << 21)) !== 0,
    db: (hi & (1 << 22)) !== 0,
    granularity: g,
  };
}

export function isCode(d: SegmentCache): boolean {
  return d.s && (d.type & 0x8) !== 0;
}

export function isWritableData(d: SegmentCache): boolean {
  return d.s && (d.type & 0x8) === 0 && (d.type & 0x2) !== 0;
}

export function isReadable(d: SegmentCache): boolean {
  return d.s && ((d.type & 0x8) === 0 || (d.type & 0x2) !== 0);
}

/** Descriptor-table registers (GDTR, IDTR). */
export interface TableRegister {
  base: number;
  limit: number;
}
