/**
 * explainTranslation: the page walk for one linear address under any CR3, level by level,
 * without touching guest state — what the debugger shows to explain "why does this address
 * fault here but not there" (e.g. the PTI user page tables lacking pcpu_hot).
 */
import { CR3_ADDRESS_MASK } from '../machine/control-registers.js';
import { PTE, PTE_HI_NX } from '../machine/paging.js';
import type { PhysicalMemory } from '../machine/physical-memory.js';

export interface TranslationStep {
  level: 'PML4' | 'PDPT' | 'PD' | 'PT';
  index: number;
  /** Physical address of the entry. */
  entryAddress: number;
  entry: bigint;
  /** Set flags by name: P RW US PWT PCD A D PS G NX. */
  flags: string[];
}

export interface TranslationExplanation {
  linear: bigint;
  cr3: bigint;
  steps: TranslationStep[];
  /** Physical address the linear address maps to, when the walk succeeds. */
  physical?: number;
  pageSize?: number;
  /** Combined over all levels (what a user/supervisor access may do). */
  access?: { user: boolean; writable: boolean; executable: boolean };
  /** Why the walk fails, in words. */
  failure?: string;
}

const LEVELS = ['PML4', 'PDPT', 'PD', 'PT'] as const;
const SHIFTS = [39, 30, 21, 12];
const FLAG_BITS: Array<[string, number]> = [
  ['P', PTE.P],
  ['RW', PTE.RW],
  ['US', PTE.US],
  ['PWT', PTE.PWT],
  ['PCD', PTE.PCD],
  ['A', PTE.A],
  ['D', PTE.D],
  ['PS', PTE.PS],
  ['G', PTE.G],
];

export function explainTranslation(phys: PhysicalMemory, linear: bigint, cr3: bigint, nxe = true): TranslationExplanation {
  const out: TranslationExplanation = { linear: BigInt.asUintN(64, linear), cr3, steps: [] };
  const signed = BigInt.asIntN(64, linear);
  if (signed >= 1n << 47n || signed < -(1n << 47n)) {
    out.failure = 'non-canonical address (bits 63:47 must all equal bit 47): #GP, not #PF';
    return out;
  }
  const u = Number(BigInt.asUintN(48, linear));
  let table = Number(cr3 & CR3_ADDRESS_MASK);
  let user = true;
  let writable = true;
  let executable = true;
  for (let level = 0; level < 4; level++) {
    const index = Math.floor(u / 2 ** SHIFTS[level]) & 511;
    const entryAddress = table + index * 8;
    if (!phys.contains(entryAddress, 8)) {
      out.failure = `${LEVELS[level]} entry address 0x${entryAddress.toString(16)} is outside RAM`;
      return out;
    }
    const entry = phys.readU64(entryAddress);
    const lo = Number(entry & 0xffffffffn);
    const hi = Number(entry >> 32n);
    const flags = FLAG_BITS.filter(([, bit]) => lo & bit).map(([name]) => name);
    if (hi & PTE_HI_NX) flags.push('NX');
    out.steps.push({ level: LEVELS[level], index, entryAddress, entry, flags });
    if (!(lo & PTE.P)) {
      out.failure = `${LEVELS[level]}[${index}] is not present: #PF (P = 0)`;
      return out;
    }
    if (hi & PTE_HI_NX && !nxe) {
      out.failure = `${LEVELS[level]}[${index}] sets NX while EFER.NXE = 0: #PF (reserved bit)`;
      return out;
    }
    user &&= (lo & PTE.US) !== 0;
    writable &&= (lo & PTE.RW) !== 0;
    executable &&= !(hi & PTE_HI_NX);
    const next = (hi & 0xfffff) * 2 ** 32 + ((lo & 0xfffff000) >>> 0);
    const leaf = level === 3 || (level > 0 && (lo & PTE.PS) !== 0);
    if (leaf) {
      const size = 2 ** SHIFTS[level];
      const base = next - (next % size);
      out.physical = base + (u % size);
      out.pageSize = size;
      out.access = { user, writable, executable };
      return out;
    }
    table = next;
  }
  return out;
}

/** Reads guest memory through any CR3 without side effects; stops at the first unmapped byte. */
export function readLinear(phys: PhysicalMemory, cr3: bigint, linear: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const t = explainTranslation(phys, linear + BigInt(done), cr3);
    if (t.physical === undefined) return out.slice(0, done);
    const chunk = Math.min(length - done, 4096 - (t.physical % 4096));
    out.set(phys.bytes.subarray(t.physical, t.physical + chunk), done);
    done += chunk;
  }
  return out;
}

/** Writes guest physical memory for a debugger (journal and decoded code see the change). */
export function writePhysical(phys: PhysicalMemory, address: number, data: Uint8Array): boolean {
  if (!phys.contains(address, data.length)) return false;
  for (let off = 0; off < data.length; ) {
    const chunk = Math.min(data.length - off, 4096 - ((address + off) % 4096));
    phys.touch(address + off, chunk);
    phys.code.invalidate(Math.floor((address + off) / 4096));
    off += chunk;
  }
  phys.bytes.set(data, address);
  return true;
}

/** One line per walk step and a verdict, for the debugger's `pagewalk()` and fault reports. */
export function formatTranslation(e: TranslationExplanation): string {
  const hex = (v: number | bigint) => '0x' + BigInt(v).toString(16);
  const lines = [`${hex(e.linear)} under CR3 ${hex(e.cr3)}:`];
  for (const s of e.steps) lines.push(`  ${s.level}[${s.index}] @${hex(s.entryAddress)} = ${hex(s.entry)} ${s.flags.join(' ')}`);
  if (e.physical !== undefined) {
    const a = e.access;
    const rights = a ? `${a.user ? 'user' : 'supervisor'}, ${a.writable ? 'writable' : 'read-only'}, ${a.executable ? 'executable' : 'no-execute'}` : '';
    lines.push(`  → physical ${hex(e.physical)} (${(e.pageSize ?? 4096) >> 10} KiB page${rights ? ', ' + rights : ''})`);
  } else lines.push(`  → not mapped: ${e.failure ?? 'walk failed'}`);
  return lines.join('\n');
}
