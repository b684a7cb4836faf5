/** A small reader for ELF64 relocatable objects (what GNU as writes), for the corpus comparison. */
export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  size: number;
  align: number;
  link: number;
  info: number;
  entsize: number;
  bytes: Uint8Array;
}
export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  shndx: number;
}
export interface ElfReloc {
  offset: bigint;
  type: number;
  sym: number;
  addend: bigint;
}
export interface ElfObject {
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** By target section index. */
  relocs: Map<number, ElfReloc[]>;
}

export function readElf(buf: Uint8Array): ElfObject {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || buf[4] !== 2) throw new Error('not an ELF64 file');
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const shstrndx = dv.getUint16(0x3e, true);
  const raw: Array<{ nameOff: number; type: number; flags: number; offset: number; size: number; link: number; info: number; align: number; entsize: number }> = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      nameOff: dv.getUint32(o, true),
      type: dv.getUint32(o + 4, true),
      flags: Number(dv.getBigUint64(o + 8, true)),
      offset: Number(dv.getBigUint64(o + 0x18, true)),
      size: Number(dv.getBigUint64(o + 0x20, true)),
      link: dv.getUint32(o + 0x28, true),
      info: dv.getUint32(o + 0x2c, true),
      align: Number(dv.getBigUint64(o + 0x30, true)),
      entsize: Number(dv.getBigUint64(o + 0x38, true)),
    });
  }
  const str = (sec: number, off: number): string => {
    const s = raw[sec];
    let e = s.offset + off;
    while (buf[e] !== 0) e++;
    return new TextDecoder().decode(buf.subarray(s.offset + off, e));
  };
  const sections: ElfSection[] = raw.map((s, index) => ({
    index,
    name: str(shstrndx, s.nameOff),
    type: s.type,
    flags: s.flags,
    size: s.size,
    align: s.align,
    link: s.link,
    info: s.info,
    entsize: s.entsize,
    bytes: s.type === 8 ? new Uint8Array(0) : buf.slice(s.offset, s.offset + s.size),
  }));
  const symbols: ElfSymbol[] = [];
  const relocs = new Map<number, ElfReloc[]>();
  for (const s of raw) {
    if (s.type === 2) {
      for (let o = s.offset; o < s.offset + s.size; o += 24) {
        const info = buf[o + 4];
        symbols.push({
          name: str(s.link, dv.getUint32(o, true)),
          type: info & 15,
          bind: info >> 4,
          shndx: dv.getUint16(o + 6, true),
          value: dv.getBigUint64(o + 8, true),
          size: dv.getBigUint64(o + 16, true),
        });
      }
    }
  }
  raw.forEach((s) => {
    if (s.type !== 4) return;
    const list: ElfReloc[] = [];
    for (let o = s.offset; o < s.offset + s.size; o += 24) {
      const info = dv.getBigUint64(o + 8, true);
      list.push({ offset: dv.getBigUint64(o, true), sym: Number(info >> 32n), type: Number(info & 0xffffffffn), addend: dv.getBigInt64(o + 16, true) });
    }
    relocs.set(s.info, list);
  });
  return { sections, symbols, relocs };
}

/** R_X86_64_* types to the object model's fixup kinds. */
export const RELOC_KINDS: Record<number, { kind: 'abs' | 'abs-signed' | 'pcrel'; size: 1 | 2 | 4 | 8 }> = {
  1: { kind: 'abs', size: 8 },
  2: { kind: 'pcrel', size: 4 },
  4: { kind: 'pcrel', size: 4 },
  10: { kind: 'abs', size: 4 },
  11: { kind: 'abs-signed', size: 4 },
  12: { kind: 'abs', size: 2 },
  13: { kind: 'pcrel', size: 2 },
  14: { kind: 'abs', size: 1 },
  15: { kind: 'pcrel', size: 1 },
  24: { kind: 'pcrel', size: 8 },
};
