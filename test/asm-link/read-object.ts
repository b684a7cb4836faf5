// Reads a GNU `as` relocatable object (.o) into the assembler's ObjectModule, so the linker can
// be tested against GNU ld on the same input: sections, symbols, RELA relocations as Fixups and,
// when the object has DWARF (as -g), line records from .debug_line.
import type { AsmSection, AsmSymbol, Fixup, LineRecord, ObjectModule } from '../../src/core/asm/object.js';
import { decodeDebugLine } from './dwarf-line.js';
import { readElf, type SectionHeader } from './elf-file.js';

const SHT_PROGBITS = 1;
const SHT_RELA = 4;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHT_INIT_ARRAY = 14;
const SHT_FINI_ARRAY = 15;
const SHT_PREINIT_ARRAY = 16;
const SHT_X86_64_UNWIND = 0x70000001;

const RELOCS: Record<number, { kind: Fixup['kind']; size: Fixup['size'] }> = {
  1: { kind: 'abs', size: 8 }, // R_X86_64_64
  2: { kind: 'pcrel', size: 4 }, // R_X86_64_PC32
  4: { kind: 'pcrel', size: 4 }, // R_X86_64_PLT32 (static link: same as PC32)
  10: { kind: 'abs', size: 4 }, // R_X86_64_32
  11: { kind: 'abs-signed', size: 4 }, // R_X86_64_32S
  12: { kind: 'abs', size: 2 }, // R_X86_64_16
  13: { kind: 'pcrel', size: 2 }, // R_X86_64_PC16
  14: { kind: 'abs', size: 1 }, // R_X86_64_8
  15: { kind: 'pcrel', size: 1 }, // R_X86_64_PC8
  24: { kind: 'pcrel', size: 8 }, // R_X86_64_PC64
};

export interface ReadOptions {
  /** Module file name (default: the name given). */
  fileName?: string;
}

export function readObject(bytes: Uint8Array, fileName: string): ObjectModule {
  const elf = readElf(bytes);
  if (elf.type !== 1) throw new Error(`${fileName}: not a relocatable object`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept = new Map<number, AsmSection>();
  const sections: AsmSection[] = [];
  for (const s of elf.sections) {
    const loadable = [SHT_PROGBITS, SHT_NOBITS, SHT_NOTE, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY, SHT_X86_64_UNWIND].includes(s.type);
    if (!loadable || s.name.startsWith('.debug_')) continue;
    const type = s.type === SHT_X86_64_UNWIND ? SHT_PROGBITS : s.type;
    const sec: AsmSection & { entsize: number } = {
      entsize: s.entsize,
      name: s.name,
      flags: Number(s.flags & 0xffffffffn),
      type,
      alignment: Number(s.align === 0n ? 1n : s.align),
      bytes: type === SHT_NOBITS ? new Uint8Array(0) : elf.contents(s).slice(),
      size: s.size,
      fixups: [],
    };
    kept.set(s.index, sec);
    sections.push(sec);
  }

  const symbols: AsmSymbol[] = [];
  const symName: string[] = [''];
  for (const sym of elf.symbols) {
    const binding = sym.bind === 0 ? 'local' : sym.bind === 2 ? 'weak' : 'global';
    if (sym.type === 3) {
      const sec = kept.get(sym.shndx);
      const name = elf.sections[sym.shndx]?.name ?? '';
      symName[sym.index] = name;
      if (sec) symbols.push({ name, section: sec.name, value: 0n, binding: 'local', type: 'section', defined: true });
      continue;
    }
    symName[sym.index] = sym.name;
    const type = sym.type === 1 ? 'object' : sym.type === 2 ? 'func' : sym.type === 4 ? 'file' : 'notype';
    if (sym.type === 4) {
      symbols.push({ name: sym.name, value: 0n, binding: 'local', type: 'file', defined: true });
      continue;
    }
    if (sym.shndx === 0) {
      symbols.push({ name: sym.name, value: 0n, binding, type, defined: false });
    } else if (sym.shndx === 0xfff1) {
      symbols.push({ name: sym.name, value: sym.value, binding, type, size: sym.size, defined: true });
    } else if (sym.shndx === 0xfff2) {
      throw new Error(`${fileName}: common symbol ${sym.name} is not supported`);
    } else {
      const sec = kept.get(sym.shndx);
      if (!sec) continue;
      symbols.push({ name: sym.name, section: sec.name, value: sym.value, binding, type, size: sym.size, defined: true });
    }
  }

  // Line records from as -g, if present (locations for fixups and the line map).
  const lines: LineRecord[] = [];
  const debugLine = elf.section('.debug_line');
  if (debugLine) {
    const rela = elf.sections.find((s) => s.type === SHT_RELA && s.info === debugLine.index);
    const relocs = new Map<number, { section: string; addend: bigint }>();
    if (rela) {
      for (let at = rela.offset; at < rela.offset + rela.size; at += 24) {
        const off = Number(view.getBigUint64(at, true));
        const info = view.getBigUint64(at + 8, true);
        const addend = view.getBigInt64(at + 16, true);
        relocs.set(off, { section: symName[Number(info >> 32n)], addend });
      }
    }
    for (const t of decodeDebugLine(elf.contents(debugLine), (o) => relocs.get(o))) {
      for (let i = 0; i + 1 < t.rows.length; i++) {
        const row = t.rows[i];
        if (row.endSequence || !row.section) continue;
        const next = t.rows[i + 1];
        const length = Number(next.address - row.address);
        if (length <= 0) continue;
        lines.push({
          section: row.section,
          offset: Number(row.address),
          length,
          location: { file: row.file, line: row.line, column: Math.max(1, row.column) },
          chain: [],
          isInstruction: true,
        });
      }
    }
  }
  const locate = (section: string, offset: number) => {
    let best: LineRecord | undefined;
    for (const l of lines) if (l.section === section && l.offset <= offset && (!best || l.offset >= best.offset)) best = l;
    return best ? { ...best.location } : { file: fileName, line: 0, column: 0 };
  };

  for (const s of elf.sections) {
    if (s.type !== SHT_RELA) continue;
    const target = kept.get(s.info);
    if (!target) continue;
    for (let at = s.offset; at < s.offset + s.size; at += 24) {
      const offset = Number(view.getBigUint64(at, true));
      const info = view.getBigUint64(at + 8, true);
      const addend = view.getBigInt64(at + 16, true);
      const type = Number(info & 0xffffffffn);
      const r = RELOCS[type];
      if (!r) throw new Error(`${fileName}: relocation type ${type} in ${target.name} is not supported by the test reader`);
      target.fixups.push({ offset, size: r.size, kind: r.kind, symbol: symName[Number(info >> 32n)], addend, location: locate(target.name, offset) });
    }
  }
  return { fileName, sections, symbols, lines };
}

export type { SectionHeader };
