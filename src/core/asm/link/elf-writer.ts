/**
 * ELF64 executable writer: maps output sections to PT_LOAD segments with the rules of BFD's
 * _bfd_elf_map_sections_to_segments (-z separate-code, as ld uses on x86-64 Linux), assigns
 * file offsets congruent to addresses modulo the page size, and writes headers, contents,
 * non-allocated sections, .symtab/.strtab/.shstrtab and the section header table.
 */
import { ByteWriter, alignUp } from './bytes.js';
import { MAXPAGESIZE } from './expr.js';
import { SHF_ALLOC, SHF_EXECINSTR, SHF_TLS, SHF_WRITE, SHT_NOBITS } from './inputs.js';

export const PT_LOAD = 1;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
export const SHN_ABS = 0xfff1;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;

/** What the writer needs of an output section. */
export interface WriterSection {
  name: string;
  type: number;
  flags: number;
  vma: bigint;
  lma: bigint;
  size: bigint;
  align: bigint;
  /** File contents (PROGBITS); ignored for NOBITS. */
  contents?: Uint8Array;
  entsize?: number;
  /** sh_flags, when not `flags`. */
  headerFlags?: number;
  /** Section header index (assigned by layoutFile). */
  index?: number;
  /** File offset (assigned by layoutFile). */
  offset?: bigint;
}

export interface Segment {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
  sections: WriterSection[];
  /** Holds the ELF header and program headers. */
  headers: boolean;
}

export interface OutSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2. */
  bind: number;
  /** STT_NOTYPE 0, STT_OBJECT 1, STT_FUNC 2, STT_FILE 4. */
  type: number;
  /** Output section, 'abs', or 'undef'. */
  section: WriterSection | 'abs' | 'undef';
  other?: number;
}

export interface ElfPlan {
  segments: Segment[];
  phnum: number;
}

const page = MAXPAGESIZE;

function isTbss(s: WriterSection): boolean {
  return s.type === SHT_NOBITS && (s.flags & SHF_TLS) !== 0;
}

/** Groups the allocated sections (sorted by load address) into PT_LOAD segments. */
function mapSections(alloc: WriterSection[]): Segment[] {
  const segs: Segment[] = [];
  let cur: Segment | undefined;
  let writable = false;
  let executable = false;
  let last: WriterSection | undefined;
  for (const hdr of alloc) {
    let newSeg: boolean;
    if (!cur || !last) newSeg = true;
    else {
      const lastSize = isTbss(last) ? 0n : last.size;
      const lastEnd = last.lma + lastSize;
      if (last.lma - last.vma !== hdr.lma - hdr.vma) newSeg = true;
      else if (hdr.lma < lastEnd || lastEnd < last.lma) newSeg = true;
      else if (((lastEnd - 1n) & -page) === (hdr.lma & -page)) newSeg = false;
      else if (alignUp(lastEnd, page) + page > last.lma && alignUp(lastEnd, page) + page <= hdr.lma) newSeg = true;
      else if (last.type === SHT_NOBITS && hdr.type !== SHT_NOBITS) newSeg = true;
      else if (executable !== ((hdr.flags & SHF_EXECINSTR) !== 0)) newSeg = true;
      else if (!writable && (hdr.flags & SHF_WRITE) !== 0) newSeg = true;
      else newSeg = false;
    }
    if (newSeg) {
      cur = { type: PT_LOAD, flags: PF_R, offset: 0n, vaddr: hdr.vma, paddr: hdr.lma, filesz: 0n, memsz: 0n, align: page, sections: [], headers: false };
      segs.push(cur);
      writable = false;
      executable = false;
    }
    cur!.sections.push(hdr);
    if ((hdr.flags & SHF_WRITE) !== 0) writable = true;
    if ((hdr.flags & SHF_EXECINSTR) !== 0) executable = true;
    last = hdr;
  }
  for (const s of segs) {
    for (const sec of s.sections) {
      if ((sec.flags & SHF_WRITE) !== 0) s.flags |= PF_W;
      if ((sec.flags & SHF_EXECINSTR) !== 0) s.flags |= PF_X;
      // As ld: a segment is aligned to the page size or its most aligned section, whichever is larger.
      if (sec.align > s.align) s.align = sec.align;
    }
  }
  return segs;
}

/**
 * Plans the program headers. `extraHeaders` counts the non-LOAD ones (GNU_STACK, GNU_RELRO);
 * with `loadHeaders` the ELF and program headers are mapped like ld does after SIZEOF_HEADERS.
 * `headerBytes`: the space reserved for the ELF and program headers; without it, the first
 * estimate BFD makes (header size unknown), whose count then fixes the space for good.
 */
export function planSegments(sections: WriterSection[], loadHeaders: boolean, extraHeaders: number, headerBytes?: bigint): ElfPlan {
  const alloc = sections
    .filter((s) => (s.flags & SHF_ALLOC) !== 0)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.lma < b.s.lma ? -1 : a.s.lma > b.s.lma ? 1 : a.s.vma < b.s.vma ? -1 : a.s.vma > b.s.vma ? 1 : a.i - b.i))
    .map((x) => x.s);
  const segs = mapSections(alloc);
  if (segs.length > 0) {
    // The ELF and program headers (at file offset 0) are loaded when they fit on the page below
    // the first section; with -z separate-code they cannot share a segment with code. Otherwise,
    // only when the script used SIZEOF_HEADERS, in a segment of their own on the page below.
    const first = segs[0];
    const code = (first.sections[0].flags & SHF_EXECINSTR) !== 0;
    const within = first.paddr % page;
    // BFD sizes the headers once, from a first mapping made while their size was unknown (0).
    const hdrSize = (_n: number) => headerBytes ?? 0n;
    const n = segs.length + extraHeaders;
    if (!code && within >= hdrSize(n)) {
      first.vaddr -= within;
      first.paddr -= within;
      first.headers = true;
    } else if (code && within >= hdrSize(n + 1)) {
      const size = hdrSize(n + 1);
      // (GNU ld puts this segment's physical address one page lower; reproduced as is.)
      segs.unshift({
        type: PT_LOAD, flags: PF_R, offset: 0n, vaddr: first.vaddr - (first.vaddr % page), paddr: first.paddr - within - page,
        filesz: size, memsz: size, align: page, sections: [], headers: true,
      });
    } else if (loadHeaders && (first.paddr & -page) >= page) {
      // The script asked for them (SIZEOF_HEADERS): on the page below the first section, in a
      // segment of their own before code, else as the start of the first segment.
      const size = hdrSize(n + (code ? 1 : 0));
      const paddr = (first.paddr - size) & -page;
      const vaddr = paddr + (first.vaddr - first.paddr);
      if (code) {
        segs.unshift({ type: PT_LOAD, flags: PF_R, offset: 0n, vaddr, paddr, filesz: size, memsz: size, align: page, sections: [], headers: true });
      } else {
        first.vaddr = vaddr;
        first.paddr = paddr;
        first.headers = true;
      }
    }
  }
  return { segments: segs, phnum: segs.length + extraHeaders };
}

/** The bytes BFD reserves for the ELF header and program headers (its first estimate). */
export function headerSpace(sections: WriterSection[], loadHeaders: boolean, extraHeaders: number): bigint {
  return BigInt(EHDR_SIZE + PHDR_SIZE * planSegments(sections, loadHeaders, extraHeaders).phnum);
}

export interface ElfImageInput {
  entry: bigint;
  /** Every output section in section-header order (allocated and not), without the symbol/string tables. */
  sections: WriterSection[];
  symbols: OutSymbol[];
  gnuStack?: { exec: boolean };
  relro?: { start: bigint; end: bigint };
  loadHeaders: boolean;
}

export interface WrittenElf {
  bytes: Uint8Array;
  segments: Segment[];
}

/** Thrown (and turned into a diagnostic by the caller) when the image would be unreasonably large. */
export class TooLargeError extends Error {}
const MAX_FILE = 1n << 30n;

export function writeElf(input: ElfImageInput): WrittenElf {
  const extra = (input.gnuStack ? 1 : 0) + (input.relro ? 1 : 0);
  const reserved = headerSpace(input.sections, input.loadHeaders, extra);
  const plan = planSegments(input.sections, input.loadHeaders, extra, reserved);
  const loads = plan.segments;
  const phnum = loads.length + extra;
  // File offsets follow the reserved space (which can hold more headers than end up written).
  const headersEnd = reserved > BigInt(EHDR_SIZE + PHDR_SIZE * phnum) ? reserved : BigInt(EHDR_SIZE + PHDR_SIZE * phnum);

  // ---- file offsets of the loaded sections
  let off = headersEnd;
  for (const seg of loads) {
    const hasContents = seg.headers || seg.sections.some((s) => s.type !== SHT_NOBITS);
    if (seg.headers) {
      seg.offset = 0n;
    } else {
      const adjusted = off + ((((seg.vaddr - off) % page) + page) % page);
      if (hasContents) {
        seg.offset = adjusted;
        off = adjusted;
      } else {
        seg.offset = seg.vaddr % page;
        for (const s of seg.sections) s.offset = adjusted;
        seg.memsz = seg.sections.reduce((m, s) => (s.vma + s.size - seg.vaddr > m ? s.vma + s.size - seg.vaddr : m), 0n);
        seg.filesz = 0n;
        continue;
      }
    }
    const lastProgbits = seg.sections.reduce((i, s, k) => (s.type !== SHT_NOBITS ? k : i), -1);
    let filesz = seg.headers ? headersEnd : 0n;
    let memsz = filesz;
    seg.sections.forEach((s, k) => {
      const rel = s.vma - seg.vaddr;
      const end = rel + s.size;
      if (s.type !== SHT_NOBITS || k < lastProgbits) {
        s.offset = seg.offset + rel;
        if (end > filesz) filesz = end;
        off = seg.offset + filesz;
      } else {
        s.offset = off;
      }
      if (end > memsz) memsz = end;
    });
    seg.filesz = filesz;
    seg.memsz = memsz;
    if (seg.headers && seg.sections.length === 0) off = headersEnd;
  }
  if (off < headersEnd) off = headersEnd;
  // Sections in no segment (non-allocated).
  for (const s of input.sections) {
    if ((s.flags & SHF_ALLOC) !== 0) continue;
    off = alignUp(off, s.align > 0n ? s.align : 1n);
    s.offset = off;
    if (s.type !== SHT_NOBITS) off += s.size;
  }

  // ---- symbol and string tables
  const strtab = new ByteWriter().u8(0);
  const strIndex = new Map<string, number>();
  const str = (name: string): number => {
    if (name === '') return 0;
    let i = strIndex.get(name);
    if (i === undefined) {
      i = strtab.length;
      strtab.cstring(name);
      strIndex.set(name, i);
    }
    return i;
  };
  const shstrtab = new ByteWriter().u8(0);
  const shIndex = new Map<string, number>();
  const shstr = (name: string): number => {
    let i = shIndex.get(name);
    if (i === undefined) {
      i = shstrtab.length;
      shstrtab.cstring(name);
      shIndex.set(name, i);
    }
    return i;
  };
  input.sections.forEach((s, i) => (s.index = i + 1));
  const symtabIndex = input.sections.length + 1;
  const strtabIndex = symtabIndex + 1;
  const shstrtabIndex = strtabIndex + 1;

  const symtab = new ByteWriter();
  symtab.zeros(24);
  let firstGlobal = 1;
  input.symbols.forEach((sym, i) => {
    if (sym.bind === 0) firstGlobal = i + 2;
    const shndx = sym.section === 'abs' ? SHN_ABS : sym.section === 'undef' ? 0 : (sym.section.index ?? 0);
    symtab.u32(str(sym.name)).u8((sym.bind << 4) | (sym.type & 0xf)).u8(sym.other ?? 0).u16(shndx).u64(sym.value).u64(sym.size);
  });
  for (const s of input.sections) shstr(s.name);
  shstr('.symtab');
  shstr('.strtab');
  shstr('.shstrtab');

  off = alignUp(off, 8n);
  const symtabOff = off;
  off += BigInt(symtab.length);
  const strtabOff = off;
  off += BigInt(strtab.length);
  const shstrtabOff = off;
  off += BigInt(shstrtab.length);
  off = alignUp(off, 8n);
  const shoff = off;
  const shnum = shstrtabIndex + 1;
  const total = shoff + BigInt(shnum * SHDR_SIZE);
  if (total > MAX_FILE) throw new TooLargeError(`the output file would be ${total} bytes`);

  // ---- write
  const out = new Uint8Array(Number(total));
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 62, true); // EM_X86_64
  view.setUint32(20, 1, true);
  view.setBigUint64(24, input.entry, true);
  view.setBigUint64(32, phnum > 0 ? BigInt(EHDR_SIZE) : 0n, true);
  view.setBigUint64(40, shoff, true);
  view.setUint32(48, 0, true);
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(54, PHDR_SIZE, true);
  view.setUint16(56, phnum, true);
  view.setUint16(58, SHDR_SIZE, true);
  view.setUint16(60, shnum, true);
  view.setUint16(62, shstrtabIndex, true);

  const phdrs: Segment[] = [...loads];
  if (input.gnuStack) {
    phdrs.push({ type: PT_GNU_STACK, flags: PF_R | PF_W | (input.gnuStack.exec ? PF_X : 0), offset: 0n, vaddr: 0n, paddr: 0n, filesz: 0n, memsz: 0n, align: 16n, sections: [], headers: false });
  }
  if (input.relro) {
    const seg = loads.find((l) => input.relro!.start >= l.vaddr && input.relro!.start < l.vaddr + l.memsz);
    const offset = seg ? seg.offset + (input.relro.start - seg.vaddr) : 0n;
    const size = input.relro.end - input.relro.start;
    const paddr = seg ? input.relro.start - seg.vaddr + seg.paddr : input.relro.start;
    phdrs.push({ type: PT_GNU_RELRO, flags: PF_R, offset, vaddr: input.relro.start, paddr, filesz: size, memsz: size, align: 1n, sections: [], headers: false });
  }
  phdrs.forEach((p, i) => {
    const at = EHDR_SIZE + i * PHDR_SIZE;
    view.setUint32(at, p.type, true);
    view.setUint32(at + 4, p.flags, true);
    view.setBigUint64(at + 8, p.offset, true);
    view.setBigUint64(at + 16, BigInt.asUintN(64, p.vaddr), true);
    view.setBigUint64(at + 24, BigInt.asUintN(64, p.paddr), true);
    view.setBigUint64(at + 32, p.filesz, true);
    view.setBigUint64(at + 40, p.memsz, true);
    view.setBigUint64(at + 48, p.align, true);
  });

  for (const s of input.sections) {
    if (s.type === SHT_NOBITS || !s.contents) continue;
    out.set(s.contents.subarray(0, Number(s.size)), Number(s.offset));
  }
  out.set(symtab.finish(), Number(symtabOff));
  out.set(strtab.finish(), Number(strtabOff));
  out.set(shstrtab.finish(), Number(shstrtabOff));

  const sh = (i: number, f: { name: number; type: number; flags: bigint; addr: bigint; offset: bigint; size: bigint; link: number; info: number; align: bigint; entsize: bigint }) => {
    const at = Number(shoff) + i * SHDR_SIZE;
    view.setUint32(at, f.name, true);
    view.setUint32(at + 4, f.type, true);
    view.setBigUint64(at + 8, f.flags, true);
    view.setBigUint64(at + 16, BigInt.asUintN(64, f.addr), true);
    view.setBigUint64(at + 24, f.offset, true);
    view.setBigUint64(at + 32, f.size, true);
    view.setUint32(at + 40, f.link, true);
    view.setUint32(at + 44, f.info, true);
    view.setBigUint64(at + 48, f.align, true);
    view.setBigUint64(at + 56, f.entsize, true);
  };
  input.sections.forEach((s, i) => {
    sh(i + 1, {
      name: shstr(s.name), type: s.type, flags: BigInt(s.headerFlags ?? s.flags), addr: s.vma, offset: s.offset ?? 0n, size: s.size,
      link: 0, info: 0, align: s.align > 0n ? s.align : 1n, entsize: BigInt(s.entsize ?? 0),
    });
  });
  sh(symtabIndex, { name: shstr('.symtab'), type: SHT_SYMTAB, flags: 0n, addr: 0n, offset: symtabOff, size: BigInt(symtab.length), link: strtabIndex, info: firstGlobal, align: 8n, entsize: 24n });
  sh(strtabIndex, { name: shstr('.strtab'), type: SHT_STRTAB, flags: 0n, addr: 0n, offset: strtabOff, size: BigInt(strtab.length), link: 0, info: 0, align: 1n, entsize: 0n });
  sh(shstrtabIndex, { name: shstr('.shstrtab'), type: SHT_STRTAB, flags: 0n, addr: 0n, offset: shstrtabOff, size: BigInt(shstrtab.length), link: 0, info: 0, align: 1n, entsize: 0n });
  return { bytes: out, segments: loads };
}
