/**
 * A Linux process's address space: virtual memory areas (VMAs) with their protections, and
 * demand paging — pages get a frame on first touch, as the kernel's page-fault handler does.
 * So a 1 GiB mmap costs nothing until used, PROT_NONE really faults, and system calls copy to
 * and from user memory with the permissions the program asked for.
 */
import type { BareMachine } from '../machine/bare-machine.js';
import { Access, accessFault } from '../machine/paging.js';

export const PROT = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;
const PAGE = 4096;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  name: string;
  /** The stack: a fault just below it extends it (up to `limit` bytes in all). */
  growsDown?: { limit: number };
}

const pageDown = (a: number) => Math.floor(a / PAGE) * PAGE;
const pageUp = (a: number) => Math.ceil(a / PAGE) * PAGE;

export class AddressSpace {
  /** Sorted by start, non-overlapping. */
  readonly vmas: Vma[] = [];

  constructor(private readonly machine: BareMachine) {}

  find(addr: number): Vma | undefined {
    return this.vmas.find((v) => v.start <= addr && addr < v.end);
  }

  isFree(start: number, end: number): boolean {
    return !this.vmas.some((v) => v.start < end && start < v.end);
  }

  /** Adds a VMA over a free range (callers remove what was there first). */
  add(start: number, end: number, prot: number, name: string, growsDown?: { limit: number }): Vma {
    const vma: Vma = { start: pageDown(start), end: pageUp(end), prot, name, growsDown };
    this.vmas.push(vma);
    this.vmas.sort((a, b) => a.start - b.start);
    return vma;
  }

  /** Removes [start, end): splits VMAs, unmaps pages and frees their frames. */
  remove(start: number, end: number): void {
    start = pageDown(start);
    end = pageUp(end);
    const kept: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || end <= v.start) {
        kept.push(v);
        continue;
      }
      if (v.start < start) kept.push({ ...v, end: start });
      if (end < v.end) kept.push({ ...v, start: end, growsDown: undefined });
    }
    this.vmas.splice(0, this.vmas.length, ...kept.sort((a, b) => a.start - b.start));
    const tables = this.machine.tables;
    for (let page = start; page < end; page += PAGE) {
      const frame = tables.frameOf(page);
      if (frame === undefined) continue;
      tables.unmap(page);
      this.machine.frames.free(frame);
    }
    this.machine.cpu.flushTlb();
  }

  /** mprotect: false (ENOMEM) if part of the range is not mapped. */
  protect(start: number, end: number, prot: number): boolean {
    start = pageDown(start);
    end = pageUp(end);
    for (let a = start; a < end; a += PAGE) if (!this.find(a)) return false;
    const pieces: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || end <= v.start) {
        pieces.push(v);
        continue;
      }
      if (v.start < start) pieces.push({ ...v, end: start });
      pieces.push({ ...v, start: Math.max(v.start, start), end: Math.min(v.end, end), prot });
      if (end < v.end) pieces.push({ ...v, start: end, growsDown: undefined });
    }
    this.vmas.splice(0, this.vmas.length, ...pieces);
    const tables = this.machine.tables;
    for (let page = start; page < end; page += PAGE) {
      const frame = tables.frameOf(page);
      if (frame !== undefined) tables.map(page, frame, pageFlags(prot));
    }
    this.machine.cpu.flushTlb();
    return true;
  }

  /**
   * The page-fault handler: gives a frame to a not-yet-touched page of a VMA that allows the
   * access (and grows the stack). False means the access is invalid: SIGSEGV.
   */
  fault(addr: number, access: Access): boolean {
    let vma = this.find(addr);
    if (!vma) {
      const above = this.vmas.find((v) => v.growsDown && v.start > addr);
      if (!above?.growsDown || above.end - pageDown(addr) > above.growsDown.limit) return false;
      if (!this.isFree(pageDown(addr), above.start)) return false;
      above.start = pageDown(addr);
      vma = above;
    }
    if (!allows(vma.prot, access)) return false;
    const page = pageDown(addr);
    if (this.machine.tables.lookup(page) !== undefined) return false; // present: a protection fault
    const frame = this.machine.tables.frameOf(page) ?? this.machine.frames.allocate();
    this.machine.tables.map(page, frame, pageFlags(vma.prot));
    this.machine.cpu.flushPage(page);
    return true;
  }

  /**
   * What the kernel's copy_to_user/copy_from_user need: the number of bytes from `addr` (up to
   * `len`) that the program may access, faulting pages in on the way.
   */
  accessible(addr: number, len: number, write: boolean): number {
    const cpu = this.machine.cpu;
    const userCtx = { ...cpu.paging, cpl: 3 };
    let ok = 0;
    while (ok < len) {
      const a = addr + ok;
      const pa = cpu.mem.inspectTranslate(a, Access.Read);
      if (pa === undefined && !this.fault(a, write ? Access.Write : Access.Read)) break;
      const frame = this.machine.tables.lookup(pageDown(a));
      if (frame === undefined) break;
      const vma = this.find(a);
      if (!vma || !allows(vma.prot, write ? Access.Write : Access.Read)) break;
      if (accessFault(userCtx, { writable: (vma.prot & PROT.WRITE) !== 0, user: true, executable: true }, write ? Access.Write : Access.Read)) break;
      ok = Math.min(len, pageDown(a) + PAGE - addr);
    }
    return ok;
  }

  /** A free range of `length` bytes: the hint if it is free, else top-down below `top`. */
  findFree(length: number, hint: number, top: number): number | undefined {
    const size = pageUp(length);
    if (hint > 0 && hint % PAGE === 0 && this.isFree(hint, hint + size) && hint + size <= top) return hint;
    let candidate = top - size;
    for (const v of [...this.vmas].sort((a, b) => b.start - a.start)) {
      if (v.start >= candidate + size) continue;
      if (v.end <= candidate) break;
      candidate = v.start - size;
    }
    return candidate > 0x10000 ? candidate : undefined;
  }
}

export function allows(prot: number, access: Access): boolean {
  if (access === Access.Write) return (prot & PROT.WRITE) !== 0;
  if (access === Access.Execute) return (prot & PROT.EXEC) !== 0;
  return prot !== PROT.NONE; // x86: any accessible page is readable
}

export function pageFlags(prot: number): { write: boolean; user: boolean; exec: boolean; present: boolean } {
  return { write: (prot & PROT.WRITE) !== 0, user: true, exec: (prot & PROT.EXEC) !== 0, present: prot !== PROT.NONE };
}
