/**
 * Section layout driven by a linker script (the user's, or the built-in default one): input
 * sections are matched to output sections in script order, unmatched ones placed as orphans
 * the way ld does, then the script is evaluated repeatedly until addresses, sizes and symbols
 * stop changing (forward references, SIZEOF_HEADERS and DATA_SEGMENT_ALIGN need that).
 */
import type { Diagnostic, SourceLocation } from '../types.js';
import { alignUp, u64 } from './bytes.js';

const hex16 = (v: bigint) => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
import { COMMONPAGESIZE, MAXPAGESIZE, abs, evaluate, num, number, toAbs, type EvalContext, type SectionRef, type Val } from './expr.js';
import {
  LINKER_LOCATION, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_TLS, SHF_WRITE, SHT_NOBITS, SHT_NOTE, SHT_PROGBITS,
  placeInInput, type GlobalSymbol, type InputSection, type InputSet,
} from './inputs.js';
import { entrySize, mergeSections } from './merge.js';
import { optimizeEhFrame } from './eh-frame.js';
import type { Fixup } from '../object.js';
import type { Assignment, Expr, InputSpec, LinkerScript, MemoryRegion, OutputSectionStmt, SectionCmd, Statement } from './script.js';

export interface Gap {
  offset: bigint;
  size: bigint;
  /** Fill pattern (repeated from the gap start); undefined: code NOPs or zeros. */
  fill?: Uint8Array;
}

export interface DataItem {
  offset: bigint;
  size: 1 | 2 | 4 | 8;
  value: bigint;
}

export interface OutputSection extends SectionRef {
  name: string;
  stmt: OutputSectionStmt;
  inputs: InputSection[];
  flags: number;
  type: number;
  kept: boolean;
  gaps: Gap[];
  data: DataItem[];
  /** Section header index in the output (set by the writer). */
  index: number;
  /** Order in the statement list (section headers follow it). */
  order: number;
  hasData: boolean;
  disabled: boolean;
  region?: string;
  /** Filled in by the linker before writing. */
  contents?: Uint8Array;
  entsize?: number;
  /** sh_flags when they differ from the flags used for layout (BFD's special section names). */
  headerFlags?: number;
  /** Kept even if empty (an .eh_frame whose records were all dropped). */
  keepEmpty?: boolean;
  offset?: bigint;
}

export interface ScriptSymbol {
  name: string;
  value: bigint;
  /** Output section the value is relative to in expressions (ld's section-relative symbols). */
  rel?: OutputSection;
  /** Output section for the symbol table's st_shndx, or undefined for SHN_ABS. */
  section?: OutputSection;
  hidden: boolean;
  loc: SourceLocation;
}

export interface LayoutResult {
  sections: OutputSection[];
  scriptSymbols: Map<string, ScriptSymbol>;
  /** ELF header and program headers are part of the first load segment (SIZEOF_HEADERS was used). */
  loadHeaders: boolean;
  entry?: { name: string; loc: SourceLocation };
  /** PT_GNU_RELRO range when the default layout moved RELRO sections to a page boundary. */
  relro?: { start: bigint; end: bigint };
}

interface PassState {
  dot: bigint;
  /** The output section `.` is relative to at top level (after a section statement), for symbol section indexes. */
  dotSection?: OutputSection;
  cur?: OutputSection;
  sdot: bigint;
  fill?: Uint8Array;
  gaps: Gap[];
  data: DataItem[];
  assigned: Set<string>;
  /** Per memory region: addresses of the last section, whose VMA-to-LMA offset the next one keeps. */
  lastOs: Map<string, { vma: bigint; lma: bigint }>;
  regionCur: Map<string, bigint>;
  dataSegBase?: bigint;
  /** `.` where DATA_SEGMENT_ALIGN was evaluated. */
  dataSegDot?: bigint;
  dataSegEnd?: bigint;
  relroEnd?: bigint;
}

const C_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Flags BFD gives sections with well-known names (elf.c special_sections) even without input. */
function specialFlags(name: string): number {
  const is = (base: string) => name === base || name.startsWith(base + '.');
  if (is('.text') || is('.init') || is('.fini')) return SHF_ALLOC | SHF_EXECINSTR;
  if (is('.rodata') || name === '.rodata1') return SHF_ALLOC;
  if (is('.data') || name === '.data1' || is('.bss')) return SHF_ALLOC | SHF_WRITE;
  if (is('.tdata') || is('.tbss')) return SHF_ALLOC | SHF_WRITE | SHF_TLS;
  return 0;
}

/** ld's wildcard matching: `*`, `?`, `[...]` (with `!`/`^` negation). */
export function wildcardMatch(pattern: string, text: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === text;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$', 's').test(text);
  } catch {
    return false;
  }
}

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** `file.o` in a script matches the module `dir/file.o`, and also `file.s` / `file.S` (our modules are named after their sources). */
export function fileMatch(pattern: string, fileName: string): boolean {
  if (pattern === '*') return true;
  if (wildcardMatch(pattern, fileName)) return true;
  if (pattern.includes('/')) return false;
  const base = basename(fileName);
  if (wildcardMatch(pattern, base)) return true;
  const stem = base.replace(/\.[^.]*$/, '');
  return base !== stem && /\.(s|S|asm)$/.test(base) && wildcardMatch(pattern, stem + '.o');
}

function initPriority(name: string): number {
  const m = /\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : 65535;
}

function fillPattern(v: bigint): Uint8Array {
  const x = Number(v & 0xffffffffn) >>> 0;
  return new Uint8Array([(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff]);
}

export class Layout {
  readonly sections: OutputSection[] = [];
  private readonly byName = new Map<string, OutputSection[]>();
  private readonly statements: Statement[] = [];
  private readonly matches = new Map<InputSpec, InputSection[]>();
  private readonly scriptSymbols = new Map<string, ScriptSymbol>();
  private previousScriptSymbols = new Map<string, ScriptSymbol>();
  private readonly scriptRefs = new Set<string>();
  private readonly memory = new Map<string, { region: MemoryRegion; origin: bigint; length: bigint }>();
  private loadHeaders = false;
  /** Program headers SIZEOF_HEADERS accounts for (0: evaluate it as 0, ld's first estimate pass). */
  private headerCount = 0;
  private final = false;
  private dataSegMode: 'normal' | 'adjust' | 'relro' = 'normal';
  private relroBase?: bigint;
  private readonly discarded: InputSection[] = [];

  constructor(
    private readonly inputs: InputSet,
    private readonly script: LinkerScript,
    private readonly diags: Diagnostic[],
    private readonly extraRefs: string[],
  ) {}

  // ---------------------------------------------------------------- mapping

  /** Matches input sections to output sections and places orphans (once). */
  prepare(): void {
    this.map();
    for (const r of this.script.memory) {
      const ctx = this.constContext();
      const origin = toAbs(evaluate(r.origin, ctx));
      const length = toAbs(evaluate(r.length, ctx));
      if (this.memory.has(r.name)) this.error(`redeclaration of memory region \`${r.name}'`, r.loc);
      this.memory.set(r.name, { region: r, origin, length });
    }
    this.collectScriptRefs();
    // ld's lang_propagate_lma_regions: a section without AT/address in the same region as the
    // previous one inherits its AT> region.
    let prev: OutputSectionStmt | undefined;
    for (const st of this.statements) {
      if (st.k !== 'osec' || st.name === '/DISCARD/') continue;
      let r = st.lmaRegion;
      if (!r && prev && !st.lma && !st.addr && st.region === prev.region) r = this.lmaRegions.get(prev);
      if (r) this.lmaRegions.set(st, r);
      prev = st;
    }
  }

  private readonly lmaRegions = new Map<OutputSectionStmt, string>();

  /** Assigns addresses (again, after setHeaderCount) and reports the layout. */
  layout(): LayoutResult {
    this.size();
    return {
      sections: this.sections.filter((s) => s.kept && !s.disabled),
      scriptSymbols: this.scriptSymbols,
      loadHeaders: this.loadHeaders,
      entry: this.script.entry,
      relro: this.relroRange(),
    };
  }

  private relroRange(): { start: bigint; end: bigint } | undefined {
    const st = this.lastState;
    if (this.dataSegMode !== 'relro' || !st || st.dataSegBase === undefined || st.relroEnd === undefined) return undefined;
    const end = alignUp(st.relroEnd, COMMONPAGESIZE);
    const secs = this.relroSections(st.dataSegBase, st.relroEnd);
    if (secs.length === 0) return undefined;
    const start = secs.reduce((m, x) => (x.vma < m ? x.vma : m), secs[0].vma);
    return { start, end };
  }

  private error(message: string, loc: SourceLocation, severity: Diagnostic['severity'] = 'error'): void {
    (this.final ? this.finalDiags : this.diags).push({ severity, message, location: loc, chain: [] });
  }

  /** Diagnostics of the last final pass (replaced each time layout() runs). */
  finalDiags: Diagnostic[] = [];

  private newSection(stmt: OutputSectionStmt): OutputSection {
    const os: OutputSection = {
      name: stmt.name, stmt, inputs: [], flags: 0, type: SHT_NOBITS, kept: false, gaps: [], data: [],
      index: 0, order: 0, hasData: stmt.cmds.some((c) => c.k === 'data'), disabled: false,
      vma: 0n, lma: 0n, size: 0n, align: 1n, region: stmt.region,
    };
    this.sections.push(os);
    const list = this.byName.get(stmt.name) ?? [];
    list.push(os);
    this.byName.set(stmt.name, list);
    return os;
  }

  private sectionFor = new Map<OutputSectionStmt, OutputSection>();

  private map(): void {
    const assigned = new Set<InputSection>();
    const all = this.inputs.sections;
    for (const st of this.script.statements) {
      this.statements.push(st);
      if (st.k !== 'osec') continue;
      const isDiscard = st.name === '/DISCARD/';
      const os = isDiscard ? undefined : this.newSection(st);
      if (os) this.sectionFor.set(st, os);
      const mine: InputSection[] = [];
      for (const cmd of st.cmds) {
        if (cmd.k !== 'input') continue;
        const got = this.match(cmd, all, assigned);
        this.matches.set(cmd, got);
        for (const s of got) {
          assigned.add(s);
          mine.push(s);
        }
      }
      if (os && st.constraint) {
        const ro = mine.every((s) => (s.sec.flags & SHF_WRITE) === 0);
        if ((st.constraint === 'ro') !== ro && mine.length > 0) {
          // ONLY_IF_RO / ONLY_IF_RW not satisfied: the statement does not exist; its inputs stay available.
          os.disabled = true;
          for (const s of mine) assigned.delete(s);
          for (const cmd of st.cmds) if (cmd.k === 'input') this.matches.set(cmd, []);
          continue;
        }
      }
      if (isDiscard) {
        for (const s of mine) {
          s.discarded = true;
          this.discarded.push(s);
        }
      } else if (os) {
        os.inputs.push(...mine);
      }
    }
    this.placeOrphans(all.filter((s) => !assigned.has(s)));
    for (const os of this.sections) for (const s of os.inputs) s.out = os;
    for (const os of this.sections) {
      mergeSections(os.inputs);
      this.editEhFrame(os);
      this.computeFlags(os);
    }
    this.statements.forEach((st, i) => {
      if (st.k === 'osec') {
        const os = this.sectionFor.get(st);
        if (os) os.order = i;
      }
    });
  }

  private editEhFrame(os: OutputSection): void {
    const eh = os.inputs.filter((s) => s.sec.name === '.eh_frame' && s.sec.type !== SHT_NOBITS && !s.discarded && !s.merged);
    if (eh.length === 0) return;
    // Code that is discarded, or in an output section that will be removed as empty.
    const gone = (s: InputSection | undefined): boolean => {
      if (!s) return false;
      if (s.discarded) return true;
      const out = s.out as OutputSection | undefined;
      return !!out && out.inputs.every((x) => x.size === 0n) && !out.hasData && !this.keepsSection(out.stmt);
    };
    const discardedTarget = (input: InputSection, f: Fixup): boolean => {
      const info = this.inputs.modules[input.moduleIndex];
      const local = info.locals.get(f.symbol);
      if (local) return gone(local.input);
      return gone(this.inputs.globals.get(f.symbol)?.def?.input);
    };
    const edited = optimizeEhFrame(eh, discardedTarget);
    if (!edited) return;
    for (const [input, r] of edited) {
      input.ehFrame = r;
      input.size = BigInt(r.bytes.length);
    }
    // ld keeps the output section even when editing left it empty.
    os.keepEmpty = true;
  }

  private match(spec: InputSpec, all: InputSection[], assigned: Set<InputSection>): InputSection[] {
    const out: { s: InputSection; sort: string }[] = [];
    for (const s of all) {
      if (assigned.has(s)) continue;
      const file = s.module.fileName;
      if (!fileMatch(spec.file, file)) continue;
      if (spec.excludeFiles.some((p) => fileMatch(p, file))) continue;
      const pat = spec.sections.find((p) => wildcardMatch(p.pattern, s.sec.name) && !p.excludeFiles.some((x) => fileMatch(x, file)));
      if (!pat) continue;
      out.push({ s, sort: pat.sort });
    }
    const sortKind = spec.sections.find((p) => p.sort !== 'none')?.sort;
    if (sortKind === 'name') out.sort((a, b) => (a.s.sec.name < b.s.sec.name ? -1 : a.s.sec.name > b.s.sec.name ? 1 : 0));
    else if (sortKind === 'alignment') out.sort((a, b) => Number(b.s.align - a.s.align));
    else if (sortKind === 'init_priority') out.sort((a, b) => initPriority(a.s.sec.name) - initPriority(b.s.sec.name));
    return out.map((x) => x.s);
  }

  private computeFlags(os: OutputSection): void {
    let flags = 0;
    let anyProgbits = false;
    // SHT_NOTE, SHT_INIT_ARRAY... survive when every input with contents has that type.
    let special: number | undefined;
    let align = 1n;
    for (const s of os.inputs) {
      flags |= s.sec.flags & (SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR | SHF_TLS);
      if (s.sec.type !== SHT_NOBITS) {
        special = !anyProgbits ? s.sec.type : special === s.sec.type ? special : SHT_PROGBITS;
        anyProgbits = true;
      }
      if (s.align > align) align = s.align;
    }
    // Without input sections: data commands make a read-only PROGBITS section; space made by
    // moving `.` a writable NOBITS one; an empty one kept for assigning `.` is only SHF_WRITE
    // (all as ld; layoutSection finishes this once the size is known).
    if (os.inputs.length === 0) {
      const first = os.stmt.cmds.find((c) => c.k === 'data' || c.k === 'assign');
      flags = first?.k === 'data' ? SHF_ALLOC : SHF_ALLOC | SHF_WRITE;
    }
    // SHF_MERGE/SHF_STRINGS (and the entry size) survive when every non-empty input has them alike.
    const sized = os.inputs;
    const mergeFlags = sized.length > 0 ? sized.reduce((m, s) => m & s.sec.flags, SHF_MERGE | SHF_STRINGS) : 0;
    const entsizes = new Set(sized.map((s) => entrySize(s.sec)));
    if ((mergeFlags & SHF_MERGE) !== 0 && entsizes.size === 1) {
      flags |= mergeFlags;
      os.entsize = [...entsizes][0];
    }
    os.flags = flags;
    os.type = anyProgbits ? (special ?? SHT_PROGBITS) : os.hasData ? SHT_PROGBITS : SHT_NOBITS;
    if (os.hasData && os.type !== SHT_NOBITS) os.type = SHT_PROGBITS;
    if (os.stmt.type === 'NOLOAD') os.type = SHT_NOBITS;
    if (os.stmt.type === 'READONLY') os.flags &= ~SHF_WRITE;
    os.align = align;
  }

  /** ld's orphan placement (ldelf_place_orphan, simplified to the classes assembly programs produce). */
  private placeOrphans(orphans: InputSection[]): void {
    const lastForPlace = new Map<string, OutputSectionStmt>();
    const anchors = new Map<string, OutputSectionStmt | undefined>();
    const created = new Map<string, OutputSection>();
    for (const s of orphans) {
      // Same name as a script statement or an earlier orphan: it joins that output section.
      const existing = created.get(s.sec.name) ?? this.byName.get(s.sec.name)?.find((o) => !o.disabled);
      if (existing) {
        if (!existing.inputs.includes(s)) {
          existing.inputs.push(s);
          const extra = this.orphanSpec(existing.stmt, s);
          this.matches.set(extra, [s]);
          existing.stmt.cmds.push(extra);
        }
        continue;
      }
      const flags = s.sec.flags;
      let place: string;
      if ((flags & SHF_ALLOC) === 0) place = 'nonalloc';
      else if (s.sec.type === SHT_NOTE) place = 'interp';
      else if (s.sec.type === SHT_NOBITS) place = (flags & SHF_TLS) !== 0 ? 'tbss' : 'bss';
      else if ((flags & SHF_TLS) !== 0) place = 'tdata';
      else if ((flags & SHF_WRITE) !== 0) place = 'data';
      else if ((flags & SHF_EXECINSTR) !== 0) place = 'text';
      else place = 'rodata';

      const stmt: OutputSectionStmt = { k: 'osec', name: s.sec.name, cmds: [], loc: LINKER_LOCATION, orphan: true };
      const spec = this.orphanSpec(stmt, s);
      stmt.cmds.push(spec);
      this.matches.set(spec, [s]);
      const os = this.newSection(stmt);
      os.inputs.push(s);
      this.sectionFor.set(stmt, os);
      created.set(s.sec.name, os);

      let index: number;
      const prev = lastForPlace.get(place);
      if (place === 'nonalloc') index = this.statements.length;
      else if (prev) index = this.statements.indexOf(prev) + 1;
      else {
        const anchor = this.findAnchor(place, s);
        anchors.set(place, anchor);
        index = this.insertAfter(anchor === undefined ? -1 : this.statements.indexOf(anchor));
      }
      stmt.anchor = anchors.get(place);
      this.statements.splice(index, 0, stmt);
      lastForPlace.set(place, stmt);
    }
  }

  /**
   * ld's insert_os_after: an orphan goes after its anchor statement and the symbol assignments
   * that follow it, but before the next output section, or before a `. = ...` that comes first.
   */
  private insertAfter(anchor: number): number {
    let assign: number | undefined;
    let ignoreFirst = anchor < 0;
    for (let i = anchor + 1; i < this.statements.length; i++) {
      const st = this.statements[i];
      if (st.k === 'assign') {
        if (assign === undefined && st.name === '.') {
          if (!ignoreFirst) assign = i;
          ignoreFirst = false;
        }
        continue;
      }
      if (st.k === 'assert') continue;
      const os = this.sectionFor.get(st);
      if (assign !== undefined && (!os || os.inputs.length === 0 || ((os.inputs.reduce((f, x) => f | x.sec.flags, 0) & SHF_ALLOC) !== 0))) return assign;
      return i;
    }
    return this.statements.length;
  }

  private orphanSpec(stmt: OutputSectionStmt, s: InputSection): InputSpec {
    return { k: 'input', keep: false, file: s.module.fileName, excludeFiles: [], sections: [{ pattern: s.sec.name, sort: 'none', excludeFiles: [] }], loc: stmt.loc };
  }

  private findAnchor(place: string, s: InputSection): OutputSectionStmt | undefined {
    const names: Record<string, string> = { text: '.text', rodata: '.rodata', data: '.data', bss: '.bss', tdata: '.tdata', tbss: '.tbss', interp: '.interp' };
    const byName = this.statements.find((st): st is OutputSectionStmt => st.k === 'osec' && st.name === names[place] && !this.sectionFor.get(st)?.disabled);
    if (byName) return byName;
    // Otherwise the last output section with compatible flags that has input sections.
    const want = s.sec.flags;
    let found: OutputSectionStmt | undefined;
    for (const st of this.statements) {
      if (st.k !== 'osec' || st.orphan) continue;
      const os = this.sectionFor.get(st);
      if (!os || os.disabled || os.inputs.length === 0) continue;
      const f = os.inputs.reduce((a, x) => a | x.sec.flags, 0);
      const nobits = os.inputs.every((x) => x.sec.type === SHT_NOBITS);
      if ((f & SHF_ALLOC) === 0) continue;
      let ok: boolean;
      switch (place) {
        case 'text':
          ok = (f & SHF_EXECINSTR) !== 0 && (f & SHF_WRITE) === 0;
          break;
        case 'rodata':
        case 'interp':
          ok = (f & SHF_WRITE) === 0 && !nobits;
          break;
        case 'data':
        case 'tdata':
          ok = (f & SHF_WRITE) !== 0 && !nobits;
          break;
        default:
          ok = (f & SHF_WRITE) !== 0;
      }
      if (ok && ((want & SHF_TLS) !== 0) === ((f & SHF_TLS) !== 0)) found = st;
    }
    return found;
  }

  private collectScriptRefs(): void {
    const walk = (e: Expr | undefined): void => {
      if (!e) return;
      switch (e.k) {
        case 'sym':
          this.scriptRefs.add(e.name);
          break;
        case 'un':
          walk(e.e);
          break;
        case 'bin':
          walk(e.l);
          walk(e.r);
          break;
        case 'cond':
          walk(e.c);
          walk(e.t);
          walk(e.f);
          break;
        case 'call':
          e.args.forEach(walk);
          break;
      }
    };
    const cmd = (c: SectionCmd | Statement): void => {
      if (c.k === 'assign') walk(c.expr);
      else if (c.k === 'data' || c.k === 'fill' || c.k === 'assert') walk(c.expr);
      else if (c.k === 'osec') {
        walk(c.addr);
        walk(c.lma);
        walk(c.align);
        walk(c.subalign);
        walk(c.fill);
        c.cmds.forEach(cmd);
      }
    };
    this.statements.forEach(cmd);
    for (const r of this.extraRefs) this.scriptRefs.add(r);
    if (this.script.entry) this.scriptRefs.add(this.script.entry.name);
  }

  // ---------------------------------------------------------------- sizing

  private signature(): string {
    const parts: string[] = [String(this.headerCount)];
    for (const os of this.sections) parts.push(`${os.kept ? 1 : 0}:${os.vma}:${os.lma}:${os.size}`);
    for (const [n, s] of this.scriptSymbols) parts.push(`${n}=${s.value}`);
    return parts.join(',');
  }

  private size(): void {
    this.final = false;
    this.finalDiags = [];
    this.dataSegMode = 'normal';
    this.relroBase = undefined;
    const converge = (): boolean => {
      let prev = '';
      for (let i = 0; i < 12; i++) {
        this.pass();
        const sig = this.signature();
        if (sig === prev) return true;
        prev = sig;
      }
      return false;
    };
    let ok = converge();
    // GNU ld's DATA_SEGMENT_ALIGN: with RELRO sections, end the RELRO region on a page boundary;
    // otherwise use the second formula when that saves a common page in the data segment.
    if (ok && this.lastState?.dataSegBase !== undefined && this.lastState.dataSegEnd !== undefined) {
      const base = this.lastState.dataSegBase;
      const end = this.lastState.dataSegEnd;
      const relroEnd = this.lastState.relroEnd;
      if (relroEnd !== undefined && this.relroActive()) {
        this.relroBase = this.relroAdjustedBase(base, relroEnd, this.lastState.dataSegDot ?? base);
        this.dataSegMode = 'relro';
        ok = converge();
      } else {
        const first = u64(-base) & (COMMONPAGESIZE - 1n);
        const last = end & (COMMONPAGESIZE - 1n);
        if (first !== 0n && last !== 0n && first + last <= COMMONPAGESIZE) {
          this.dataSegMode = 'adjust';
          ok = converge();
        }
      }
    }
    this.final = true;
    if (!ok) this.error('linker script layout does not converge (addresses keep changing between passes)', this.script.statements[0]?.loc ?? LINKER_LOCATION);
    this.pass();
  }

  /** Output sections with contents between DATA_SEGMENT_ALIGN and DATA_SEGMENT_RELRO_END. */
  private relroSections(base: bigint, relroEnd: bigint): OutputSection[] {
    return this.sections.filter((s) => s.kept && !s.disabled && (s.flags & SHF_ALLOC) !== 0 && s.vma >= base && s.vma < relroEnd);
  }

  /**
   * ld's lang_find_relro_sections: RELRO handling is on when an input section of non-zero size
   * matches a pattern of a statement between DATA_SEGMENT_ALIGN and DATA_SEGMENT_RELRO_END,
   * wherever it was placed (an .eh_frame matching the ONLY_IF_RW twin of its statement counts).
   */
  private relroActive(): boolean {
    const isCall = (st: Statement, fn: string) => st.k === 'assign' && st.name === '.' && st.expr.k === 'call' && st.expr.fn === fn;
    const from = this.statements.findIndex((st) => isCall(st, 'DATA_SEGMENT_ALIGN'));
    const to = this.statements.findIndex((st) => isCall(st, 'DATA_SEGMENT_RELRO_END'));
    if (from < 0 || to < from) return false;
    for (let i = from + 1; i < to; i++) {
      const st = this.statements[i];
      if (st.k !== 'osec') continue;
      for (const cmd of st.cmds) {
        if (cmd.k !== 'input') continue;
        for (const s of this.inputs.sections) {
          const out = s.out as OutputSection | undefined;
          // (sizes before .eh_frame editing, which ld does later)
          const size = s.ehFrame ? BigInt(s.sec.size) : s.size;
          if (s.discarded || !out?.kept || size === 0n || (out.flags & SHF_ALLOC) === 0) continue;
          if (this.specMatches(cmd, s)) return true;
        }
      }
    }
    return false;
  }

  private specMatches(spec: InputSpec, s: InputSection): boolean {
    const file = s.module.fileName;
    if (!fileMatch(spec.file, file) || spec.excludeFiles.some((p) => fileMatch(p, file))) return false;
    return spec.sections.some((p) => wildcardMatch(p.pattern, s.sec.name) && !p.excludeFiles.some((x) => fileMatch(x, file)));
  }

  /** Moves the start of the data segment up so that the RELRO part ends on a common-page boundary. */
  private relroAdjustedBase(base: bigint, relroEnd: bigint, dotBefore: bigint): bigint {
    let desired = alignUp(relroEnd, COMMONPAGESIZE);
    const secs = this.relroSections(base, relroEnd).sort((a, b) => (a.vma < b.vma ? 1 : a.vma > b.vma ? -1 : 0));
    for (const s of secs) {
      let start = desired - s.size;
      start -= start % s.align;
      desired = start;
    }
    // As low as possible while still on a page after the previous segment (what ld 2.40 ends up with).
    const floor = alignUp(dotBefore, MAXPAGESIZE);
    while (desired - COMMONPAGESIZE >= floor) desired -= COMMONPAGESIZE;
    return desired;
  }

  private lastState?: PassState;

  private pass(): void {
    this.previousScriptSymbols = new Map(this.scriptSymbols);
    this.scriptSymbols.clear();
    const st: PassState = {
      dot: 0n, sdot: 0n, gaps: [], data: [], assigned: new Set(), lastOs: new Map(), regionCur: new Map(),
    };
    for (const [name, m] of this.memory) st.regionCur.set(name, m.origin);
    this.state = st;
    for (const s of this.statements) {
      if (s.k === 'assign') this.assign(s, st, undefined);
      else if (s.k === 'assert') this.assertion(s.expr, s.message, s.loc);
      else if (s.k === 'osec') {
        if (s.name === '/DISCARD/') continue;
        const os = this.sectionFor.get(s);
        if (os && !os.disabled) this.layoutSection(os, st);
      }
    }
    if (this.final) {
      for (const [name, m] of this.memory) {
        const used = st.regionCur.get(name)!;
        if (used > m.origin + m.length) this.error(`region \`${name}' overflowed by ${used - (m.origin + m.length)} bytes`, m.region.loc);
      }
    }
    // Header count for SIZEOF_HEADERS is refined by the caller through setHeaderCount between passes.
    this.lastState = st;
  }

  private state!: PassState;

  /** The number of program headers the writer will emit (SIZEOF_HEADERS depends on it). */
  setHeaderCount(n: number): void {
    this.headerCount = n;
  }

  private layoutSection(os: OutputSection, st: PassState): void {
    const stmt = os.stmt;
    const alloc = (os.flags & SHF_ALLOC) !== 0 || os.inputs.length === 0;
    const ctxTop = this.context(st);
    let align = 1n;
    const subalign = stmt.subalign ? toAbs(evaluate(stmt.subalign, ctxTop)) : undefined;
    for (const s of os.inputs) {
      // (Inputs emptied by merging or .eh_frame editing still count: ld set the alignment before.)
      const a = subalign ?? s.align;
      if (a > align) align = a;
    }
    if (stmt.align) {
      const a = toAbs(evaluate(stmt.align, ctxTop));
      if (a > align) align = a;
    }
    os.align = align;
    const regionName = stmt.region;
    const region = regionName ? this.memory.get(regionName) : undefined;
    if (regionName && !region && this.final) this.error(`memory region \`${regionName}' not declared`, stmt.loc, 'warning');
    let vma: bigint;
    if (stmt.addr) {
      vma = toAbs(evaluate(stmt.addr, ctxTop));
      // ALIGN() applies to an explicit address too (input alignments do not).
      if (stmt.align) vma = alignUp(vma, toAbs(evaluate(stmt.align, ctxTop)));
    }
    else if (!alloc) vma = 0n;
    else if (region) vma = alignUp(st.regionCur.get(regionName!)!, align);
    else vma = alignUp(st.dot, align);
    vma = u64(vma);
    os.vma = vma;

    st.cur = os;
    st.sdot = vma;
    st.gaps = [];
    st.data = [];
    st.fill = stmt.fill ? fillPattern(toAbs(evaluate(stmt.fill, this.context(st)))) : undefined;
    for (const cmd of stmt.cmds) {
      const ctx = this.context(st);
      switch (cmd.k) {
        case 'input':
          for (const s of this.matches.get(cmd) ?? []) {
            // A merge or .eh_frame section left empty by editing is excluded, as BFD does (no alignment).
            if ((s.merged || s.ehFrame) && s.size === 0n) {
              s.offset = st.sdot - vma;
              continue;
            }
            const a = subalign ?? s.align;
            const at = alignUp(st.sdot, a);
            this.gap(st, at);
            s.offset = at - vma;
            st.sdot = at + s.size;
          }
          break;
        case 'data': {
          const v = toAbs(evaluate(cmd.expr, ctx));
          st.data.push({ offset: st.sdot - vma, size: cmd.size, value: v });
          st.sdot += BigInt(cmd.size);
          break;
        }
        case 'fill':
          st.fill = fillPattern(toAbs(evaluate(cmd.expr, ctx)));
          break;
        case 'assign':
          this.assign(cmd, st, os);
          break;
        case 'assert':
          this.assertion(cmd.expr, cmd.message, cmd.loc);
          break;
      }
    }
    os.size = st.sdot - vma;
    os.gaps = st.gaps;
    os.data = st.data;
    os.kept = os.size > 0n || os.data.length > 0 || os.inputs.some((s) => s.size > 0n) || this.keepsSection(stmt) || os.keepEmpty === true;
    st.cur = undefined;
    if (os.inputs.length === 0 && !os.hasData) {
      os.flags = os.size > 0n ? SHF_ALLOC | SHF_WRITE : SHF_WRITE;
      os.headerFlags = os.flags | specialFlags(os.name);
      os.type = os.size > 0n ? SHT_NOBITS : SHT_PROGBITS;
    }
    // ld removes empty output sections before sizing, but one with symbol assignments is still
    // placed like a section of size 0: `.` moves to its address or alignment (ALIGN() only
    // counts when it has input sections). Others have no effect.
    if (!os.kept) {
      // (ld's `update_dot`: only removed sections with symbol assignments are still sized.)
      const symbols = stmt.cmds.some((c) => c.k === 'assign' && c.name !== '.');
      // An explicit address is evaluated (and `.` set to it) for any section ld created.
      if (!symbols && !(stmt.addr && os.inputs.length > 0)) return;
      if (!stmt.addr && os.inputs.length === 0 && stmt.align && !region) vma = u64(st.dot);
      if (alloc) {
        st.dot = vma;
        st.dotSection = undefined;
        if (region) st.regionCur.set(regionName!, vma);
      }
      os.vma = vma;
      return;
    }

    // Load address (ld's lang_size_sections_1): AT(), AT> region, or the VMA-to-LMA offset of
    // the last section of the region, the LMA aligned like the section; LMA = VMA when `.` moved
    // backwards past that section, or when there is none.
    const key = regionName ?? '';
    const last = st.lastOs.get(key);
    const lmaRegion = this.lmaRegions.get(stmt);
    const lmaAlign = stmt.addr ? (stmt.align ? toAbs(evaluate(stmt.align, ctxTop)) : 1n) : align;
    if (stmt.lma) os.lma = u64(toAbs(evaluate(stmt.lma, this.context(st))));
    else if (lmaRegion) {
      const r = this.memory.get(lmaRegion);
      if (!r) {
        if (this.final) this.error(`memory region \`${lmaRegion}' not declared`, stmt.loc, 'warning');
        os.lma = vma;
      } else {
        os.lma = alignUp(st.regionCur.get(lmaRegion)!, align);
        st.regionCur.set(lmaRegion, os.lma + (os.type === SHT_NOBITS ? 0n : os.size));
      }
    } else if (!alloc) os.lma = vma;
    else if (stmt.orphan && stmt.anchor?.lma && (this.sectionFor.get(stmt.anchor)?.inputs.length ?? 0) > 0) {
      // ld gives an orphan placed after a section with AT() the same VMA-to-LMA offset expression.
      const anchor = this.sectionFor.get(stmt.anchor);
      const anchorLma = toAbs(evaluate(stmt.anchor.lma, this.context(st)));
      os.lma = alignUp(u64(vma + anchorLma - (anchor?.vma ?? 0n)), align);
    } else if (last) {
      if (vma < last.vma && os.size !== 0n && vma + os.size <= last.vma) {
        os.lma = vma;
        if (this.final && last.vma !== last.lma) this.error(`dot moved backwards before \`${os.name}'`, stmt.loc, 'warning');
      } else os.lma = alignUp(u64(vma + last.lma - last.vma), lmaAlign);
    } else os.lma = vma;
    if (alloc && !lmaRegion && (os.size !== 0n || (!last && os.vma !== os.lma) || (last && vma >= last.vma))) {
      st.lastOs.set(key, { vma: os.vma, lma: os.lma });
    }
    if (alloc) {
      st.dot = u64(vma + os.size);
      st.dotSection = os.kept ? os : undefined;
      if (region) st.regionCur.set(regionName!, vma + os.size);
    }
  }

  /**
   * ld keeps an output section that assigns to `.` even when it ends up empty, except for
   * `. = 0`, `. = . + 0` and `. = ALIGN(. != 0 ? x : 1)` (the default script's .bss idiom).
   */
  private keepsSection(stmt: OutputSectionStmt): boolean {
    const isNum = (e: Expr, v: bigint) => e.k === 'num' && e.v === v;
    return stmt.cmds.some((c) => {
      if (c.k !== 'assign' || c.name !== '.') return false;
      const e = c.expr;
      if (c.op === '=' && isNum(e, 0n)) return false;
      if ((c.op === '+=' || c.op === '-=') && isNum(e, 0n)) return false;
      if (c.op === '=' && e.k === 'bin' && e.op === '+' && e.l.k === 'dot' && isNum(e.r, 0n)) return false;
      if (c.op === '=' && e.k === 'call' && e.fn === 'ALIGN' && e.args.length === 1) {
        const a = e.args[0];
        if (a.k === 'cond' && a.c.k === 'bin' && a.c.op === '!=' && a.c.l.k === 'dot' && isNum(a.c.r, 0n) && isNum(a.f, 1n)) return false;
      }
      return true;
    });
  }

  private gap(st: PassState, to: bigint): void {
    if (to > st.sdot && st.cur) st.gaps.push({ offset: st.sdot - st.cur.vma, size: to - st.sdot, fill: st.fill });
  }

  private assertion(e: Expr, message: string, loc: SourceLocation): void {
    const v = toAbs(evaluate(e, this.context(this.state)));
    if (this.final && v === 0n) this.error(message, loc);
  }

  private assign(a: Assignment, st: PassState, os: OutputSection | undefined): void {
    const ctx = this.context(st);
    if (a.name === '.') {
      let v = evaluate(a.expr, ctx);
      if (a.op !== '=') v = this.compound(a.op, ctx.dot(a.loc), v, ctx, a.loc);
      if (os) {
        const target = v.kind === 'num' ? u64(os.vma + v.v) : toAbs(v);
        if (target < st.sdot) {
          if (this.final) this.error(`cannot move location counter backwards (from ${hex16(st.sdot)} to ${hex16(target)})`, a.loc);
          return;
        }
        this.gap(st, target);
        st.sdot = target;
      } else {
        st.dot = toAbs(v);
        st.dotSection = undefined;
      }
      return;
    }
    if (a.provide !== 'none') {
      const g = this.inputs.globals.get(a.name);
      const definedByObject = g?.def !== undefined;
      const referenced = (g?.referenced ?? false) || this.scriptRefs.has(a.name);
      if (definedByObject || !referenced || st.assigned.has(a.name)) return;
    }
    let v = evaluate(a.expr, ctx);
    if (a.op !== '=') v = this.compound(a.op, this.symbolValue(a.name, a.loc, ctx), v, ctx, a.loc);
    let rel: OutputSection | undefined;
    let section: OutputSection | undefined;
    let value: bigint;
    if (v.kind === 'rel') {
      rel = this.sections.find((s) => s === v.sec);
      section = rel;
      value = toAbs(v);
    } else if (v.kind === 'num' && os) {
      rel = os;
      section = os;
      value = u64(os.vma + v.v);
    } else {
      value = v.v;
      // Absolute values from `.` still get a section index in the symbol table, as ld gives them.
      if (!os && a.expr.k === 'dot' && st.dotSection && value === u64(st.dotSection.vma + st.dotSection.size)) section = st.dotSection;
      else if (!os && this.dotDerived(a.expr)) section = this.sectionAt(value);
    }
    st.assigned.add(a.name);
    this.scriptSymbols.set(a.name, { name: a.name, value, rel, section, hidden: a.provide === 'hidden', loc: a.loc });
  }

  private dotDerived(e: Expr): boolean {
    switch (e.k) {
      case 'dot':
        return true;
      case 'sym':
        return this.scriptSymbols.get(e.name)?.section !== undefined;
      case 'un':
        return this.dotDerived(e.e);
      case 'bin':
        return this.dotDerived(e.l) || this.dotDerived(e.r);
      case 'cond':
        return this.dotDerived(e.t) || this.dotDerived(e.f);
      case 'call':
        return e.fn === 'ALIGN' || e.fn === 'ADDR' || e.args.some((x) => this.dotDerived(x));
      default:
        return false;
    }
  }

  /** For symbols set from an absolute `.` at top level: the output section containing the address. */
  private sectionAt(value: bigint): OutputSection | undefined {
    let end: OutputSection | undefined;
    for (const s of this.sections) {
      if (!s.kept || s.disabled || (s.flags & SHF_ALLOC) === 0) continue;
      if (value >= s.vma && value < s.vma + s.size) return s;
      if (value === s.vma + s.size) end = s;
    }
    return end;
  }

  private compound(op: string, cur: Val, v: Val, ctx: EvalContext, loc: SourceLocation): Val {
    const bop = op.slice(0, -1);
    return evaluate({ k: 'bin', op: bop, l: this.literal(cur), r: this.literal(v), loc }, ctx);
  }

  /** Wraps a computed value back into an expression (for compound assignments). */
  private literal(v: Val): Expr {
    const loc = LINKER_LOCATION;
    if (v.kind === 'num') return { k: 'num', v: v.v, loc };
    if (v.kind === 'abs') return { k: 'call', fn: 'ABSOLUTE', args: [{ k: 'num', v: v.v, loc }], loc };
    const sec = v.sec;
    return {
      k: 'bin', op: '+', l: { k: 'call', fn: 'ADDR', args: [], name: sec.name, loc }, r: { k: 'num', v: v.v, loc }, loc,
    };
  }

  private objectSymbolValue(g: GlobalSymbol, ctx: EvalContext): Val | undefined {
    const d = g.def;
    if (!d) return undefined;
    if (!d.input) return number(d.sym.value, ctx);
    const at = placeInInput(d.input, d.sym.value);
    const out = at.input.out as OutputSection | undefined;
    if (!out || d.input.discarded) return abs(0n);
    return { kind: 'rel', v: u64(at.input.offset + at.offset), sec: out };
  }

  private scriptValue(s: ScriptSymbol, ctx: EvalContext): Val {
    // ld: inside an output section definition, absolute symbols are plain numbers.
    return s.rel ? { kind: 'rel', v: u64(s.value - s.rel.vma), sec: s.rel } : number(s.value, ctx);
  }

  private symbolValue(name: string, loc: SourceLocation, ctx: EvalContext): Val {
    const s = this.scriptSymbols.get(name);
    if (s) return this.scriptValue(s, ctx);
    const g = this.inputs.globals.get(name);
    const ov = g ? this.objectSymbolValue(g, ctx) : undefined;
    if (ov) return ov;
    const prev = this.previousScriptSymbols.get(name);
    if (prev) return this.scriptValue(prev, ctx);
    const ss = /^__(start|stop)_(.+)$/.exec(name);
    if (ss && C_IDENT.test(ss[2])) {
      const os = this.lookupSection(ss[2]);
      if (os) return { kind: 'rel', v: ss[1] === 'start' ? 0n : os.size, sec: os };
    }
    if (this.final && !this.willBeDefined(name)) this.error(`undefined symbol \`${name}' referenced in expression`, loc);
    return abs(0n);
  }

  private willBeDefined(name: string): boolean {
    return this.scriptSymbols.has(name) || this.previousScriptSymbols.has(name);
  }

  private lookupSection(name: string): OutputSection | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    return list.find((s) => s.kept && !s.disabled) ?? list.find((s) => !s.disabled) ?? list[0];
  }

  private constContext(): EvalContext {
    const st: PassState = {
      dot: 0n, sdot: 0n, gaps: [], data: [], assigned: new Set(), lastOs: new Map(), regionCur: new Map(),
    };
    return this.context(st);
  }

  private context(st: PassState): EvalContext {
    const self = this;
    return {
      dot() {
        if (st.cur) return { kind: 'rel', v: st.sdot - st.cur.vma, sec: st.cur };
        return abs(st.dot);
      },
      dotAbs() {
        return st.cur ? st.sdot : st.dot;
      },
      symbol(name, loc) {
        return self.symbolValue(name, loc, this);
      },
      defined(name) {
        if (st.assigned.has(name)) return true;
        const g = self.inputs.globals.get(name);
        return g?.def !== undefined;
      },
      section(name, fn, loc) {
        const os = self.lookupSection(name);
        if (!os) {
          if (self.final) self.error(`undefined section \`${name}' referenced in expression`, loc);
          return undefined;
        }
        if (!os.kept && fn !== 'SIZEOF' && fn !== 'ALIGNOF') return os;
        if (!os.kept) return { name: os.name, vma: os.vma, lma: os.lma, size: 0n, align: os.align };
        return os;
      },
      memory(name, fn, loc) {
        const m = self.memory.get(name);
        if (!m) {
          if (self.final) self.error(`undefined memory region \`${name}' referenced in expression`, loc);
          return num(0n);
        }
        return fn === 'ORIGIN' ? abs(m.origin) : num(m.length);
      },
      sizeofHeaders() {
        self.loadHeaders = true;
        return self.headerCount === 0 ? 0n : BigInt(64 + 56 * self.headerCount);
      },
      dataSegmentAlign(maxPage, commonPage) {
        const dot = st.cur ? st.sdot : st.dot;
        let v: bigint;
        if (self.dataSegMode === 'relro' && self.relroBase !== undefined) v = self.relroBase;
        else if (self.dataSegMode === 'adjust') {
          v = alignUp(dot, maxPage);
          if (commonPage < maxPage) v += (dot + commonPage - 1n) & (maxPage - commonPage);
        } else v = alignUp(dot, maxPage) + (dot & (maxPage - 1n));
        if (st.dataSegBase === undefined) {
          st.dataSegBase = v;
          st.dataSegDot = dot;
        }
        return v;
      },
      dataSegmentRelroEnd(offset, value) {
        st.relroEnd = value + offset;
        if (self.dataSegMode === 'relro') {
          const end = alignUp(value + offset, COMMONPAGESIZE);
          return end - offset;
        }
        return value;
      },
      dataSegmentEnd(value) {
        st.dataSegEnd = value;
        return value;
      },
      assertion(ok, message, loc) {
        if (self.final && !ok) self.error(message, loc);
      },
      error(message, loc) {
        if (self.final) self.error(message, loc);
      },
      inSection() {
        return st.cur !== undefined;
      },
    };
  }
}

