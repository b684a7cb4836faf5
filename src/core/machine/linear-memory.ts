/**
 * Every memory access the CPU makes — data, stack, instruction fetch — goes through this one
 * path: linear address → (software TLB | page walk) → physical RAM. The TLB here is a
 * direct-mapped lookup cache in front of `walk`; it is filled only by successful walks and
 * flushed whenever the paging context changes.
 *
 * Linear addresses are JS numbers holding the *signed* canonical value (−2^47 … 2^47−1), so
 * they are exact doubles. A non-canonical value never matches a TLB tag and raises #GP(0) in
 * the slow path.
 *
 * Frames that hold decoded instructions are never in the write TLB, so the slow write path
 * sees every store into code and invalidates the decoded-instruction cache (self-modifying
 * code, loaders).
 */
import { CpuFault, Vector, fault } from './faults.js';
import { Access, PagingContext, accessFault, markLeaf, walk } from './paging.js';
import { Tlb, TlbEntry } from './tlb.js';
import { PhysicalMemory } from './physical-memory.js';

const TLB_SIZE = 1024;
const TLB_MASK = TLB_SIZE - 1;
const PAGE = 4096;
const INV_PAGE = 1 / PAGE;
const CANONICAL_LIMIT = 2 ** 47;

export class LinearMemory {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  private readonly rTag = new Float64Array(TLB_SIZE).fill(NaN);
  private readonly rBase = new Float64Array(TLB_SIZE);
  private readonly wTag = new Float64Array(TLB_SIZE).fill(NaN);
  private readonly wBase = new Float64Array(TLB_SIZE);
  private readonly xTag = new Float64Array(TLB_SIZE).fill(NaN);
  private readonly xBase = new Float64Array(TLB_SIZE);
  /** One flag per physical frame: the frame holds decoded instructions (shared by all CPUs). */
  private readonly codeFrames: Uint8Array;
  /** High dword of the last 64-bit read (reads return the low dword; no allocation). */
  hi = 0;
  /** The architectural, PCID-tagged TLB behind the fast lookup arrays. */
  readonly tlb = new Tlb();
  /** Data watchpoints; pages they touch never enter the fast arrays (zero cost when none). */
  private readonly watches: Watchpoint[] = [];
  private readonly watchedPages = new Set<number>();
  private readonly watchedFrames = new Set<number>();
  /** Called when an access hits a watchpoint (the CPU stops after the instruction). */
  onWatchHit: ((hit: WatchHit) => void) | null = null;
  /** RFLAGS.AC at the time of an access (SMAP), read only on the slow path. */
  acSource: () => boolean = () => false;

  constructor(
    readonly phys: PhysicalMemory,
    readonly ctx: PagingContext,
  ) {
    this.view = phys.view;
    this.bytes = phys.bytes;
    this.codeFrames = phys.code.flags;
  }

  /** Drop the fast lookup arrays only (CPL or CR3 changed); the architectural TLB stays. */
  flushFast(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
    this.xTag.fill(NaN);
  }

  /** Forget every cached translation, global ones included (CR4 paging changes, loaders). */
  flushTlb(): void {
    this.tlb.invalidateAll();
    this.flushFast();
  }

  /** Forget the cached translation of one linear page (INVLPG semantics). */
  flushPage(linear: number): void {
    this.tlb.invalidatePage(this.ctx.pcid, linear);
    this.flushFastPage(linear);
  }

  flushFastPage(linear: number): void {
    const pn = Math.floor(linear * INV_PAGE);
    const i = pn & TLB_MASK;
    if (this.rTag[i] === pn) this.rTag[i] = NaN;
    if (this.wTag[i] === pn) this.wTag[i] = NaN;
    if (this.xTag[i] === pn) this.xTag[i] = NaN;
  }

  /**
   * Physical address of `linear` for `access`: from the architectural TLB when it holds the
   * page (even if the page tables changed since — as hardware does), else by a page walk that
   * fills it. Raises #GP(0) for non-canonical addresses and #PF with CR2 semantics.
   */
  translate(linear: number, access: Access, length = 1): number {
    const pa = this.translateUnwatched(linear, access);
    if (this.watches.length > 0 && access !== Access.Execute) this.checkWatches(linear, pa, length, access);
    return pa;
  }

  private translateUnwatched(linear: number, access: Access): number {
    if (linear >= CANONICAL_LIMIT || linear < -CANONICAL_LIMIT) {
      throw fault.gp(0, `non-canonical address ${formatLinear(linear)}`);
    }
    const ctx = this.ctx;
    ctx.ac = this.acSource();
    const pn = Math.floor(linear * INV_PAGE);
    const off = linear - pn * PAGE;
    let e = this.tlb.lookup(ctx.pcid, linear);
    // A first write through an entry cached without the dirty bit walks again to set it.
    if (e !== undefined && access === Access.Write && !e.dirty) e = undefined;
    if (e === undefined) {
      const r = walk(this.phys, ctx, linear, access);
      if (typeof r === 'number') throw this.pageFault(linear, -r - 1);
      const code = accessFault(ctx, r, access);
      if (code !== 0) throw this.pageFault(linear, code);
      markLeaf(this.phys, r, access === Access.Write);
      e = { frame: r.frame, writable: r.writable, user: r.user, executable: r.executable, global: r.global, dirty: r.dirty, pcid: ctx.pcid };
      this.tlb.insert(linear, e);
    } else {
      const code = accessFault(ctx, e, access);
      if (code !== 0) {
        this.tlb.invalidateEntry(ctx.pcid, linear);
        throw this.pageFault(linear, code);
      }
    }
    this.fill(e, pn, pn & TLB_MASK, access);
    return e.frame + off;
  }

  private pageFault(linear: number, code: number): CpuFault {
    return new CpuFault(Vector.PF, code, BigInt.asUintN(64, BigInt(linear)));
  }

  private fill(r: TlbEntry, pn: number, i: number, access: Access): void {
    if (!this.phys.contains(r.frame, PAGE)) {
      throw fault.gp(0, `linear page ${formatLinear(pn * PAGE)} maps outside RAM (0x${r.frame.toString(16)})`);
    }
    if (access === Access.Write) {
      // The journal saves a frame before the fast path may store to it.
      this.phys.touch(r.frame, PAGE);
      // Stores to frames holding decoded code stay on the slow path (checked by noteWrite).
      if (this.codeFrames[r.frame / PAGE]) return;
    }
    // Watched pages and frames stay on the slow path, where accesses are checked.
    if (this.watchedPages.has(pn) || this.watchedFrames.has(r.frame / PAGE)) return;
    // Supervisor access to a user page under SMAP depends on RFLAGS.AC: never cache it.
    if (this.ctx.cpl !== 3 && r.user && this.ctx.smap && access !== Access.Execute) return;
    if (access === Access.Execute) {
      this.xTag[i] = pn;
      this.xBase[i] = r.frame;
      return;
    }
    this.rTag[i] = pn;
    this.rBase[i] = r.frame;
    if (access === Access.Write) {
      this.wTag[i] = pn;
      this.wBase[i] = r.frame;
    }
  }

  // ---- data watchpoints ----

  addWatchpoint(w: Watchpoint): void {
    this.watches.push(w);
    this.rebuildWatchedPages();
  }

  removeWatchpoint(w: Watchpoint): void {
    const i = this.watches.indexOf(w);
    if (i >= 0) this.watches.splice(i, 1);
    this.rebuildWatchedPages();
  }

  private rebuildWatchedPages(): void {
    this.watchedPages.clear();
    this.watchedFrames.clear();
    for (const w of this.watches) {
      const set = w.physical ? this.watchedFrames : this.watchedPages;
      for (let p = Math.floor(w.start * INV_PAGE); p <= Math.floor((w.start + w.length - 1) * INV_PAGE); p++) set.add(p);
    }
    this.flushFast();
  }

  private checkWatches(linear: number, pa: number, length: number, access: Access): void {
    for (const w of this.watches) {
      if (access === Access.Write ? !w.write : !w.read) continue;
      const at = w.physical ? pa : linear;
      if (at < w.start + w.length && w.start < at + length) {
        this.onWatchHit?.({ watch: w, linear, physical: pa, length, write: access === Access.Write });
        return;
      }
    }
  }

  /** Drops a frame from the fast write path (it now holds decoded code). */
  purgeWrite(frame: number): void {
    for (let i = 0; i < TLB_SIZE; i++) if (this.wBase[i] === frame) this.wTag[i] = NaN;
  }

  /** Every store that bypasses the fast path reports here (journal, self-modifying code). */
  noteWrite(pa: number, length: number): void {
    this.phys.touch(pa, length);
    if (this.codeFrames[Math.floor(pa / PAGE)]) this.phys.code.noteWrite(pa, length);
  }

  /** Re-arms the fast write path (journal checkpoints). */
  flushFastWrites(): void {
    this.wTag.fill(NaN);
  }

  // ---- data reads: low dword returned (signed), high dword in `hi` for 64-bit ----

  read8(a: number): number {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const base = this.rTag[i] === pn ? this.rBase[i] : this.translate(a, Access.Read) - (a - pn * PAGE);
    return this.bytes[base + a - pn * PAGE];
  }

  read16(a: number): number {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const off = a - pn * PAGE;
    if (this.rTag[i] === pn && off <= PAGE - 2) return this.view.getUint16(this.rBase[i] + off, true);
    return this.readSlow(a, 2);
  }

  read32(a: number): number {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const off = a - pn * PAGE;
    if (this.rTag[i] === pn && off <= PAGE - 4) return this.view.getInt32(this.rBase[i] + off, true);
    return this.readSlow(a, 4);
  }

  read64(a: number): number {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const off = a - pn * PAGE;
    if (this.rTag[i] === pn && off <= PAGE - 8) {
      const pa = this.rBase[i] + off;
      this.hi = this.view.getInt32(pa + 4, true);
      return this.view.getInt32(pa, true);
    }
    return this.readSlow(a, 8);
  }

  /** Unaligned-across-pages or TLB-miss read: translate every page first, then assemble. */
  private readSlow(a: number, n: number): number {
    const first = this.translate(a, Access.Read, n);
    const end = a + n - 1;
    const crosses = Math.floor(end * INV_PAGE) !== Math.floor(a * INV_PAGE);
    const second = crosses ? this.translate(end - (end % PAGE + PAGE) % PAGE, Access.Read) : 0;
    let lo = 0;
    let hi = 0;
    const firstLen = crosses ? PAGE - (a - Math.floor(a * INV_PAGE) * PAGE) : n;
    for (let k = 0; k < n; k++) {
      const b = k < firstLen ? this.bytes[first + k] : this.bytes[second + k - firstLen];
      if (k < 4) lo |= b << (8 * k);
      else hi |= b << (8 * (k - 4));
    }
    this.hi = hi;
    return n === 4 || n === 8 ? lo | 0 : lo >>> 0;
  }

  // ---- data writes ----

  write8(a: number, v: number): void {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    if (this.wTag[i] === pn) {
      this.bytes[this.wBase[i] + a - pn * PAGE] = v;
      return;
    }
    const pa = this.translate(a, Access.Write);
    this.noteWrite(pa, 1);
    this.bytes[pa] = v;
  }

  write16(a: number, v: number): void {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const off = a - pn * PAGE;
    if (this.wTag[i] === pn && off <= PAGE - 2) this.view.setUint16(this.wBase[i] + off, v, true);
    else this.writeSlow(a, 2, v, 0);
  }

  write32(a: number, v: number): void {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const off = a - pn * PAGE;
    if (this.wTag[i] === pn && off <= PAGE - 4) this.view.setInt32(this.wBase[i] + off, v, true);
    else this.writeSlow(a, 4, v, 0);
  }

  write64(a: number, lo: number, hi: number): void {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    const off = a - pn * PAGE;
    if (this.wTag[i] === pn && off <= PAGE - 8) {
      const pa = this.wBase[i] + off;
      this.view.setInt32(pa, lo, true);
      this.view.setInt32(pa + 4, hi, true);
    } else this.writeSlow(a, 8, lo, hi);
  }

  /** Both pages are translated (and may fault) before any byte is stored. */
  private writeSlow(a: number, n: number, lo: number, hi: number): void {
    const first = this.translate(a, Access.Write, n);
    const end = a + n - 1;
    const crosses = Math.floor(end * INV_PAGE) !== Math.floor(a * INV_PAGE);
    const second = crosses ? this.translate(Math.floor(end * INV_PAGE) * PAGE, Access.Write) : 0;
    const firstLen = crosses ? PAGE - (a - Math.floor(a * INV_PAGE) * PAGE) : n;
    this.noteWrite(first, firstLen);
    if (crosses) this.noteWrite(second, n - firstLen);
    for (let k = 0; k < n; k++) {
      const b = (k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff;
      if (k < firstLen) this.bytes[first + k] = b;
      else this.bytes[second + k - firstLen] = b;
    }
  }

  /**
   * Implicit supervisor accesses (descriptor tables, the TSS, interrupt stack frames pushed at
   * a new CPL are explicit): translated as CPL 0 with SMAP applying regardless of AC, and not
   * cached in the fast arrays, whatever the current privilege level.
   */
  supervisorTranslate(a: number, access: Access): number {
    const saved = this.ctx.cpl;
    const savedAc = this.acSource;
    this.ctx.cpl = 0;
    this.acSource = () => false;
    try {
      const pa = this.translate(a, access);
      return pa;
    } finally {
      this.ctx.cpl = saved;
      this.acSource = savedAc;
      this.flushFastPage(a);
    }
  }

  readSupervisor64(a: number): bigint {
    const lo = this.view.getUint32(this.supervisorTranslate(a, Access.Read), true);
    const hiAddr = a + 4;
    const hi = this.view.getUint32(this.supervisorTranslate(hiAddr, Access.Read), true);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  readSupervisor32(a: number): number {
    if ((a & 3) === 0 || Math.floor(a / PAGE) === Math.floor((a + 3) / PAGE)) {
      return this.view.getUint32(this.supervisorTranslate(a, Access.Read), true);
    }
    let v = 0;
    for (let k = 3; k >= 0; k--) v = v * 256 + this.bytes[this.supervisorTranslate(a + k, Access.Read)];
    return v;
  }

  writeSupervisor8(a: number, v: number): void {
    const pa = this.supervisorTranslate(a, Access.Write);
    this.noteWrite(pa, 1);
    this.bytes[pa] = v;
  }

  /** Checks that `n` bytes at `a` are writable without storing (for multi-part instructions). */
  probeWrite(a: number, n: number): void {
    this.translate(a, Access.Write);
    if (n > 1) this.translate(a + n - 1, Access.Write);
  }

  // ---- instruction fetch ----

  /** Physical address of an instruction byte (execute permission checked). */
  fetchAddress(a: number): number {
    const pn = Math.floor(a * INV_PAGE);
    const i = pn & TLB_MASK;
    if (this.xTag[i] === pn) return this.xBase[i] + a - pn * PAGE;
    return this.translate(a, Access.Execute);
  }

  // ---- side-effect-free access for debuggers and loaders (no A/D bits, no TLB fill) ----

  /** Reads up to `n` bytes; stops at the first unmapped byte. */
  peek(a: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const pa = this.inspectTranslate(a + done, Access.Read);
      if (pa === undefined) return out.slice(0, done);
      const chunk = Math.min(n - done, PAGE - (pa % PAGE));
      out.set(this.bytes.subarray(pa, pa + chunk), done);
      done += chunk;
    }
    return out;
  }

  /** Writes bytes ignoring page protections (as a debugger or loader does); false if any
   * byte is unmapped, in which case nothing is written. */
  poke(a: number, data: Uint8Array): boolean {
    const pieces: Array<[number, number, number]> = [];
    let done = 0;
    while (done < data.length) {
      const pa = this.inspectTranslate(a + done, Access.Read);
      if (pa === undefined) return false;
      const chunk = Math.min(data.length - done, PAGE - (pa % PAGE));
      pieces.push([pa, done, chunk]);
      done += chunk;
    }
    for (const [pa, from, chunk] of pieces) {
      this.noteWrite(pa, chunk);
      this.bytes.set(data.subarray(from, from + chunk), pa);
    }
    return true;
  }

  inspectTranslate(a: number, access: Access): number | undefined {
    if (a >= CANONICAL_LIMIT || a < -CANONICAL_LIMIT) return undefined;
    const ctx = { ...this.ctx, cpl: 0, smap: false, smep: false, wp: false };
    const r = walk(this.phys, ctx, a, access, true);
    // Debugger view: the page tables as they are now (not a possibly stale TLB entry).
    if (typeof r === 'number' || !this.phys.contains(r.frame, PAGE)) return undefined;
    return r.frame + (a - Math.floor(a * INV_PAGE) * PAGE);
  }
}

export function formatLinear(linear: number): string {
  return '0x' + BigInt.asUintN(64, BigInt(Math.trunc(linear))).toString(16);
}

/** A data watchpoint on a linear (or physical) range. */
export interface Watchpoint {
  start: number;
  length: number;
  read: boolean;
  write: boolean;
  physical?: boolean;
}

export interface WatchHit {
  watch: Watchpoint;
  linear: number;
  physical: number;
  length: number;
  write: boolean;
}
