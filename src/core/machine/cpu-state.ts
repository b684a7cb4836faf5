/**
 * A CPU's complete architectural state as a value, for the journal (reverse execution) and
 * debugger snapshots: registers, flags (with the lazy record), segment caches, system
 * registers and MSRs, descriptor-table registers, and the architectural TLB (stale entries
 * are state too). Decoded-instruction caches are derived data and are rebuilt instead.
 */
import type { Cpu } from './cpu.js';
import type { SegmentCache, TableRegister } from './segments.js';
import type { TlbEntry } from './tlb.js';

/** Plain fields copied as they are. */
const SCALARS = [
  'rip', 'flags', 'lfOp', 'lfA', 'lfB', 'lfR', 'lfAh', 'lfBh', 'lfRh', 'lfMsb',
  'fsBase', 'gsBase', 'kernelGsBase', 'cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer',
  'star', 'lstar', 'cstar', 'sfmask', 'tscAux', 'apicBase', 'halted', 'tscOffset', 'retired',
] as const;

type Scalars = { [K in (typeof SCALARS)[number]]: Cpu[K] };

export interface CpuState extends Scalars {
  r: Int32Array;
  sel: Uint16Array;
  segs: SegmentCache[];
  dr: bigint[];
  msrStore: Map<number, bigint>;
  gdtr: TableRegister;
  idtr: TableRegister;
  ldtr: SegmentCache;
  tr: SegmentCache;
  cpl: number;
  pendingException: Cpu['pendingException'];
  tlb: { entries: Map<number, TlbEntry>; globals: Map<number, TlbEntry> };
}

export function saveCpuState(cpu: Cpu): CpuState {
  const scalars = {} as Record<string, unknown>;
  for (const k of SCALARS) scalars[k] = cpu[k];
  return {
    ...(scalars as Scalars),
    r: cpu.r.slice(),
    sel: cpu.sel.slice(),
    segs: cpu.segs.map((s) => ({ ...s })),
    dr: cpu.dr.slice(),
    msrStore: new Map(cpu.msrStore),
    gdtr: { ...cpu.gdtr },
    idtr: { ...cpu.idtr },
    ldtr: { ...cpu.ldtr },
    tr: { ...cpu.tr },
    cpl: cpu.cpl,
    pendingException: cpu.pendingException,
    tlb: cpu.mem.tlb.snapshot(),
  };
}

export function restoreCpuState(cpu: Cpu, s: CpuState): void {
  const target = cpu as unknown as Record<string, unknown>;
  for (const k of SCALARS) target[k] = s[k];
  cpu.r.set(s.r);
  cpu.sel.set(s.sel);
  s.segs.forEach((seg, i) => (cpu.segs[i] = { ...seg }));
  s.dr.forEach((v, i) => (cpu.dr[i] = v));
  cpu.msrStore.clear();
  for (const [k, v] of s.msrStore) cpu.msrStore.set(k, v);
  cpu.gdtr = { ...s.gdtr };
  cpu.idtr = { ...s.idtr };
  cpu.ldtr = { ...s.ldtr };
  cpu.tr = { ...s.tr };
  cpu.pendingException = s.pendingException;
  cpu.stop = null;
  cpu.mem.tlb.restore(s.tlb);
  cpu.setCpl(s.cpl);
  cpu.syncPaging();
  cpu.invalidateAllCode();
}

/** True when two saved states are identical (tests compare states with it). */
export function sameCpuState(a: CpuState, b: CpuState): boolean {
  const norm = (s: CpuState) => JSON.stringify({ ...s, tlb: undefined, pendingException: undefined }, (_k, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v,
  );
  return norm(a) === norm(b);
}
