/**
 * Input side of the link: the sections of every module, and the global symbol table built the
 * way ld resolves symbols (strong beats weak, first weak wins, two strong definitions are an
 * error, undefined weak resolves to 0).
 */
import type { AsmSection, AsmSymbol, ObjectModule } from '../object.js';
import type { Diagnostic, SourceLocation } from '../types.js';
import type { RewrittenEhFrame } from './eh-frame.js';

export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_TLS = 0x400;
export const SHT_PROGBITS = 1;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;

/** Where diagnostics without a source location point (GNU ld prints them as `ld: ...`). */
export const LINKER_LOCATION: SourceLocation = { file: 'ld', line: 0, column: 0 };

export interface InputSection {
  module: ObjectModule;
  moduleIndex: number;
  sec: AsmSection;
  size: bigint;
  align: bigint;
  /** Output section it was assigned to (undefined until mapped, or when discarded). */
  out?: OutputSectionLike;
  /** Offset inside the output section. */
  offset: bigint;
  discarded: boolean;
  /** Set for SHF_MERGE sections after deduplication (see merge.ts). */
  merged?: {
    bytes: Uint8Array;
    map(offset: bigint): { input: InputSection; offset: bigint };
  };
  /** Set for .eh_frame sections edited like ld does (see eh-frame.ts). */
  ehFrame?: RewrittenEhFrame;
}

/** Where `value` (an offset in `input`, before merging) ends up: the input section holding it and the offset there. */
export function placeInInput(input: InputSection, value: bigint): { input: InputSection; offset: bigint } {
  if (input.merged) return input.merged.map(value);
  if (input.ehFrame) return { input, offset: BigInt(input.ehFrame.map(Number(value))) };
  return { input, offset: value };
}

/** The contents an input section contributes to the output. */
export function inputBytes(input: InputSection): Uint8Array {
  if (input.merged) return input.merged.bytes;
  if (input.ehFrame) return input.ehFrame.bytes;
  return input.sec.bytes.subarray(0, Number(input.size));
}

/** The part of an output section the symbol code needs (the layout owns the rest). */
export interface OutputSectionLike {
  name: string;
  vma: bigint;
  kept: boolean;
}

export interface DefinedSymbol {
  sym: AsmSymbol;
  module: ObjectModule;
  moduleIndex: number;
  /** Undefined for absolute symbols. */
  input?: InputSection;
}

export interface GlobalSymbol {
  name: string;
  def?: DefinedSymbol;
  /** Referenced from an object (fixup or undefined symbol entry). */
  referenced: boolean;
  /** Every reference is weak (an undefined weak symbol resolves to 0 without an error). */
  onlyWeakRefs: boolean;
  /** First undefined-reference binding seen, for the output symbol table. */
  firstRef?: { module: ObjectModule; sym?: AsmSymbol };
}

export interface ModuleInfo {
  module: ObjectModule;
  index: number;
  sections: InputSection[];
  sectionByName: Map<string, InputSection>;
  locals: Map<string, DefinedSymbol>;
}

export interface InputSet {
  modules: ModuleInfo[];
  sections: InputSection[];
  globals: Map<string, GlobalSymbol>;
  /** Modules contain a `.note.GNU-stack` section (ld then emits PT_GNU_STACK). */
  gnuStack?: { exec: boolean };
}

function pushDiag(diags: Diagnostic[], severity: Diagnostic['severity'], message: string, location: SourceLocation | undefined): void {
  diags.push({ severity, message, location: location ?? LINKER_LOCATION, chain: [] });
}

/** Sections that never reach the output (relocation tables and symbol tables of ELF-shaped inputs). */
function ignoredInput(sec: AsmSection): boolean {
  // DWARF from the inputs is dropped: the linker writes its own from the line records.
  return sec.name === '.note.GNU-stack' || /^\.(rela?\.|symtab$|strtab$|shstrtab$|group$|debug_)/.test(sec.name);
}

export function collectInputs(modules: ObjectModule[], diags: Diagnostic[]): InputSet {
  const set: InputSet = { modules: [], sections: [], globals: new Map() };
  modules.forEach((module, index) => {
    const info: ModuleInfo = { module, index, sections: [], sectionByName: new Map(), locals: new Map() };
    for (const sec of module.sections) {
      if (sec.name === '.note.GNU-stack') {
        const exec = (sec.flags & SHF_EXECINSTR) !== 0;
        set.gnuStack = { exec: (set.gnuStack?.exec ?? false) || exec };
        continue;
      }
      if (ignoredInput(sec)) continue;
      const size = sec.type === SHT_NOBITS ? sec.size : Math.max(sec.size, sec.bytes.length);
      const input: InputSection = {
        module,
        moduleIndex: index,
        sec,
        size: BigInt(size),
        align: BigInt(Math.max(1, sec.alignment | 0)),
        offset: 0n,
        discarded: false,
      };
      if (info.sectionByName.has(sec.name)) {
        pushDiag(diags, 'error', `${module.fileName}: section \`${sec.name}' appears twice in the module`, undefined);
        continue;
      }
      info.sections.push(input);
      info.sectionByName.set(sec.name, input);
      set.sections.push(input);
    }
    set.modules.push(info);
  });

  for (const info of set.modules) {
    const { module } = info;
    for (const sym of module.symbols) {
      if (sym.type === 'file') continue;
      let input: InputSection | undefined;
      if (sym.defined && sym.section !== undefined) {
        input = info.sectionByName.get(sym.section);
        if (!input) {
          const known = module.sections.some((s) => s.name === sym.section);
          if (!known) {
            pushDiag(diags, 'error', `symbol \`${sym.name}' is defined in section \`${sym.section}', which ${module.fileName} does not have`, sym.location);
          }
          continue;
        }
      }
      if (sym.binding === 'local') {
        if (sym.defined && !info.locals.has(sym.name)) info.locals.set(sym.name, { sym, module, moduleIndex: info.index, input });
        continue;
      }
      let g = set.globals.get(sym.name);
      if (!g) {
        g = { name: sym.name, referenced: false, onlyWeakRefs: true };
        set.globals.set(sym.name, g);
      }
      if (!sym.defined) {
        g.referenced = true;
        if (sym.binding !== 'weak') g.onlyWeakRefs = false;
        g.firstRef ??= { module, sym };
        continue;
      }
      const def: DefinedSymbol = { sym, module, moduleIndex: info.index, input };
      if (!g.def) g.def = def;
      else if (g.def.sym.binding === 'weak' && sym.binding !== 'weak') g.def = def;
      else if (g.def.sym.binding !== 'weak' && sym.binding !== 'weak') {
        pushDiag(diags, 'error', `multiple definition of \`${sym.name}'`, sym.location);
        pushDiag(diags, 'note', 'first defined here', g.def.sym.location);
      }
    }
  }

  // Fixups reference symbols too: a name with neither a local nor a global entry is a new undefined global.
  for (const info of set.modules) {
    const weakRefs = new Set(info.module.symbols.filter((s) => s.binding === 'weak' && !s.defined).map((s) => s.name));
    for (const input of info.sections) {
      for (const f of input.sec.fixups) {
        if (info.locals.has(f.symbol)) continue;
        // A fixup against a section's name with no such symbol means the section's start.
        const sec = info.sectionByName.get(f.symbol);
        if (sec && !set.globals.has(f.symbol)) {
          info.locals.set(f.symbol, {
            sym: { name: f.symbol, section: f.symbol, value: 0n, binding: 'local', type: 'section', defined: true },
            module: info.module, moduleIndex: info.index, input: sec,
          });
          continue;
        }
        let g = set.globals.get(f.symbol);
        if (!g) {
          g = { name: f.symbol, referenced: false, onlyWeakRefs: false };
          set.globals.set(f.symbol, g);
        }
        if (!weakRefs.has(f.symbol)) g.onlyWeakRefs = false;
        g.referenced = true;
        g.firstRef ??= { module: info.module };
      }
    }
  }
  return set;
}
