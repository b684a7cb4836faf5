/**
 * 4-level paging structures (SDM vol. 3, 4.5): entry bits as data, the page walk, and a
 * builder that writes real page tables into guest physical memory (loaders use it, so the
 * CPU always runs with the same walk that system mode uses).
 */
import { PF_ERR } from './faults.js';
import { FrameAllocator, PhysicalMemory } from './physical-memory.js';

export const PTE = {
  P: 1 << 0,
  RW: 1 << 1,
  US: 1 << 2,
  PWT: 1 << 3,
  PCD: 1 << 4,
  A: 1 << 5,
  D: 1 << 6,
  PS: 1 << 7,
  G: 1 << 8,
} as const;
/** NX is bit 63: bit 31 of the entry's high dword. */
export const PTE_HI_NX = 1 << 31;
const PAGE = 4096;
const TWO32 = 4294967296;

export const enum Access {
  Read = 0,
  Write = 1,
  Execute = 2,
}

/** What the walk needs from the CPU's control registers. */
export interface PagingContext {
  /** Physical address of the PML4 (CR3 bits 51:12). */
  pml4: number;
  /** Current PCID (CR3 bits 11:0 when CR4.PCIDE = 1, else 0). */
  pcid: number;
  /** Current privilege level (3 = user). */
  cpl: number;
  nxe: boolean;
  wp: boolean;
  smep: boolean;
  smap: boolean;
  /** CR4.PGE: global pages survive CR3 writes. */
  pge: boolean;
  /** RFLAGS.AC, which lifts SMAP for explicit supervisor accesses. */
  ac: boolean;
}

export interface WalkResult {
  /** Physical address of the 4 KiB frame that holds the linear page. */
  frame: number;
  writable: boolean;
  user: boolean;
  executable: boolean;
  /** Leaf PTE.G (meaningful with CR4.PGE). */
  global: boolean;
  /** Leaf dirty bit as found. */
  dirty: boolean;
  /** Physical address of the leaf entry (to set accessed/dirty once the access is allowed). */
  leaf: number;
}

/** Linear address (signed canonical number) to its 48-bit unsigned form. */
export function unsigned48(linear: number): number {
  return linear < 0 ? linear + 2 ** 48 : linear;
}

function entryAddress(lo: number, hi: number): number {
  return (hi & 0xfffff) * TWO32 + ((lo & 0xfffff000) >>> 0);
}

/** The #PF error-code bits that describe an access (W, U, I), before P/RSVD are known. */
export function accessErrorBits(ctx: PagingContext, access: Access): number {
  return (access === Access.Write ? PF_ERR.W : 0) | (ctx.cpl === 3 ? PF_ERR.U : 0) |
    (access === Access.Execute && ctx.nxe ? PF_ERR.I : 0);
}

/**
 * Permission check of a translation for an access (SDM 4.6): returns 0 if allowed, else the
 * #PF error code (P set: a protection violation).
 */
export function accessFault(ctx: PagingContext, t: { writable: boolean; user: boolean; executable: boolean }, access: Access): number {
  const user = ctx.cpl === 3;
  const code = accessErrorBits(ctx, access) | PF_ERR.P;
  if (user && !t.user) return code;
  if (access === Access.Write && !t.writable && (user || ctx.wp)) return code;
  if (access === Access.Execute && !t.executable) return code;
  if (!user && t.user) {
    if (access === Access.Execute && ctx.smep) return code;
    if (access !== Access.Execute && ctx.smap && !ctx.ac) return code;
  }
  return 0;
}

/**
 * Walks the tables for `linear`. Returns the translation (permissions combined over all
 * levels, not yet checked against the access), or a #PF error code for a not-present or
 * reserved-bit entry (a negative number: -(code + 1)). Sets accessed bits in the upper levels
 * as it goes unless `inspect` (debugger reads must not change guest state); the leaf's A/D
 * bits are set by `markLeaf` once the access is known to be allowed.
 */
export function walk(
  mem: PhysicalMemory,
  ctx: PagingContext,
  linear: number,
  access: Access,
  inspect = false,
): WalkResult | number {
  const u = unsigned48(linear);
  const view = mem.view;
  let table = ctx.pml4;
  let rw = true;
  let us = true;
  let nx = false;
  const errBase = accessErrorBits(ctx, access);
  for (let level = 0; level < 4; level++) {
    const index = Math.floor(u / 2 ** SHIFTS[level]) & 511;
    const ea = table + index * 8;
    if (!mem.contains(ea, 8)) return -(errBase | PF_ERR.RSVD) - 1;
    const lo = view.getUint32(ea, true);
    const hi = view.getUint32(ea + 4, true);
    if (!(lo & PTE.P)) return -errBase - 1;
    if (!ctx.nxe && hi & PTE_HI_NX) return -(errBase | PF_ERR.P | PF_ERR.RSVD) - 1;
    rw &&= (lo & PTE.RW) !== 0;
    us &&= (lo & PTE.US) !== 0;
    nx ||= ctx.nxe && (hi & PTE_HI_NX) !== 0;
    const leaf = level === 3 || (level >= 1 && (lo & PTE.PS) !== 0);
    if (!leaf) {
      if (!inspect && !(lo & PTE.A)) {
        mem.touch(ea, 4);
        view.setUint32(ea, lo | PTE.A, true);
      }
      table = entryAddress(lo, hi);
      continue;
    }
    let frame = entryAddress(lo, hi);
    if (level < 3) {
      // Large page: the 4 KiB frame inside the 2 MiB / 1 GiB page comes from the address.
      const span = 2 ** SHIFTS[level];
      const base = frame - (frame % span);
      frame = base + (Math.floor(u / PAGE) * PAGE) % span;
    }
    return { frame, writable: rw, user: us, executable: !nx, global: ctx.pge && (lo & PTE.G) !== 0, dirty: (lo & PTE.D) !== 0, leaf: ea };
  }
  return -errBase - 1;
}

const SHIFTS = [39, 30, 21, 12];

/** Sets the leaf entry's accessed bit, and dirty for a write, as the processor does. */
export function markLeaf(mem: PhysicalMemory, r: WalkResult, write: boolean): void {
  const lo = mem.view.getUint32(r.leaf, true);
  const nlo = lo | PTE.A | (write ? PTE.D : 0);
  if (nlo !== lo) {
    mem.touch(r.leaf, 4);
    mem.view.setUint32(r.leaf, nlo >>> 0, true);
  }
  if (write) r.dirty = true;
}

/** Writes 4-level page tables into guest memory. */
export class PageTableBuilder {
  readonly pml4: number;
  constructor(
    private readonly mem: PhysicalMemory,
    private readonly frames: FrameAllocator,
    pml4?: number,
  ) {
    this.pml4 = pml4 ?? frames.allocate();
  }

  /** Every table write goes through here, so the journal sees it. */
  private set32(pa: number, value: number): void {
    this.mem.touch(pa, 4);
    this.mem.view.setUint32(pa, value >>> 0, true);
  }

  /**
   * Maps one 4 KiB linear page to `frame` with the given flags. `present: false` keeps the
   * frame in the entry but clears P, as Linux does for PROT_NONE.
   */
  map(linear: number, frame: number, flags: { write: boolean; user: boolean; exec: boolean; present?: boolean; global?: boolean }): void {
    const pte = this.leafEntry(linear, true)!;
    const lo = (frame % TWO32) | (flags.present === false ? 0 : PTE.P) | (flags.write ? PTE.RW : 0) |
      (flags.user ? PTE.US : 0) | (flags.global ? PTE.G : 0);
    const hi = Math.floor(frame / TWO32) | (flags.exec ? 0 : PTE_HI_NX);
    this.set32(pte, lo >>> 0);
    this.set32(pte + 4, hi >>> 0);
  }

  /** Maps a 2 MiB page (PS in the page directory); `linear` and `frame` 2 MiB-aligned. */
  mapLarge(linear: number, frame: number, flags: { write: boolean; user: boolean; exec: boolean; global?: boolean }): void {
    const u = unsigned48(linear);
    let table = this.pml4;
    for (const shift of [39, 30]) {
      const ea = table + (Math.floor(u / 2 ** shift) & 511) * 8;
      const lo = this.mem.view.getUint32(ea, true);
      if (lo & PTE.P) {
        table = entryAddress(lo, this.mem.view.getUint32(ea + 4, true));
        continue;
      }
      const next = this.frames.allocate();
      this.set32(ea, (next | PTE.P | PTE.RW | PTE.US) >>> 0);
      this.set32(ea + 4, Math.floor(next / TWO32));
      table = next;
    }
    const pde = table + (Math.floor(u / 2 ** 21) & 511) * 8;
    const lo = (frame % TWO32) | PTE.P | PTE.PS | (flags.write ? PTE.RW : 0) | (flags.user ? PTE.US : 0) | (flags.global ? PTE.G : 0);
    this.set32(pde, lo >>> 0);
    this.set32(pde + 4, (Math.floor(frame / TWO32) | (flags.exec ? 0 : PTE_HI_NX)) >>> 0);
  }

  unmap(linear: number): void {
    const pte = this.leafEntry(linear, false);
    if (pte !== undefined) {
      this.set32(pte, 0);
      this.set32(pte + 4, 0);
    }
  }

  /** The frame recorded for a page even when it is not present (PROT_NONE), or undefined. */
  frameOf(linear: number): number | undefined {
    const pte = this.leafEntry(linear, false);
    if (pte === undefined) return undefined;
    const lo = this.mem.view.getUint32(pte, true);
    const hi = this.mem.view.getUint32(pte + 4, true);
    if (lo === 0 && hi === 0) return undefined;
    return entryAddress(lo, hi);
  }

  /** The frame a page maps to, or undefined. */
  lookup(linear: number): number | undefined {
    const pte = this.leafEntry(linear, false);
    if (pte === undefined) return undefined;
    const lo = this.mem.view.getUint32(pte, true);
    if (!(lo & PTE.P)) return undefined;
    return entryAddress(lo, this.mem.view.getUint32(pte + 4, true));
  }

  /** Physical address of the level-1 entry for `linear`, creating tables when asked. */
  private leafEntry(linear: number, create: boolean): number | undefined {
    const u = unsigned48(linear);
    let table = this.pml4;
    for (const shift of [39, 30, 21]) {
      const ea = table + (Math.floor(u / 2 ** shift) & 511) * 8;
      const lo = this.mem.view.getUint32(ea, true);
      const hi = this.mem.view.getUint32(ea + 4, true);
      if (lo & PTE.P && lo & PTE.PS && shift === 21) {
        // A 2 MiB page: split it into 512 4 KiB entries with the same mapping first.
        if (!create) return undefined;
        const next = this.frames.allocate();
        const base = entryAddress(lo, hi) - (entryAddress(lo, hi) % 2 ** 21);
        const flags = lo & (PTE.RW | PTE.US | PTE.G | PTE.A | PTE.D);
        for (let i = 0; i < 512; i++) {
          const f = base + i * PAGE;
          this.set32(next + i * 8, ((f % TWO32) | PTE.P | flags) >>> 0);
          this.set32(next + i * 8 + 4, (Math.floor(f / TWO32) | (hi & PTE_HI_NX)) >>> 0);
        }
        this.set32(ea, (next | PTE.P | PTE.RW | PTE.US) >>> 0);
        this.set32(ea + 4, Math.floor(next / TWO32));
        table = next;
        continue;
      }
      if (lo & PTE.P) {
        table = entryAddress(lo, hi);
        continue;
      }
      if (!create) return undefined;
      const next = this.frames.allocate();
      // Upper levels grant everything; the leaf decides (as Linux does).
      this.set32(ea, (next | PTE.P | PTE.RW | PTE.US) >>> 0);
      this.set32(ea + 4, Math.floor(next / TWO32));
      table = next;
    }
    return table + (Math.floor(u / PAGE) & 511) * 8;
  }
}
