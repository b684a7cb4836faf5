/**
 * The debugger's line map, stored in the executable as the non-allocated section
 * `.x64emu.linemap`: every emitted instruction and data item with its source location and the
 * macro / loop / include chain that produced it (DWARF line tables cannot hold the chains).
 *
 * Format (all integers ULEB128 unless noted):
 *   magic "X64LMAP" + version byte (1)
 *   string count, then each string as byte length + UTF-8 bytes
 *   record count, then per record (ascending addresses):
 *     address delta from the previous record (the first from 0), length,
 *     flags byte (bit 0: instruction), location, chain length, frames
 *   location: flags byte (bit 0: has end column), file string index, line, column[, end column]
 *   frame: kind byte (index in FRAME_KINDS), name string index, location
 */
import type { ExpansionFrame, SourceLocation } from '../types.js';
import { ByteReader, ByteWriter, utf8 } from './bytes.js';

export interface LinkedLine {
  address: bigint;
  length: number;
  location: SourceLocation;
  chain: ExpansionFrame[];
  isInstruction: boolean;
}

export const LINEMAP_SECTION = '.x64emu.linemap';
const MAGIC = 'X64LMAP';
const VERSION = 1;
const FRAME_KINDS: ExpansionFrame['kind'][] = ['include', 'macro', 'irp', 'irpc', 'rept', 'define'];

export function encodeLineMap(lines: LinkedLine[]): Uint8Array {
  const strings = new Map<string, number>();
  const list: string[] = [];
  const str = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) {
      i = list.length;
      list.push(s);
      strings.set(s, i);
    }
    return i;
  };
  const body = new ByteWriter();
  const loc = (l: SourceLocation) => {
    body.u8(l.endColumn !== undefined ? 1 : 0).uleb(str(l.file)).uleb(Math.max(0, l.line)).uleb(Math.max(0, l.column));
    if (l.endColumn !== undefined) body.uleb(Math.max(0, l.endColumn));
  };
  body.uleb(lines.length);
  let prev = 0n;
  for (const line of lines) {
    body.uleb(line.address - prev).uleb(line.length).u8(line.isInstruction ? 1 : 0);
    prev = line.address;
    loc(line.location);
    body.uleb(line.chain.length);
    for (const f of line.chain) {
      body.u8(Math.max(0, FRAME_KINDS.indexOf(f.kind))).uleb(str(f.name));
      loc(f.location);
    }
  }
  const out = new ByteWriter();
  out.bytes(utf8(MAGIC)).u8(VERSION).uleb(list.length);
  for (const s of list) {
    const b = utf8(s);
    out.uleb(b.length).bytes(b);
  }
  out.bytes(body.finish());
  return out.finish();
}

export function decodeLineMap(bytes: Uint8Array): LinkedLine[] | undefined {
  try {
    const r = new ByteReader(bytes);
    if (r.string(MAGIC.length) !== MAGIC || r.u8() !== VERSION) return undefined;
    const count = r.ulebNumber();
    const strings: string[] = [];
    for (let i = 0; i < count; i++) strings.push(r.string(r.ulebNumber()));
    const s = (i: number): string => {
      if (i >= strings.length) throw new Error('bad string index');
      return strings[i];
    };
    const loc = (): SourceLocation => {
      const flags = r.u8();
      const file = s(r.ulebNumber());
      const line = r.ulebNumber();
      const column = r.ulebNumber();
      return flags & 1 ? { file, line, column, endColumn: r.ulebNumber() } : { file, line, column };
    };
    const n = r.ulebNumber();
    const out: LinkedLine[] = [];
    let address = 0n;
    for (let i = 0; i < n; i++) {
      address = BigInt.asUintN(64, address + r.uleb());
      const length = r.ulebNumber();
      const isInstruction = (r.u8() & 1) !== 0;
      const location = loc();
      const chainLength = r.ulebNumber();
      const chain: ExpansionFrame[] = [];
      for (let k = 0; k < chainLength; k++) {
        const kind = FRAME_KINDS[r.u8()];
        if (!kind) return undefined;
        const name = s(r.ulebNumber());
        chain.push({ kind, name, location: loc() });
      }
      out.push({ address, length, location, chain, isInstruction });
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Finds a section's bytes by name in an ELF64 little-endian file, without throwing. */
export function findElfSection(elf: Uint8Array, name: string): Uint8Array | undefined {
  try {
    if (elf.length < 64 || elf[0] !== 0x7f || elf[1] !== 0x45 || elf[2] !== 0x4c || elf[3] !== 0x46 || elf[4] !== 2 || elf[5] !== 1) return undefined;
    const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
    const shoff = Number(view.getBigUint64(40, true));
    const shentsize = view.getUint16(58, true);
    const shnum = view.getUint16(60, true);
    const shstrndx = view.getUint16(62, true);
    if (shentsize < 64 || shoff + shnum * shentsize > elf.length || shstrndx >= shnum) return undefined;
    const hdr = (i: number) => {
      const at = shoff + i * shentsize;
      return { name: view.getUint32(at, true), type: view.getUint32(at + 4, true), offset: Number(view.getBigUint64(at + 24, true)), size: Number(view.getBigUint64(at + 32, true)) };
    };
    const strs = hdr(shstrndx);
    if (strs.offset + strs.size > elf.length) return undefined;
    const want = utf8(name);
    for (let i = 1; i < shnum; i++) {
      const h = hdr(i);
      const at = strs.offset + h.name;
      if (at + want.length >= elf.length) continue;
      let same = elf[at + want.length] === 0;
      for (let k = 0; same && k < want.length; k++) same = elf[at + k] === want[k];
      if (!same) continue;
      if (h.type === 8 || h.offset + h.size > elf.length) return undefined;
      return elf.subarray(h.offset, h.offset + h.size);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

export function readLineMap(elf: Uint8Array): LinkedLine[] | undefined {
  const data = findElfSection(elf, LINEMAP_SECTION);
  return data ? decodeLineMap(data) : undefined;
}
