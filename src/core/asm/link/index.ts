/**
 * The linker: lays out ObjectModules with a GNU ld linker script (or ld's default static
 * layout), resolves symbols and fixups, and writes an ELF64 x86-64 executable with a symbol
 * table, DWARF line information and the debugger's line map. Pure TypeScript; every problem
 * in the input is a Diagnostic, and no output is produced when there are errors.
 */
import { nopFill } from '../nop-fill.js';
import type { AsmSymbol, Fixup, ObjectModule } from '../object.js';
import type { Diagnostic, SourceLocation } from '../types.js';
import { u64 } from './bytes.js';
import { DEFAULT_SCRIPT, DEFAULT_SCRIPT_NAME } from './default-script.js';
import { buildDwarf, type DwarfUnit } from './dwarf.js';
import { TooLargeError, planSegments, writeElf, type OutSymbol, type WriterSection } from './elf-writer.js';
import {
  LINKER_LOCATION, SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, collectInputs, inputBytes, placeInInput,
  type DefinedSymbol, type InputSection, type InputSet, type ModuleInfo,
} from './inputs.js';
import { Layout, type OutputSection, type ScriptSymbol } from './layout.js';
import { LINEMAP_SECTION, encodeLineMap, type LinkedLine } from './linemap.js';
import { parseLinkerScript } from './script.js';

export { readLineMap, decodeLineMap, encodeLineMap, LINEMAP_SECTION } from './linemap.js';
export type { LinkedLine } from './linemap.js';

export interface LinkOptions {
  /** GNU ld linker script (subset); without one, ld's default static layout is used. */
  script?: { text: string; fileName: string };
  /** Entry symbol (or address); default: the script's ENTRY, else _start, else the start of .text (with a warning). */
  entry?: string;
}

export interface LinkResult {
  /** The executable; undefined when there are errors (never a partial file). */
  elf?: Uint8Array;
  diagnostics: Diagnostic[];
  /** Final addresses: global and script-defined symbols, and locals whose names are not taken by one. */
  symbols: Map<string, bigint>;
  /** Address-ordered emitted instructions and data with their source locations and expansion chains. */
  lineMap: LinkedLine[];
}

const MAX_SECTION = 1n << 30n;

/** GNU ld's relocation name for a fixup, and how it checks the value's range. */
export function relocationType(f: Pick<Fixup, 'kind' | 'size'>): { name: string; check: 'none' | 'signed' | 'unsigned' | 'bitfield' } {
  const bits = f.size * 8;
  if (f.kind === 'pcrel') {
    if (f.size === 8) return { name: 'R_X86_64_PC64', check: 'none' };
    if (f.size === 2) return { name: 'R_X86_64_PC16', check: 'bitfield' };
    return { name: `R_X86_64_PC${bits}`, check: 'signed' };
  }
  if (f.size === 8) return { name: 'R_X86_64_64', check: 'none' };
  if (f.size === 4) return f.kind === 'abs-signed' ? { name: 'R_X86_64_32S', check: 'signed' } : { name: 'R_X86_64_32', check: 'unsigned' };
  return { name: `R_X86_64_${bits}`, check: 'bitfield' };
}

/** Whether `value` (a 64-bit result) fits the field the way BFD's complain_overflow_* checks it. */
export function fitsField(value: bigint, size: number, check: 'none' | 'signed' | 'unsigned' | 'bitfield'): boolean {
  const bits = BigInt(size * 8);
  const s = BigInt.asIntN(64, value);
  switch (check) {
    case 'none':
      return true;
    case 'signed':
      return s >= -(1n << (bits - 1n)) && s < 1n << (bits - 1n);
    case 'unsigned':
      return BigInt.asUintN(64, value) < 1n << bits;
    case 'bitfield':
      return s >= -(1n << bits) && s < 1n << bits;
  }
}

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

export function link(modules: ObjectModule[], options: LinkOptions = {}): LinkResult {
  const diagnostics: Diagnostic[] = [];
  try {
    return new Linker(modules, options, diagnostics).run();
  } catch (err) {
    diagnostics.push({
      severity: 'error',
      message: `internal linker error: ${err instanceof Error ? err.message : String(err)}`,
      location: LINKER_LOCATION,
      chain: [],
    });
    return { diagnostics, symbols: new Map(), lineMap: [] };
  }
}

type Resolution =
  /** `addendApplied`: a section symbol in a merged section was mapped together with the addend. */
  | { kind: 'ok'; value: bigint; addendApplied?: boolean }
  | { kind: 'undefined' }
  | { kind: 'discarded'; def: DefinedSymbol };

class Linker {
  private inputs!: InputSet;
  private scriptSymbols = new Map<string, ScriptSymbol>();
  private sections: OutputSection[] = [];

  constructor(
    private readonly modules: ObjectModule[],
    private readonly options: LinkOptions,
    private readonly diags: Diagnostic[],
  ) {}

  private error(message: string, location: SourceLocation = LINKER_LOCATION, severity: Diagnostic['severity'] = 'error'): void {
    this.diags.push({ severity, message, location, chain: [] });
  }

  run(): LinkResult {
    const scriptSource = this.options.script ?? { text: DEFAULT_SCRIPT, fileName: DEFAULT_SCRIPT_NAME };
    const script = parseLinkerScript(scriptSource.text, scriptSource.fileName, this.diags);
    this.inputs = collectInputs(this.modules, this.diags);

    const extraRefs = [this.options.entry ?? script.entry?.name ?? '_start'];
    const layout = new Layout(this.inputs, script, this.diags, extraRefs);
    layout.prepare();
    let result = layout.layout();
    if (result.loadHeaders) {
      // Like ld: SIZEOF_HEADERS counts the program headers of a layout made with it as 0, and
      // keeps that value (the writer reserves the same space).
      const extra = (this.inputs.gnuStack ? 1 : 0) + (result.relro ? 1 : 0);
      const estimate = planSegments(this.ordered(result.sections), true, extra).phnum;
      layout.setHeaderCount(estimate);
      result = layout.layout();
    }
    this.diags.push(...layout.finalDiags);
    this.sections = this.ordered(result.sections);
    this.checkOverlaps();
    this.scriptSymbols = result.scriptSymbols;
    this.defineStartStop();

    const contents = this.buildContents();
    const lineMap = this.lineMap();
    const symbols = this.symbolMap();
    const entry = this.entry(result.entry);

    if (this.diags.some((d) => d.severity === 'error') || !contents) return { diagnostics: this.diags, symbols, lineMap };

    const writerSections: WriterSection[] = [];
    for (const os of this.sections) {
      os.contents = contents.get(os);
      writerSections.push(os);
    }
    const units: DwarfUnit[] = this.inputs.modules.map((m) => ({ name: m.module.fileName, lines: [] }));
    for (const l of lineMap) if (l.isInstruction) units[this.lineModule.get(l)!].lines.push(l);
    const dwarf = buildDwarf(units);
    const nonAlloc = (name: string, data: Uint8Array, align = 1n): WriterSection => ({
      name, type: SHT_PROGBITS, flags: 0, vma: 0n, lma: 0n, size: BigInt(data.length), align, contents: data,
    });
    if (dwarf) {
      writerSections.push(nonAlloc('.debug_aranges', dwarf.debug_aranges, 1n));
      writerSections.push(nonAlloc('.debug_info', dwarf.debug_info));
      writerSections.push(nonAlloc('.debug_abbrev', dwarf.debug_abbrev));
      writerSections.push(nonAlloc('.debug_line', dwarf.debug_line));
      if (dwarf.debug_ranges.length > 0) writerSections.push(nonAlloc('.debug_ranges', dwarf.debug_ranges));
    }
    writerSections.push(nonAlloc(LINEMAP_SECTION, encodeLineMap(lineMap)));

    try {
      const written = writeElf({
        entry,
        sections: writerSections,
        symbols: this.outputSymbols(),
        gnuStack: this.inputs.gnuStack,
        relro: result.relro,
        loadHeaders: result.loadHeaders,
      });
      return { elf: written.bytes, diagnostics: this.diags, symbols, lineMap };
    } catch (err) {
      if (!(err instanceof TooLargeError)) throw err;
      this.error(err.message);
      return { diagnostics: this.diags, symbols, lineMap };
    }
  }

  private ordered(sections: OutputSection[]): OutputSection[] {
    return [...sections].sort((a, b) => a.order - b.order);
  }

  /** ld's lang_check_section_addresses: loaded sections must not overlap in LMA, allocated ones in VMA. */
  private checkOverlaps(): void {
    const h = (v: bigint) => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
    const check = (what: 'LMA' | 'VMA', list: OutputSection[], addr: (s: OutputSection) => bigint) => {
      const sorted = list.map((s, i) => ({ s, i })).sort((a, b) => (addr(a.s) < addr(b.s) ? -1 : addr(a.s) > addr(b.s) ? 1 : a.i - b.i)).map((x) => x.s);
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1];
        const cur = sorted[i];
        const prevEnd = addr(prev) + prev.size - 1n;
        if (addr(cur) <= prevEnd) {
          this.error(
            `section ${cur.name} ${what} [${h(addr(cur))},${h(addr(cur) + cur.size - 1n)}] overlaps section ${prev.name} ${what} [${h(addr(prev))},${h(prevEnd)}]`,
          );
        }
      }
    };
    const alloc = this.sections.filter((s) => (s.flags & SHF_ALLOC) !== 0 && s.size > 0n);
    check('LMA', alloc.filter((s) => s.type !== SHT_NOBITS), (s) => s.lma);
    check('VMA', alloc.filter((s) => s.type !== SHT_NOBITS), (s) => s.vma);
  }

  /** ld defines __start_SEC / __stop_SEC for referenced, undefined symbols naming an output section. */
  private defineStartStop(): void {
    for (const g of this.inputs.globals.values()) {
      if (g.def || !g.referenced || this.scriptSymbols.has(g.name)) continue;
      const m = /^__(start|stop)_([A-Za-z_][A-Za-z0-9_]*)$/.exec(g.name);
      if (!m) continue;
      const os = this.sections.find((s) => s.name === m[2]);
      if (!os) continue;
      this.scriptSymbols.set(g.name, { name: g.name, value: m[1] === 'start' ? os.vma : os.vma + os.size, section: os, hidden: false, loc: LINKER_LOCATION });
    }
  }

  private inputAddress(input: InputSection | undefined, value: bigint): bigint {
    if (!input) return value;
    const at = placeInInput(input, value);
    const out = at.input.out as OutputSection | undefined;
    return u64((out?.vma ?? 0n) + at.input.offset + at.offset);
  }

  private resolve(info: ModuleInfo, name: string, addend = 0n): Resolution {
    const local = info.locals.get(name);
    if (local) {
      if (local.input?.discarded) return { kind: 'discarded', def: local };
      if (local.sym.type === 'section' && local.input?.merged) {
        // ld maps section symbol + addend through the merge table (BFD's _bfd_merged_section_offset).
        return { kind: 'ok', value: this.inputAddress(local.input, local.sym.value + addend), addendApplied: true };
      }
      return { kind: 'ok', value: this.inputAddress(local.input, local.sym.value) };
    }
    const s = this.scriptSymbols.get(name);
    if (s) return { kind: 'ok', value: s.value };
    const g = this.inputs.globals.get(name);
    if (g?.def) {
      if (g.def.input?.discarded) return { kind: 'discarded', def: g.def };
      return { kind: 'ok', value: this.inputAddress(g.def.input, g.def.sym.value) };
    }
    if (g && g.onlyWeakRefs) return { kind: 'ok', value: 0n };
    return { kind: 'undefined' };
  }

  private buildContents(): Map<OutputSection, Uint8Array> | undefined {
    const contents = new Map<OutputSection, Uint8Array>();
    for (const os of this.sections) {
      if (os.type === SHT_NOBITS) continue;
      if (os.size > MAX_SECTION) {
        this.error(`output section \`${os.name}' is too large (${os.size} bytes)`, os.stmt.loc);
        return undefined;
      }
      const buf = new Uint8Array(Number(os.size));
      const code = (os.flags & SHF_EXECINSTR) !== 0;
      for (const g of os.gaps) {
        const start = Number(g.offset);
        const len = Number(g.size);
        if (g.fill) for (let i = 0; i < len; i++) buf[start + i] = g.fill[i % g.fill.length];
        else if (code) {
          // ld pads between code sections with NOPs of at most 10 bytes.
          buf.set(nopFill(len, 10), start);
        }
      }
      for (const s of os.inputs) {
        if (s.discarded || s.sec.type === SHT_NOBITS) continue;
        buf.set(inputBytes(s), Number(s.offset));
      }
      for (const s of os.inputs) {
        // .eh_frame FDEs re-pointed at the CIE kept for them (possibly in another input).
        for (const p of s.ehFrame?.ciePointers ?? []) {
          const v = Number((s.offset + BigInt(p.at) - (p.cie.input.offset + BigInt(p.cie.offset))) & 0xffffffffn);
          const at = Number(s.offset) + p.at;
          buf[at] = v & 0xff;
          buf[at + 1] = (v >>> 8) & 0xff;
          buf[at + 2] = (v >>> 16) & 0xff;
          buf[at + 3] = (v >>> 24) & 0xff;
        }
      }
      for (const d of os.data) {
        let v = d.value;
        for (let i = 0; i < d.size; i++) {
          buf[Number(d.offset) + i] = Number(v & 0xffn);
          v >>= 8n;
        }
      }
      contents.set(os, buf);
    }
    this.relocate(contents);
    return contents;
  }

  private relocate(contents: Map<OutputSection, Uint8Array>): void {
    const reported = new Set<string>();
    for (const info of this.inputs.modules) {
      for (const input of info.sections) {
        const os = input.out as OutputSection | undefined;
        if (input.discarded || !os || !os.kept) continue;
        const buf = contents.get(os);
        for (const f of input.ehFrame?.fixups ?? input.sec.fixups) {
          const where = `${f.location.file}:${f.location.line}:${f.location.column}`;
          if (f.offset < 0 || BigInt(f.offset + f.size) > input.size) {
            this.error(`fixup at offset ${f.offset} is outside section \`${input.sec.name}' (size ${input.size})`, f.location);
            continue;
          }
          if (!buf) {
            this.error(`fixup in section \`${input.sec.name}', which has no contents (@nobits)`, f.location);
            continue;
          }
          const r = this.resolve(info, f.symbol, f.addend);
          if (r.kind === 'undefined') {
            const key = `${f.symbol}@${where}`;
            if (!reported.has(key)) this.error(`undefined reference to \`${f.symbol}'`, f.location);
            reported.add(key);
            continue;
          }
          if (r.kind === 'discarded') {
            this.error(
              `\`${f.symbol}' referenced in section \`${input.sec.name}' of ${info.module.fileName}: defined in discarded section \`${r.def.input!.sec.name}' of ${r.def.module.fileName}`,
              f.location,
            );
            continue;
          }
          const place = u64(os.vma + input.offset + BigInt(f.offset));
          const addend = r.addendApplied ? 0n : f.addend;
          const value = f.kind === 'pcrel' ? u64(r.value + addend - place) : u64(r.value + addend);
          const rel = relocationType(f);
          if (!fitsField(value, f.size, rel.check)) {
            this.error(`relocation truncated to fit: ${rel.name} against \`${f.symbol}'`, f.location);
            continue;
          }
          let v = value;
          const at = Number(input.offset) + f.offset;
          for (let i = 0; i < f.size; i++) {
            buf[at + i] = Number(v & 0xffn);
            v >>= 8n;
          }
        }
      }
    }
  }

  private entry(scriptEntry: { name: string; loc: SourceLocation } | undefined): bigint {
    const name = this.options.entry ?? scriptEntry?.name ?? '_start';
    const fromUserScript = this.options.entry === undefined && scriptEntry && this.options.script !== undefined;
    const loc = fromUserScript ? scriptEntry.loc : LINKER_LOCATION;
    const s = this.scriptSymbols.get(name);
    if (s) return s.value;
    const g = this.inputs.globals.get(name);
    if (g?.def && !g.def.input?.discarded) return this.inputAddress(g.def.input, g.def.sym.value);
    if (/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(name)) return BigInt(name);
    this.missingEntry = name;
    const text = this.sections.find((os) => os.name === '.text' && (os.flags & SHF_ALLOC) !== 0);
    if (text) {
      this.error(`cannot find entry symbol ${name}; defaulting to ${text.vma.toString(16).padStart(16, '0')}`, loc, 'warning');
      return text.vma;
    }
    this.error(`cannot find entry symbol ${name}; not setting start address`, loc, 'warning');
    return 0n;
  }

  private missingEntry?: string;
  private readonly lineModule = new Map<LinkedLine, number>();

  private lineMap(): LinkedLine[] {
    const out: { line: LinkedLine; module: number; seq: number }[] = [];
    let seq = 0;
    for (const info of this.inputs.modules) {
      for (const rec of info.module.lines) {
        const input = info.sectionByName.get(rec.section);
        const os = input?.out as OutputSection | undefined;
        if (!input || input.discarded || input.merged || !os || !os.kept || (os.flags & SHF_ALLOC) === 0) continue;
        const line: LinkedLine = {
          address: u64(os.vma + input.offset + BigInt(rec.offset)),
          length: rec.length,
          location: rec.location,
          chain: rec.chain,
          isInstruction: rec.isInstruction,
        };
        out.push({ line, module: info.index, seq: seq++ });
      }
    }
    out.sort((a, b) => (a.line.address < b.line.address ? -1 : a.line.address > b.line.address ? 1 : a.seq - b.seq));
    for (const o of out) this.lineModule.set(o.line, o.module);
    return out.map((o) => o.line);
  }

  private symbolMap(): Map<string, bigint> {
    const map = new Map<string, bigint>();
    for (const g of this.inputs.globals.values()) {
      const s = this.scriptSymbols.get(g.name);
      if (s) map.set(g.name, s.value);
      else if (g.def && !g.def.input?.discarded) map.set(g.name, this.inputAddress(g.def.input, g.def.sym.value));
    }
    for (const [name, s] of this.scriptSymbols) if (!map.has(name)) map.set(name, s.value);
    for (const info of this.inputs.modules) {
      for (const [name, d] of info.locals) {
        if (map.has(name) || d.sym.type === 'section' || name.startsWith('.L') || d.input?.discarded) continue;
        map.set(name, this.inputAddress(d.input, d.sym.value));
      }
    }
    return map;
  }

  /** The allocated output section at or before `value` (ld's _bfd_nearby_section, roughly). */
  private nearbySection(value: bigint): OutputSection | undefined {
    let best: OutputSection | undefined;
    for (const os of this.sections) {
      if ((os.flags & SHF_ALLOC) === 0) continue;
      if (os.vma <= value && (!best || os.vma >= best.vma)) best = os;
    }
    return best ?? this.sections.find((os) => (os.flags & SHF_ALLOC) !== 0);
  }

  private symType(sym: AsmSymbol): number {
    return sym.type === 'object' ? 1 : sym.type === 'func' ? 2 : 0;
  }

  private outputSymbols(): OutSymbol[] {
    const locals: OutSymbol[] = [];
    const globals: OutSymbol[] = [];
    const sectionOf = (def: DefinedSymbol, value: bigint): OutSymbol['section'] => {
      if (!def.input) return 'abs';
      const os = def.input.out as OutputSection | undefined;
      if (os?.kept) return os;
      // Its output section was removed for being empty: like ld, use a nearby one.
      return this.nearbySection(value) ?? 'abs';
    };
    for (const info of this.inputs.modules) {
      const own: OutSymbol[] = [];
      for (const sym of info.module.symbols) {
        if (sym.binding !== 'local' || !sym.defined || sym.type === 'section' || sym.type === 'file') continue;
        if (sym.name === '' || sym.name.startsWith('.L')) continue;
        const def = info.locals.get(sym.name);
        if (!def || def.sym !== sym || def.input?.discarded) continue;
        // ld drops local symbols of output sections removed for being empty.
        if (def.input && !(def.input.out as OutputSection | undefined)?.kept) continue;
        const value = this.inputAddress(def.input, sym.value);
        own.push({ name: sym.name, value, size: sym.size ?? 0n, bind: 0, type: this.symType(sym), section: sectionOf(def, value) });
      }
      if (own.length === 0) continue;
      const fileSym = info.module.symbols.find((s) => s.type === 'file');
      locals.push({ name: fileSym?.name ?? basename(info.module.fileName), value: 0n, size: 0n, bind: 0, type: 4, section: 'abs' });
      locals.push(...own);
    }
    const scriptSection = (s: ScriptSymbol): OutSymbol['section'] => (s.section ? (s.section.kept ? s.section : (this.nearbySection(s.value) ?? 'abs')) : 'abs');
    for (const s of this.scriptSymbols.values()) {
      if (s.hidden) locals.push({ name: s.name, value: s.value, size: 0n, bind: 0, type: 0, section: scriptSection(s), other: 2 });
    }
    for (const g of this.inputs.globals.values()) {
      const s = this.scriptSymbols.get(g.name);
      if (s?.hidden) continue;
      if (g.def && !g.def.input?.discarded) {
        const sym = g.def.sym;
        const bind = sym.binding === 'weak' ? 2 : 1;
        if (s) globals.push({ name: g.name, value: s.value, size: sym.size ?? 0n, bind, type: this.symType(sym), section: scriptSection(s) });
        else {
          const value = this.inputAddress(g.def.input, sym.value);
          globals.push({ name: g.name, value, size: sym.size ?? 0n, bind, type: this.symType(sym), section: sectionOf(g.def, value) });
        }
      } else if (s) {
        globals.push({ name: g.name, value: s.value, size: 0n, bind: 1, type: 0, section: scriptSection(s) });
      }
      // Undefined weak symbols resolve to 0 and, as with ld -static, do not appear in .symtab.
    }
    for (const s of this.scriptSymbols.values()) {
      if (s.hidden || this.inputs.globals.has(s.name)) continue;
      globals.push({ name: s.name, value: s.value, size: 0n, bind: 1, type: 0, section: scriptSection(s) });
    }
    // ld keeps an unresolved entry symbol as an undefined global.
    if (this.missingEntry && !globals.some((g) => g.name === this.missingEntry)) {
      globals.push({ name: this.missingEntry, value: 0n, size: 0n, bind: 1, type: 0, section: 'undef' });
    }
    return [...locals, ...globals];
  }
}
