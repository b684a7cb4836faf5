// Minimal ELF64 little-endian reader for the linker tests (bigint addresses, all section kinds).
export interface SectionHeader {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: bigint;
  entsize: number;
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface Sym {
  index: number;
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  other: number;
  shndx: number;
}

export interface ElfFile {
  bytes: Uint8Array;
  type: number;
  entry: bigint;
  phdrs: ProgramHeader[];
  sections: SectionHeader[];
  symbols: Sym[];
  section(name: string): SectionHeader | undefined;
  contents(s: SectionHeader): Uint8Array;
}

function cstr(b: Uint8Array, at: number): string {
  let e = at;
  while (e < b.length && b[e] !== 0) e++;
  return new TextDecoder().decode(b.subarray(at, e));
}

export function readElf(bytes: Uint8Array): ElfFile {
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[4] !== 2 || bytes[5] !== 1) throw new Error('not an ELF64 LE file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint16(16, true);
  const entry = v.getBigUint64(24, true);
  const phoff = Number(v.getBigUint64(32, true));
  const shoff = Number(v.getBigUint64(40, true));
  const phnum = v.getUint16(56, true);
  const shnum = v.getUint16(60, true);
  const shstrndx = v.getUint16(62, true);
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const a = phoff + i * 56;
    phdrs.push({
      type: v.getUint32(a, true), flags: v.getUint32(a + 4, true), offset: v.getBigUint64(a + 8, true),
      vaddr: v.getBigUint64(a + 16, true), paddr: v.getBigUint64(a + 24, true), filesz: v.getBigUint64(a + 32, true),
      memsz: v.getBigUint64(a + 40, true), align: v.getBigUint64(a + 48, true),
    });
  }
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const a = shoff + i * 64;
    raw.push({
      nameOff: v.getUint32(a, true), type: v.getUint32(a + 4, true), flags: v.getBigUint64(a + 8, true),
      addr: v.getBigUint64(a + 16, true), offset: Number(v.getBigUint64(a + 24, true)), size: Number(v.getBigUint64(a + 32, true)),
      link: v.getUint32(a + 40, true), info: v.getUint32(a + 44, true), align: v.getBigUint64(a + 48, true),
      entsize: Number(v.getBigUint64(a + 56, true)),
    });
  }
  const strOff = raw[shstrndx]?.offset ?? 0;
  const sections: SectionHeader[] = raw.map((r, index) => ({ index, name: cstr(bytes, strOff + r.nameOff), ...r }));
  const symbols: Sym[] = [];
  for (const s of sections) {
    if (s.type !== 2) continue;
    const strtab = sections[s.link];
    for (let i = 1; i < s.size / 24; i++) {
      const a = s.offset + i * 24;
      const info = bytes[a + 4];
      symbols.push({
        index: i, name: cstr(bytes, strtab.offset + v.getUint32(a, true)), type: info & 0xf, bind: info >> 4,
        other: bytes[a + 5], shndx: v.getUint16(a + 6, true), value: v.getBigUint64(a + 8, true), size: v.getBigUint64(a + 16, true),
      });
    }
  }
  return {
    bytes, type, entry, phdrs, sections, symbols,
    section: (name) => sections.find((s) => s.name === name),
    contents: (s) => (s.type === 8 ? new Uint8Array(s.size) : bytes.subarray(s.offset, s.offset + s.size)),
  };
}
