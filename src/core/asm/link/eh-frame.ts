/**
 * .eh_frame as GNU ld edits it (elf-eh-frame.c) for a static link: identical CIEs of all
 * input files are kept once (FDEs are re-pointed), FDEs of discarded code or with empty address
 * ranges are dropped, unused CIEs go with them, and
 * the last record's DW_CFA_nop padding is trimmed to 4-byte alignment. When an input cannot
 * be parsed it is left as it is (ld would do the same and warn).
 */
import type { Fixup } from '../object.js';
import type { InputSection } from './inputs.js';

/** A CIE as placed in the output: the input section holding it and its offset there. */
export interface CieRef {
  input: InputSection;
  offset: number;
}

export interface RewrittenEhFrame {
  bytes: Uint8Array;
  fixups: Fixup[];
  /** FDE CIE-pointer fields to fill once input sections have their output offsets. */
  ciePointers: { at: number; cie: CieRef }[];
  /** Old offset → new offset (records removed map to the next kept one). */
  map(offset: number): number;
}

interface Rec {
  input: InputSection;
  start: number;
  size: number;
  cie: boolean;
  /** For FDEs: start of the CIE record in the same input. */
  cieStart?: number;
  fixups: Fixup[];
  /** Offset (from `start`) where CFA instructions begin, when known. */
  instrStart?: number;
  keep: boolean;
  /** Size after trimming. */
  newSize: number;
  newStart: number;
  /** For kept CIEs that duplicate an earlier one. */
  dupOf?: Rec;
}

class Bad extends Error {}

function uleb(b: Uint8Array, p: { pos: number }, end: number): bigint {
  let r = 0n;
  let shift = 0n;
  for (;;) {
    if (p.pos >= end) throw new Bad();
    const x = b[p.pos++];
    r |= BigInt(x & 0x7f) << shift;
    shift += 7n;
    if ((x & 0x80) === 0) return r;
    if (shift > 63n) throw new Bad();
  }
}

function encodedSize(enc: number): number {
  if (enc === 0xff) return 0;
  switch (enc & 0x0f) {
    case 0x00:
      return 8;
    case 0x02:
    case 0x0a:
      return 2;
    case 0x03:
    case 0x0b:
      return 4;
    case 0x04:
    case 0x0c:
      return 8;
  }
  throw new Bad();
}

interface CieInfo {
  augmentation: string;
  fdeEncoding: number;
  instrStart: number;
}

function parseCie(b: Uint8Array, start: number, end: number): CieInfo {
  const p = { pos: start + 8 };
  const version = b[p.pos++];
  if (version !== 1 && version !== 3) throw new Bad();
  let aug = '';
  while (p.pos < end && b[p.pos] !== 0) aug += String.fromCharCode(b[p.pos++]);
  p.pos++;
  uleb(b, p, end); // code alignment
  uleb(b, p, end); // data alignment (sleb; the bytes are the same length)
  if (version === 1) p.pos++;
  else uleb(b, p, end);
  let fdeEncoding = 0;
  if (aug.startsWith('z')) {
    const len = Number(uleb(b, p, end));
    const dataEnd = p.pos + len;
    for (const c of aug.slice(1)) {
      if (c === 'R') fdeEncoding = b[p.pos++];
      else if (c === 'P') {
        const enc = b[p.pos++];
        p.pos += encodedSize(enc & 0x7f);
      } else if (c === 'L') p.pos++;
      else if (c !== 'S' && c !== 'B') throw new Bad();
    }
    p.pos = dataEnd;
  } else if (aug !== '') throw new Bad();
  if (p.pos > end) throw new Bad();
  return { augmentation: aug, fdeEncoding, instrStart: p.pos - start };
}

/** End (absolute offset) of the last CFA instruction that is not DW_CFA_nop. */
function lastInstructionEnd(b: Uint8Array, from: number, end: number, addrSize: number): number {
  const p = { pos: from };
  let last = from;
  while (p.pos < end) {
    const op = b[p.pos++];
    const hi = op & 0xc0;
    if (hi === 0x40 || hi === 0xc0) {
      last = p.pos;
      continue;
    }
    if (hi === 0x80) {
      uleb(b, p, end);
      last = p.pos;
      continue;
    }
    switch (op) {
      case 0x00:
        continue;
      case 0x01:
        p.pos += addrSize;
        break;
      case 0x02:
        p.pos += 1;
        break;
      case 0x03:
        p.pos += 2;
        break;
      case 0x04:
        p.pos += 4;
        break;
      case 0x0a:
      case 0x0b:
        break;
      case 0x06:
      case 0x07:
      case 0x08:
      case 0x0d:
      case 0x0e:
      case 0x13:
      case 0x2e:
        uleb(b, p, end);
        break;
      case 0x05:
      case 0x09:
      case 0x0c:
      case 0x11:
      case 0x12:
      case 0x14:
      case 0x15:
      case 0x2f:
        uleb(b, p, end);
        uleb(b, p, end);
        break;
      case 0x0f: {
        const n = Number(uleb(b, p, end));
        p.pos += n;
        break;
      }
      case 0x10:
      case 0x16: {
        uleb(b, p, end);
        const n = Number(uleb(b, p, end));
        p.pos += n;
        break;
      }
      default:
        throw new Bad();
    }
    if (p.pos > end) throw new Bad();
    last = p.pos;
  }
  return last;
}

function key(b: Uint8Array, r: Rec): string {
  let s = '';
  for (let i = r.start + 4; i < r.start + r.size; i++) s += String.fromCharCode(b[i]);
  for (const f of r.fixups) s += `|${f.offset - r.start}:${f.kind}:${f.size}:${f.symbol}:${f.addend}`;
  return s;
}

/**
 * Rewrites the .eh_frame inputs of one output section (in output order). `discardedTarget`
 * tells whether a fixup's symbol lies in a discarded section (its FDE is then dropped).
 */
export function optimizeEhFrame(inputs: InputSection[], discardedTarget: (input: InputSection, f: Fixup) => boolean): Map<InputSection, RewrittenEhFrame> | undefined {
  const all: Rec[][] = [];
  try {
    for (const input of inputs) {
      const b = input.sec.bytes;
      const size = Number(input.size);
      if (b.length < size) throw new Bad();
      const recs: Rec[] = [];
      const cies = new Map<number, CieInfo>();
      let pos = 0;
      while (pos < size) {
        if (pos + 4 > size) throw new Bad();
        const len = b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24);
        if (len === 0) {
          // A terminator: ld drops it unless it ends the output (static links have none).
          recs.push({ input, start: pos, size: 4, cie: false, fixups: [], keep: false, newSize: 0, newStart: 0 });
          pos += 4;
          continue;
        }
        if (len < 0 || len === -1 || pos + 4 + len > size || len < 4) throw new Bad();
        const start = pos;
        const end = pos + 4 + len;
        const id = (b[pos + 4] | (b[pos + 5] << 8) | (b[pos + 6] << 16) | (b[pos + 7] << 24)) >>> 0;
        const fixups = input.sec.fixups.filter((f) => f.offset >= start && f.offset < end);
        if (id === 0) {
          const info = parseCie(b, start, end);
          cies.set(start, info);
          recs.push({ input, start, size: end - start, cie: true, fixups, instrStart: info.instrStart, keep: true, newSize: end - start, newStart: 0 });
        } else {
          const cieStart = start + 4 - id;
          const info = cies.get(cieStart);
          if (!info) throw new Bad();
          const p = { pos: start + 8 };
          const ptr = encodedSize(info.fdeEncoding & 0x7f);
          p.pos += 2 * ptr;
          if (info.augmentation.startsWith('z')) {
            const n = Number(uleb(b, p, end));
            p.pos += n;
          }
          if (p.pos > end) throw new Bad();
          const pcBegin = fixups.find((f) => f.offset === start + 8);
          // FDEs of discarded code and of empty address ranges are dropped, as ld does.
          let range = 0n;
          for (let i = ptr - 1; i >= 0; i--) range = (range << 8n) | BigInt(b[start + 8 + ptr + i]);
          const keep = !(pcBegin && discardedTarget(input, pcBegin)) && range !== 0n;
          recs.push({ input, start, size: end - start, cie: false, cieStart, fixups, instrStart: p.pos - start, keep, newSize: end - start, newStart: 0 });
        }
        pos = end;
      }
      all.push(recs);
    }
  } catch (err) {
    if (err instanceof Bad) return undefined;
    throw err;
  }

  // Keep each distinct CIE once (the first), drop unused ones.
  const seen = new Map<string, Rec>();
  for (const recs of all) {
    for (const r of recs) {
      if (!r.cie) continue;
      const k = key(r.input.sec.bytes, r);
      const first = seen.get(k);
      if (first) {
        r.dupOf = first;
        r.keep = false;
      } else seen.set(k, r);
    }
  }
  // CIEs no kept FDE uses go too.
  const used = new Set<Rec>();
  for (const recs of all) {
    for (const r of recs) {
      if (r.cie || !r.keep) continue;
      const c = recs.find((x) => x.start === r.cieStart)!;
      used.add(c.dupOf ?? c);
    }
  }
  for (const recs of all) for (const r of recs) if (r.cie && r.keep && !used.has(r)) r.keep = false;
  // Trim the padding of the last kept record.
  const flat = all.flat().filter((r) => r.keep);
  const last = flat[flat.length - 1];
  if (last && last.instrStart !== undefined) {
    try {
      const b = last.input.sec.bytes;
      const endInstr = lastInstructionEnd(b, last.start + last.instrStart, last.start + last.size, 8);
      const content = Math.ceil((endInstr - (last.start + 4)) / 4) * 4;
      last.newSize = Math.min(last.size, 4 + content);
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
    }
  }

  const out = new Map<InputSection, RewrittenEhFrame>();
  const cieOf = (r: Rec, recs: Rec[]): Rec => {
    const c = recs.find((x) => x.start === r.cieStart)!;
    return c.dupOf ?? c;
  };
  for (const recs of all) {
    const input = recs[0]?.input ?? undefined;
    if (!input) continue;
    let size = 0;
    for (const r of recs) {
      if (!r.keep) continue;
      r.newStart = size;
      size += r.newSize;
    }
  }
  for (let k = 0; k < all.length; k++) {
    const recs = all[k];
    const input = inputs[k];
    const src = input.sec.bytes;
    const size = recs.reduce((n, r) => n + (r.keep ? r.newSize : 0), 0);
    const bytes = new Uint8Array(size);
    const fixups: Fixup[] = [];
    const ciePointers: { at: number; cie: CieRef }[] = [];
    for (const r of recs) {
      if (!r.keep) continue;
      bytes.set(src.subarray(r.start, r.start + r.newSize), r.newStart);
      const len = r.newSize - 4;
      bytes[r.newStart] = len & 0xff;
      bytes[r.newStart + 1] = (len >>> 8) & 0xff;
      bytes[r.newStart + 2] = (len >>> 16) & 0xff;
      bytes[r.newStart + 3] = (len >>> 24) & 0xff;
      for (const f of r.fixups) if (f.offset < r.start + r.newSize) fixups.push({ ...f, offset: f.offset - r.start + r.newStart });
      if (!r.cie) {
        const c = cieOf(r, recs);
        ciePointers.push({ at: r.newStart + 4, cie: { input: c.input, offset: c.newStart } });
      }
    }
    const starts = recs.map((r) => r.start);
    out.set(input, {
      bytes,
      fixups,
      ciePointers,
      map(offset: number): number {
        for (let i = 0; i < recs.length; i++) {
          const r = recs[i];
          if (offset >= r.start && offset < r.start + r.size) {
            if (r.keep) return r.newStart + Math.min(offset - r.start, r.newSize);
            const next = recs.slice(i + 1).find((x) => x.keep);
            return next ? next.newStart : size;
          }
        }
        return offset >= (starts.length ? recs[recs.length - 1].start + recs[recs.length - 1].size : 0) ? size : 0;
      },
    });
  }
  return out;
}
