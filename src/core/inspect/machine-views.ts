/**
 * The debugger's register and system-state views as trees of named values, decoded the way a
 * kernel engineer reads them: RFLAGS and CR bits by name, CR3 split into PGD/PCID/PTI half,
 * STAR into its selectors, the 64-bit TSS at TR, the stack with each slot annotated. Each
 * node carries the expression that reads it (`evaluateName`) so Watch and setVariable work.
 * Reads have no side effects.
 */
import { CR0_NAMES, CR3_ADDRESS_MASK, CR3_PCID_MASK, CR4_NAMES, EFER_NAMES } from '../machine/control-registers.js';
import { Cpu, GPR_NAMES, SEG_NAMES } from '../machine/cpu.js';
import { RFLAGS_NAMES } from '../machine/rflags.js';
import type { SegmentCache } from '../machine/segments.js';

export interface ViewNode {
  name: string;
  value: string;
  /** Expression that reads (and, where it makes sense, writes) this value. */
  evaluateName?: string;
  children?: ViewNode[];
  /** Address the value points to or lives at (Memory view). */
  memoryReference?: number;
  readOnly?: boolean;
}

/** Names an address: `symbol+0x10`, `user stack`, `per-CPU area of CPU 1 (pcpu_hot+0x8)`... */
export type DescribeAddress = (address: number) => string | undefined;

export const hex64 = (v: bigint | number): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
const hex = (v: number | bigint, width = 0): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(width, '0');

function annotated(v: number | bigint, describe: DescribeAddress): string {
  const n = Number(BigInt.asIntN(64, BigInt(v)));
  const note = Math.abs(n) >= 0x1000 ? describe(n) : undefined;
  return note ? `${hex64(v)} <${note}>` : hex64(v);
}

function bits(value: number | bigint, names: ReadonlyArray<readonly [string, number]>, prefix: string): ViewNode[] {
  const v = BigInt(value);
  return names.map(([name, bit]) => {
    const b = BigInt(bit >>> 0);
    const on = (v & b) !== 0n;
    // IOPL is a two-bit field.
    if (b === 0x3000n) return { name, value: String(Number((v >> 12n) & 3n)), readOnly: true };
    return { name, value: on ? '1' : '0', evaluateName: `(${prefix} >> ${log2(b)}) & 1`, readOnly: true };
  });
}

const log2 = (b: bigint): number => b.toString(2).length - 1;

function setNames(value: number | bigint, names: ReadonlyArray<readonly [string, number]>): string {
  const v = BigInt(value);
  return names.filter(([n, b]) => n !== 'IOPL' && (v & BigInt(b >>> 0)) !== 0n).map(([n]) => n).join(' ');
}

export function registersView(cpu: Cpu, describe: DescribeAddress): ViewNode[] {
  const out: ViewNode[] = GPR_NAMES.map((name, slot) => ({
    name,
    value: annotated(cpu.getReg(slot), describe),
    evaluateName: `$${name}`,
    memoryReference: Number(BigInt.asIntN(64, cpu.getReg(slot))),
  }));
  out.push({ name: 'rip', value: annotated(cpu.rip, describe), evaluateName: '$rip', memoryReference: cpu.rip });
  const f = cpu.rflags;
  out.push({ name: 'rflags', value: `${hex(f, 8)} [${setNames(f, RFLAGS_NAMES)}] IOPL=${(f >> 12) & 3}`, evaluateName: '$rflags', children: bits(f, RFLAGS_NAMES, '$rflags') });
  return out;
}

function describeSegment(d: SegmentCache): string {
  const table = d.selector & 4 ? 'LDT' : 'GDT';
  const parts = [`index ${d.selector >> 3} ${table} RPL ${d.selector & 3}`];
  if (d.selector >> 2 === 0 && !d.present) return `${hex(d.selector, 4)} (null)`;
  parts.push(d.s ? (d.type & 8 ? (d.long ? 'code 64-bit' : 'code') : 'data') : `system type ${d.type}`);
  parts.push(`DPL ${d.dpl}`, `base ${hex(d.base)}`, `limit ${hex(d.limit)}`);
  if (!d.present) parts.push('not present');
  return `${hex(d.selector, 4)} (${parts.join(', ')})`;
}

export function segmentsView(cpu: Cpu): ViewNode[] {
  const out: ViewNode[] = SEG_NAMES.map((name, i) => ({ name, value: describeSegment(cpu.segs[i]), evaluateName: `$${name}`, readOnly: true }));
  out.push({ name: 'gdtr', value: `base ${hex64(cpu.gdtr.base)} limit ${hex(cpu.gdtr.limit, 4)}`, readOnly: true, memoryReference: cpu.gdtr.base });
  out.push({ name: 'idtr', value: `base ${hex64(cpu.idtr.base)} limit ${hex(cpu.idtr.limit, 4)}`, readOnly: true, memoryReference: cpu.idtr.base });
  out.push({ name: 'tr', value: describeSegment(cpu.tr), readOnly: true, memoryReference: cpu.tr.base });
  out.push({ name: 'ldtr', value: describeSegment(cpu.ldtr), readOnly: true });
  return out;
}

/** CR3 split the way PTI reads it: PGD frame, PCID, and bit 12 choosing the user half. */
export function cr3View(cr3: bigint, pcide: boolean): ViewNode[] {
  return [
    { name: 'pgd', value: hex64(cr3 & CR3_ADDRESS_MASK), evaluateName: '$cr3 & 0xfffffffff000', readOnly: true },
    { name: 'pcid', value: pcide ? `${hex(cr3 & CR3_PCID_MASK, 3)}${cr3 & 0x800n ? ' (user PCID: kernel PCID | 0x800)' : ''}` : 'PCID off (CR4.PCIDE = 0)', evaluateName: '$cr3 & 0xfff', readOnly: true },
    { name: 'user half', value: cr3 & 0x1000n ? '1 (user page tables: PTI)' : '0 (kernel page tables)', evaluateName: '($cr3 >> 12) & 1', readOnly: true },
    { name: 'noflush', value: 'bit 63 is an operand of MOV to CR3, never stored (reads as 0)', readOnly: true },
  ];
}

export function controlView(cpu: Cpu, describe: DescribeAddress): ViewNode[] {
  const pcide = (cpu.cr4 & (1 << 17)) !== 0;
  return [
    { name: 'cr0', value: `${hex(cpu.cr0 >>> 0, 8)} [${setNames(cpu.cr0 >>> 0, CR0_NAMES)}]`, evaluateName: '$cr0', children: bits(cpu.cr0 >>> 0, CR0_NAMES, '$cr0'), readOnly: true },
    { name: 'cr2', value: annotated(cpu.cr2, describe), evaluateName: '$cr2', readOnly: true },
    { name: 'cr3', value: `${hex64(cpu.cr3)}`, evaluateName: '$cr3', children: cr3View(cpu.cr3, pcide), readOnly: true },
    { name: 'cr4', value: `${hex(cpu.cr4, 8)} [${setNames(cpu.cr4, CR4_NAMES)}]`, evaluateName: '$cr4', children: bits(cpu.cr4, CR4_NAMES, '$cr4'), readOnly: true },
    { name: 'cr8', value: hex(cpu.cr8), evaluateName: '$cr8', readOnly: true },
    { name: 'cpl', value: String(cpu.cpl), readOnly: true },
  ];
}

export function msrView(cpu: Cpu, describe: DescribeAddress): ViewNode[] {
  const star = cpu.star;
  const syscallCs = Number((star >> 32n) & 0xffffn);
  const sysretBase = Number((star >> 48n) & 0xffffn);
  const sfmask = cpu.sfmask >>> 0;
  return [
    { name: 'EFER', value: `${hex(cpu.efer, 4)} [${setNames(cpu.efer, EFER_NAMES)}]`, evaluateName: '$efer', children: bits(cpu.efer, EFER_NAMES, '$efer'), readOnly: true },
    {
      name: 'STAR',
      value: hex64(star),
      evaluateName: '$star',
      readOnly: true,
      children: [
        { name: 'syscall CS/SS', value: `${hex(syscallCs, 4)} / ${hex(syscallCs + 8, 4)}`, readOnly: true },
        { name: 'sysretq CS/SS', value: `${hex((sysretBase + 16) | 3, 4)} / ${hex((sysretBase + 8) | 3, 4)}`, readOnly: true },
      ],
    },
    { name: 'LSTAR', value: annotated(cpu.lstar, describe), evaluateName: '$lstar', readOnly: true },
    { name: 'CSTAR', value: annotated(cpu.cstar, describe), evaluateName: '$cstar', readOnly: true },
    { name: 'SFMASK', value: `${hex(sfmask, 8)} [clears ${setNames(sfmask, RFLAGS_NAMES)}]`, evaluateName: '$sfmask', readOnly: true },
    { name: 'FS_BASE', value: annotated(cpu.fsBase, describe), evaluateName: '$fs_base', readOnly: true },
    { name: 'GS_BASE', value: annotated(cpu.gsBase, describe), evaluateName: '$gs_base', readOnly: true },
    { name: 'KERNEL_GS_BASE', value: annotated(cpu.kernelGsBase, describe), evaluateName: '$kernel_gs_base', readOnly: true },
    { name: 'TSC_AUX', value: hex(cpu.tscAux), readOnly: true },
    { name: 'APIC_BASE', value: hex64(cpu.apicBase), readOnly: true },
  ];
}

/** 64-bit TSS field offsets (SDM vol. 3, figure 8-11); Linux names RSPn `sp0..sp2`. */
export const TSS64_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ['sp0', 4],
  ['sp1', 12],
  ['sp2', 20],
  ...[1, 2, 3, 4, 5, 6, 7].map((i) => [`ist[${i}]`, 36 + 8 * (i - 1)] as const),
];

/** The TSS that TR points at, read through the current page tables. */
export function tssView(cpu: Cpu, describe: DescribeAddress): ViewNode[] {
  const base = cpu.tr.base;
  if (cpu.tr.selector === 0 && base === 0) return [{ name: 'TR', value: 'no TSS loaded (ltr not executed yet)', readOnly: true }];
  const out: ViewNode[] = [{ name: 'TR', value: `${hex(cpu.tr.selector, 4)} → TSS at ${annotated(base, describe)}`, readOnly: true, memoryReference: base }];
  for (const [name, off] of TSS64_FIELDS) {
    const bytes = cpu.mem.peek(base + off, 8);
    const addr = base + off;
    if (bytes.length < 8) {
      out.push({ name, value: `(not mapped at ${hex64(addr)} under the current CR3)`, readOnly: true });
      continue;
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
    out.push({ name, value: annotated(v, describe), evaluateName: `*(u64 *)${hex(addr)}`, memoryReference: addr });
  }
  const io = cpu.mem.peek(base + 102, 2);
  if (io.length === 2) out.push({ name: 'io_bitmap_base', value: hex(io[0] | (io[1] << 8), 4), readOnly: true });
  return out;
}

/** Quadwords from RSP upwards (`count` of them), each annotated. */
export function stackView(cpu: Cpu, describe: DescribeAddress, count = 24): ViewNode[] {
  const rsp = cpu.regNumber(4);
  const out: ViewNode[] = [];
  for (let i = 0; i < count; i++) {
    const addr = rsp + 8 * i;
    const bytes = cpu.mem.peek(addr, 8);
    if (bytes.length < 8) {
      out.push({ name: `[rsp+${hex(8 * i)}]`, value: `(not mapped: ${hex64(addr)})`, readOnly: true });
      break;
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
    out.push({ name: i === 0 ? '[rsp]' : `[rsp+${hex(8 * i)}]`, value: annotated(v, describe), evaluateName: `*(u64 *)(${hex(addr)})`, memoryReference: addr });
  }
  return out;
}
