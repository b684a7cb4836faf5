/**
 * Guest physical RAM: one zero-filled ArrayBuffer (the host commits pages lazily, so an
 * untouched region costs nothing). Accessed little-endian through a DataView, which V8
 * inlines on the hot path.
 */
export class PhysicalMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly size: number;

  constructor(sizeBytes: number) {
    if (sizeBytes % 4096 !== 0) throw new Error('physical memory size must be a multiple of 4 KiB');
    this.size = sizeBytes;
    this.bytes = new Uint8Array(sizeBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  contains(pa: number, length = 1): boolean {
    return pa >= 0 && pa + length <= this.size;
  }

  /** A 64-bit little-endian value as a bigint (page-table entries, debugger reads). */
  readU64(pa: number): bigint {
    return this.view.getBigUint64(pa, true);
  }

  writeU64(pa: number, value: bigint): void {
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
    this.memory.bytes.fill(0, pa, pa + 4096);
    return pa;
  }

  free(frame: number): void {
    this.freed.push(frame);
  }

  /** Frames at or above this address are reserved (e.g. for boot tables and stacks). */
  limit = Infinity;

  get used(): number {
    return this.next - this.freed.length * 4096;
  }
}
