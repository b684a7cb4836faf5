/**
 * Guest physical RAM: one zero-filled ArrayBuffer (the host commits pages lazily, so an
 * untouched region costs nothing). Accessed little-endian through a DataView, which V8
 * inlines on the hot path.
 */
export class PhysicalMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly size: number;
  /** Decoded-code tracking shared by all CPUs (self-modifying and cross-modifying code). */
  readonly code: CodeTracker;

  constructor(sizeBytes: number) {
    if (sizeBytes % 4096 !== 0) throw new Error('physical memory size must be a multiple of 4 KiB');
    this.size = sizeBytes;
    this.bytes = new Uint8Array(sizeBytes);
    this.view = new DataView(this.bytes.buffer);
    this.code = new CodeTracker(sizeBytes / 4096);
  }

  contains(pa: number, length = 1): boolean {
    return pa >= 0 && pa + length <= this.size;
  }

  /**
   * Journal hook: called with a frame index before the first store to that frame since the
   * last checkpoint. Every writer of guest memory calls `touch` first; the fast write paths
   * are re-armed at checkpoints, so they never skip a first store.
   */
  onFirstWrite: ((frameIndex: number) => void) | null = null;
  private written: Uint8Array | null = null;

  touch(pa: number, length = 1): void {
    if (this.onFirstWrite === null) return;
    const written = (this.written ??= new Uint8Array(this.size / 4096));
    const last = Math.floor((pa + length - 1) / 4096);
    for (let f = Math.floor(pa / 4096); f <= last; f++) {
      if (written[f]) continue;
      written[f] = 1;
      this.onFirstWrite(f);
    }
  }

  resetFirstWrites(): void {
    this.written?.fill(0);
  }

  /** A 64-bit little-endian value as a bigint (page-table entries, debugger reads). */
  readU64(pa: number): bigint {
    return this.view.getBigUint64(pa, true);
  }

  writeU64(pa: number, value: bigint): void {
    this.touch(pa, 8);
    this.view.setBigUint64(pa, BigInt.asUintN(64, value), true);
  }
}

/** Guest RAM is exhausted (the personality turns this into an out-of-memory kill). */
export class OutOfGuestMemory extends Error {}

/** Hands out 4 KiB physical frames, bottom up (reusing freed ones), for loaders and page tables. */
export class FrameAllocator {
  private next: number;
  private readonly freed: number[] = [];
  constructor(
    private readonly memory: PhysicalMemory,
    start: number,
  ) {
    this.next = Math.ceil(start / 4096) * 4096;
    this.limit = memory.size;
  }

  /** A zeroed frame's physical address; throws when RAM is exhausted. */
  allocate(): number {
    let pa = this.freed.pop();
    if (pa === undefined) {
      pa = this.next;
      if (pa + 4096 > this.limit) {
        throw new OutOfGuestMemory(`out of guest physical memory (${this.memory.size >> 20} MiB)`);
      }
      this.next += 4096;
    }
    this.memory.touch(pa, 4096);
    this.memory.bytes.fill(0, pa, pa + 4096);
    return pa;
  }

  free(frame: number): void {
    this.freed.push(frame);
  }

  /** Allocation state, for the journal. */
  snapshot(): { next: number; freed: number[] } {
    return { next: this.next, freed: this.freed.slice() };
  }

  restore(s: { next: number; freed: number[] }): void {
    this.next = s.next;
    this.freed.splice(0, this.freed.length, ...s.freed);
  }

  /** Frames at or above this address are reserved (e.g. for boot tables and stacks). */
  limit = Infinity;

  get used(): number {
    return this.next - this.freed.length * 4096;
  }
}

/** What a CPU does when code it may have decoded changes. */
export interface CodeListener {
  /** Drop decoded instructions of this frame. */
  invalidate(frame: number): void;
  /** Remove the frame from the fast write path (writes must be checked from now on). */
  purgeWrite(frame: number): void;
}

/**
 * Which bytes of physical memory hold decoded instructions, shared by every CPU so that a
 * store by one CPU invalidates what another decoded. Stores to a code frame take the slow
 * path; only a store that overlaps decoded bytes invalidates (data next to code is cheap).
 */
export class CodeTracker {
  readonly flags: Uint8Array;
  private readonly bitmaps = new Map<number, Uint8Array>();
  private readonly listeners: CodeListener[] = [];

  constructor(frames: number) {
    this.flags = new Uint8Array(frames);
  }

  listen(l: CodeListener): void {
    this.listeners.push(l);
  }

  /** Records that [pa, pa + length) within one frame holds a decoded instruction. */
  mark(pa: number, length: number): void {
    const index = Math.floor(pa / 4096);
    let bitmap = this.bitmaps.get(index);
    if (bitmap === undefined) {
      bitmap = new Uint8Array(4096);
      this.bitmaps.set(index, bitmap);
      this.flags[index] = 1;
      for (const l of this.listeners) l.purgeWrite(index * 4096);
    }
    const off = pa - index * 4096;
    bitmap.fill(1, off, Math.min(4096, off + length));
  }

  /** A store of `length` bytes at `pa` (within one frame): invalidate if it hits code. */
  noteWrite(pa: number, length: number): void {
    const index = Math.floor(pa / 4096);
    if (!this.flags[index]) return;
    const bitmap = this.bitmaps.get(index)!;
    const off = pa - index * 4096;
    const end = Math.min(4096, off + length);
    for (let k = off; k < end; k++) {
      if (bitmap[k]) {
        this.invalidate(index);
        return;
      }
    }
  }

  /** Forget a frame's code (every CPU drops its decoded instructions for it). */
  invalidate(index: number): void {
    if (!this.flags[index]) return;
    this.flags[index] = 0;
    this.bitmaps.delete(index);
    for (const l of this.listeners) l.invalidate(index * 4096);
  }
}
