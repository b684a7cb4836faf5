/**
 * The architectural TLB: translations the processor has cached, tagged by PCID, following the
 * SDM's rules (vol. 3, 4.10) for what is cached and what each operation invalidates. It is
 * deliberately not "always coherent": a guest that changes a PTE and forgets INVLPG keeps
 * using the old translation, exactly as on hardware — that is what teaches the bug.
 *
 * The per-access fast path (LinearMemory's lookup arrays) is only a cache of this TLB.
 */
export interface TlbEntry {
  /** Physical address of the 4 KiB frame. */
  frame: number;
  writable: boolean;
  user: boolean;
  executable: boolean;
  /** Global (PTE.G with CR4.PGE): survives CR3 writes, matches every PCID. */
  global: boolean;
  /** The walk that created it saw the dirty bit set (a first write must walk again). */
  dirty: boolean;
  pcid: number;
}

const PAGE = 4096;

export class Tlb {
  /** Key: pcid · 2^36 + linear page number (48-bit addresses → 36-bit page numbers). */
  private readonly entries = new Map<number, TlbEntry>();
  /** Global entries by page number (they match every PCID). */
  private readonly globals = new Map<number, TlbEntry>();

  private static key(pcid: number, page: number): number {
    return pcid * 2 ** 36 + page;
  }

  private static page(linear: number): number {
    const u = linear < 0 ? linear + 2 ** 48 : linear;
    return Math.floor(u / PAGE);
  }

  lookup(pcid: number, linear: number): TlbEntry | undefined {
    const page = Tlb.page(linear);
    return this.globals.get(page) ?? this.entries.get(Tlb.key(pcid, page));
  }

  insert(linear: number, entry: TlbEntry): void {
    const page = Tlb.page(linear);
    if (entry.global) this.globals.set(page, entry);
    else this.entries.set(Tlb.key(entry.pcid, page), entry);
  }

  /** INVLPG: the page's entries for the current PCID and its global entries. */
  invalidatePage(pcid: number, linear: number): void {
    const page = Tlb.page(linear);
    this.entries.delete(Tlb.key(pcid, page));
    this.globals.delete(page);
  }

  /** INVPCID type 0: one address in one PCID (not global entries). */
  invalidateAddressInPcid(pcid: number, linear: number): void {
    this.entries.delete(Tlb.key(pcid, Tlb.page(linear)));
  }

  /** MOV to CR3 without no-flush (PCIDE = 1), INVPCID type 1: non-global entries of a PCID. */
  invalidatePcid(pcid: number): void {
    for (const [key, e] of this.entries) if (e.pcid === pcid) this.entries.delete(key);
  }

  /** MOV to CR3 with PCIDE = 0, INVPCID type 3: every non-global entry of every PCID. */
  invalidateNonGlobal(): void {
    this.entries.clear();
  }

  /** CR4 paging-mode changes, INVPCID type 2: everything, globals included. */
  invalidateAll(): void {
    this.entries.clear();
    this.globals.clear();
  }

  /** A fault on a cached translation removes it (SDM 4.10.4.2). */
  invalidateEntry(pcid: number, linear: number): void {
    const page = Tlb.page(linear);
    this.entries.delete(Tlb.key(pcid, page));
    this.globals.delete(page);
  }

  /** Copies of the cached translations (the journal saves and restores them exactly). */
  snapshot(): { entries: Map<number, TlbEntry>; globals: Map<number, TlbEntry> } {
    return { entries: new Map(this.entries), globals: new Map(this.globals) };
  }

  restore(s: { entries: Map<number, TlbEntry>; globals: Map<number, TlbEntry> }): void {
    this.entries.clear();
    this.globals.clear();
    for (const [k, e] of s.entries) this.entries.set(k, e);
    for (const [k, e] of s.globals) this.globals.set(k, e);
  }

  get size(): number {
    return this.entries.size + this.globals.size;
  }

  /** For inspection: every cached translation. */
  *all(): IterableIterator<[number, TlbEntry]> {
    for (const [key, e] of this.entries) yield [(key % 2 ** 36) * PAGE, e];
    for (const [page, e] of this.globals) yield [page * PAGE, e];
  }
}
