/**
 * SHF_MERGE sections (.rodata.str1.1, .rodata.cst8, ...): identical entries are kept once,
 * and with SHF_STRINGS a string that is the tail of another one points into it, as BFD's
 * merge.c does. Sections of one class (same output section, flags, entry size, alignment)
 * share a table; each entry stays in the input section where it first appeared, so the output
 * order matches ld's. Symbols and fixups into merged sections are remapped through `map`.
 */
import type { AsmSection } from '../object.js';
import { SHF_MERGE, SHF_STRINGS, SHT_PROGBITS, type InputSection } from './inputs.js';

export interface MergedSection {
  /** Contents after merging (the entries this section owns). */
  bytes: Uint8Array;
  /** Where an offset of the original section ended up. */
  map(offset: bigint): { input: InputSection; offset: bigint };
}

interface Entry {
  key: string;
  bytes: Uint8Array;
  owner: InputSection;
  alignment: number;
  /** Offset in the owner's merged contents (for kept entries). */
  offset: number;
  /** Set when this string lives at the tail of a longer one. */
  suffixOf?: Entry;
}

/** The entry size of a merge section: the object's own, or what the conventional name says. */
export function entrySize(sec: AsmSection): number | undefined {
  const own = (sec as AsmSection & { entsize?: number }).entsize;
  if (own !== undefined && own > 0) return own;
  const str = /\.str(\d+)\.\d+$/.exec(sec.name);
  if (str) return Number(str[1]);
  const cst = /\.cst(\d+)$/.exec(sec.name);
  if (cst) return Number(cst[1]);
  return (sec.flags & SHF_STRINGS) !== 0 ? 1 : undefined;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/** Splits a merge section into entries; undefined when it cannot be merged (ld leaves such sections alone). */
function split(sec: AsmSection, entsize: number): { start: number; bytes: Uint8Array }[] | undefined {
  const bytes = sec.bytes.subarray(0, sec.size);
  if (bytes.length !== sec.size || sec.size % entsize !== 0) return undefined;
  const out: { start: number; bytes: Uint8Array }[] = [];
  if ((sec.flags & SHF_STRINGS) === 0) {
    for (let i = 0; i < bytes.length; i += entsize) out.push({ start: i, bytes: bytes.subarray(i, i + entsize) });
    return out;
  }
  let start = 0;
  for (let i = 0; i < bytes.length; i += entsize) {
    let zero = true;
    for (let k = 0; k < entsize; k++) if (bytes[i + k] !== 0) zero = false;
    if (zero) {
      out.push({ start, bytes: bytes.subarray(start, i + entsize) });
      start = i + entsize;
    }
  }
  return start === bytes.length ? out : undefined;
}

/** Compares strings from their last character backwards (BFD's strrevcmp, terminators excluded). */
function revCompare(a: Entry, b: Entry, entsize: number): number {
  const la = a.bytes.length - entsize;
  const lb = b.bytes.length - entsize;
  let i = la - 1;
  let k = lb - 1;
  for (let n = Math.min(la, lb); n > 0; n--, i--, k--) {
    if (a.bytes[i] !== b.bytes[k]) return a.bytes[i] - b.bytes[k];
  }
  return la - lb;
}

function isSuffix(long: Entry, short: Entry): boolean {
  const d = long.bytes.length - short.bytes.length;
  if (d < 0) return false;
  for (let i = 0; i < short.bytes.length; i++) if (long.bytes[d + i] !== short.bytes[i]) return false;
  return true;
}

/** Merges the SHF_MERGE inputs of one output section (in their output order). */
export function mergeSections(inputs: InputSection[]): void {
  const classes = new Map<string, InputSection[]>();
  const splits = new Map<InputSection, { start: number; bytes: Uint8Array }[]>();
  for (const s of inputs) {
    const sec = s.sec;
    if ((sec.flags & SHF_MERGE) === 0 || sec.type !== SHT_PROGBITS || sec.fixups.length > 0 || s.discarded) continue;
    const entsize = entrySize(sec);
    if (!entsize) continue;
    const parts = split(sec, entsize);
    if (!parts) continue;
    splits.set(s, parts);
    const key = `${sec.flags & (SHF_MERGE | SHF_STRINGS)}:${entsize}:${s.align}`;
    const list = classes.get(key) ?? [];
    list.push(s);
    classes.set(key, list);
  }
  for (const [key, members] of classes) {
    const entsize = Number(key.split(':')[1]);
    const strings = (members[0].sec.flags & SHF_STRINGS) !== 0;
    const maxAlign = Number(members[0].align);
    const table = new Map<string, Entry>();
    const order: Entry[] = [];
    const perInput = new Map<InputSection, { starts: number[]; entries: Entry[] }>();
    for (const s of members) {
      const starts: number[] = [];
      const entries: Entry[] = [];
      for (const part of splits.get(s)!) {
        // Alignment of the entry: that of its offset, up to the section's.
        let alignment = part.start === 0 ? maxAlign : part.start & -part.start;
        if (alignment > maxAlign) alignment = maxAlign;
        const k = latin1(part.bytes);
        let e = table.get(k);
        if (!e) {
          e = { key: k, bytes: part.bytes, owner: s, alignment, offset: 0 };
          table.set(k, e);
          order.push(e);
        } else if (e.alignment < alignment) e.alignment = alignment;
        starts.push(part.start);
        entries.push(e);
      }
      perInput.set(s, { starts, entries });
    }
    if (strings && order.length > 1) {
      const sorted = [...order].sort((a, b) => revCompare(a, b, entsize));
      let e = sorted[sorted.length - 1];
      for (let i = sorted.length - 2; i >= 0; i--) {
        const cmp = sorted[i];
        if (e.alignment >= cmp.alignment && (e.bytes.length - cmp.bytes.length) % cmp.alignment === 0 && isSuffix(e, cmp)) cmp.suffixOf = e;
        else e = cmp;
      }
    }
    // Lay out the kept entries in each owner, in first-appearance order.
    const sizes = new Map<InputSection, number>();
    for (const e of order) {
      if (e.suffixOf) continue;
      let size = sizes.get(e.owner) ?? 0;
      size = Math.ceil(size / e.alignment) * e.alignment;
      e.offset = size;
      sizes.set(e.owner, size + e.bytes.length);
    }
    for (const s of members) {
      const size = sizes.get(s) ?? 0;
      const bytes = new Uint8Array(size);
      for (const e of order) if (!e.suffixOf && e.owner === s) bytes.set(e.bytes, e.offset);
      const { starts, entries } = perInput.get(s)!;
      const originalSize = BigInt(s.sec.size);
      s.merged = {
        bytes,
        map(offset: bigint) {
          if (offset >= originalSize || offset < 0n) return { input: s, offset: offset - originalSize + BigInt(size) };
          const o = Number(offset);
          let lo = 0;
          let hi = starts.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= o) lo = mid;
            else hi = mid - 1;
          }
          const e = entries[lo];
          const within = o - starts[lo];
          if (e.suffixOf) {
            const p = e.suffixOf;
            return { input: p.owner, offset: BigInt(p.offset + (p.bytes.length - e.bytes.length) + within) };
          }
          return { input: e.owner, offset: BigInt(e.offset + within) };
        },
      };
      s.size = BigInt(size);
    }
  }
}
