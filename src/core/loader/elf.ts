/**
 * ELF64 little-endian x86-64 reader: header, program headers, section headers and the symbol
 * table. Every malformed or unsupported input raises an ElfError that says what and where.
 */

export class ElfError extends Error {}

export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_X86_64 = 62;
const SHT_SYMTAB = 2;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface SectionHeader {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* (0 notype, 1 object, 2 func, 3 section, 4 file). */
  type: number;
  /** STB_* (0 local, 1 global, 2 weak). */
  bind: number;
  section: number;
}

export interface ElfImage {
  type: 'exec' | 'dyn';
  entry: number;
  programHeaders: ProgramHeader[];
  sections: SectionHeader[];
  symbols: ElfSymbol[];
  bytes: Uint8Array;
}

/** A u64 field as a signed number (addresses are canonical, sizes small); rejects values a number cannot hold exactly. */
function u64(view: DataView, at: number, what: string): number {
  const v = view.getBigUint64(at, true);
  const signed = BigInt.asIntN(64, v);
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ElfError(`${what} 0x${v.toString(16)} is out of range`);
  }
  return Number(signed);
}

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(at, end));
}

export function parseElf(bytes: Uint8Array, fileName = 'program'): ElfImage {
  const fail = (msg: string): never => {
    throw new ElfError(`${fileName}: ${msg}`);
  };
  if (bytes.length < 64) fail(`too short to be an ELF file (${bytes.length} bytes)`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail('not an ELF file (bad magic)');
  if (bytes[4] !== 2) fail('not a 64-bit ELF file (ELFCLASS32 is not supported)');
  if (bytes[5] !== 1) fail('not little-endian');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const etype = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_X86_64) fail(`machine ${machine} is not x86-64 (EM_X86_64 = 62)`);
  if (etype !== ET_EXEC && etype !== ET_DYN) fail(`ELF type ${etype} is not an executable (relocatable objects must be linked first)`);
  const entry = u64(view, 24, 'entry point');
  const phoff = u64(view, 32, 'program header offset');
  const shoff = u64(view, 40, 'section header offset');
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);

  const programHeaders: ProgramHeader[] = [];
  if (phnum > 0 && (phentsize < 56 || phoff + phnum * phentsize > bytes.length)) fail('program headers lie outside the file');
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const ph: ProgramHeader = {
      type: view.getUint32(at, true),
      flags: view.getUint32(at + 4, true),
      offset: u64(view, at + 8, 'segment offset'),
      vaddr: u64(view, at + 16, 'segment address'),
      paddr: u64(view, at + 24, 'segment physical address'),
      filesz: u64(view, at + 32, 'segment file size'),
      memsz: u64(view, at + 40, 'segment memory size'),
      align: u64(view, at + 48, 'segment alignment'),
    };
    if (ph.type === PT_LOAD) {
      if (ph.offset < 0 || ph.filesz < 0 || ph.offset + ph.filesz > bytes.length) fail(`segment ${i} extends past the end of the file`);
      if (ph.memsz < ph.filesz) fail(`segment ${i} has memsz < filesz`);
    }
    programHeaders.push(ph);
  }

  const sections: SectionHeader[] = [];
  if (shnum > 0 && shoff > 0) {
    if (shentsize < 64 || shoff + shnum * shentsize > bytes.length) fail('section headers lie outside the file');
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * shentsize;
      raw.push({
        nameOff: view.getUint32(at, true),
        type: view.getUint32(at + 4, true),
        flags: Number(view.getBigUint64(at + 8, true) & 0xffffffffn),
        addr: u64(view, at + 16, 'section address'),
        offset: u64(view, at + 24, 'section offset'),
        size: u64(view, at + 32, 'section size'),
        link: view.getUint32(at + 40, true),
        entsize: u64(view, at + 56, 'section entry size'),
      });
    }
    const strtab = raw[shstrndx];
    for (const s of raw) {
      const name = strtab && strtab.offset + s.nameOff < bytes.length ? cString(bytes, strtab.offset + s.nameOff) : '';
      sections.push({ name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size, link: s.link, entsize: s.entsize });
    }
  }

  const symbols: ElfSymbol[] = [];
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB) continue;
    const strtab = sections[s.link];
    if (!strtab || s.offset + s.size > bytes.length || strtab.offset + strtab.size > bytes.length) fail('symbol table lies outside the file');
    const count = Math.floor(s.size / 24);
    for (let i = 1; i < count; i++) {
      const at = s.offset + i * 24;
      const info = bytes[at + 4];
      symbols.push({
        name: cString(bytes, strtab.offset + view.getUint32(at, true)),
        type: info & 0xf,
        bind: info >> 4,
        section: view.getUint16(at + 6, true),
        value: u64(view, at + 8, 'symbol value'),
        size: u64(view, at + 16, 'symbol size'),
      });
    }
  }

  return { type: etype === ET_EXEC ? 'exec' : 'dyn', entry, programHeaders, sections, symbols, bytes };
}
