/**
 * A minimal user-mode machine for tests, fuzzing and tools: RAM, page tables, one CPU at CPL 3,
 * and helpers to map regions. The Linux personality builds on the same pieces.
 */
import { Cpu } from './cpu.js';
import { PageTableBuilder } from './paging.js';
import { FrameAllocator, PhysicalMemory } from './physical-memory.js';

export interface MapFlags {
  write: boolean;
  user: boolean;
  exec: boolean;
}

export class BareMachine {
  readonly phys: PhysicalMemory;
  readonly frames: FrameAllocator;
  readonly tables: PageTableBuilder;
  readonly cpu: Cpu;

  constructor(memoryBytes = 64 << 20) {
    this.phys = new PhysicalMemory(memoryBytes);
    // Frame 0 stays unused so that a null physical address is never a valid frame.
    this.frames = new FrameAllocator(this.phys, 4096);
    this.tables = new PageTableBuilder(this.phys, this.frames);
    this.cpu = new Cpu(this.phys, this.tables.pml4);
  }

  /** Maps [start, start+length) (page-rounded) to fresh zeroed frames; existing pages are kept. */
  map(start: number, length: number, flags: MapFlags): void {
    const first = Math.floor(start / 4096) * 4096;
    const end = Math.ceil((start + length) / 4096) * 4096;
    for (let page = first; page < end; page += 4096) {
      const existing = this.tables.lookup(page);
      this.tables.map(page, existing ?? this.frames.allocate(), flags);
    }
    this.cpu.flushTlb();
  }

  unmap(start: number, length: number): void {
    const first = Math.floor(start / 4096) * 4096;
    const end = Math.ceil((start + length) / 4096) * 4096;
    for (let page = first; page < end; page += 4096) this.tables.unmap(page);
    this.cpu.flushTlb();
  }

  /** Copies bytes into mapped guest memory, ignoring protections (loader path). */
  load(linear: number, data: Uint8Array): void {
    if (!this.cpu.mem.poke(linear, data)) {
      throw new Error(`cannot load ${data.length} bytes at 0x${linear.toString(16)}: not mapped`);
    }
  }
}

/**
 * Code at 0x400000 (read/execute) and a 64 KiB stack below 0x7fff0000 and a 64 KiB data
 * area at 0x600000 (read/write); RSP points at the stack top, RIP at the code.
 */
export const TEST_CODE = 0x400000;
export const TEST_DATA = 0x600000;
export const TEST_STACK_TOP = 0x7fff0000;

export function machineWithCode(code: Uint8Array): BareMachine {
  const m = new BareMachine();
  m.map(TEST_CODE, Math.max(code.length, 1) + 16, { write: false, user: true, exec: true });
  m.load(TEST_CODE, code);
  m.map(TEST_DATA, 0x10000, { write: true, user: true, exec: false });
  m.map(TEST_STACK_TOP - 0x10000, 0x10000, { write: true, user: true, exec: false });
  m.cpu.rip = TEST_CODE;
  m.cpu.setRegNumber(4, TEST_STACK_TOP);
  return m;
}
