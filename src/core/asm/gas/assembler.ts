/**
 * The GAS front end's first pass: reads statements (expanding macros and loops, honouring
 * conditionals), defines symbols, and builds each section's fragments, encoding instructions
 * as it goes — the way GNU as does, so that operand sizes come out the same.
 */
import type { Diagnostic, ExpansionFrame, SourceFileSystem, SourceLine } from '../types.js';
import type { AsmValue } from '../object.js';
import type { AsmOperand, EncodeFn, EncodeRequest } from './encoder-api.js';
import { Cursor, isNameChar, isNameStart, parseExpr, type Expr, type Reporter } from './expr.js';
import {
  getAnyString, getToken, parseInvocation, parseMacroHeader, skipComma, skipWhite, substitute,
  type Macro,
} from './macro.js';
import {
  SHF_ALLOC, SHF_EXCLUDE, SHF_EXECINSTR, SHF_GNU_RETAIN, SHF_GROUP, SHF_LINK_ORDER, SHF_MERGE,
  SHF_STRINGS, SHF_TLS, SHF_WRITE, SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NOTE,
  SHT_PREINIT_ARRAY, SHT_PROGBITS,
  type BExpr, type DataFrag, type FillFrag, type Frag,
  type Run, type Section, type Sym, type VariableInit, type Where,
} from './model.js';
import { nopFill, PREFIX_BYTES, rexPrefixByte } from './nops.js';
import { parseOperand, splitOperands, type RawOperand } from './operands.js';
import { linesOfText, originAt, Scrubber, spanAt, splitStatements, type Stmt } from './source.js';
import { constantOf, evaluate, asConstant } from './value.js';
import type { IndexRecorder } from './source-index.js';

export interface FrontEndOptions {
  fileName: string;
  encoder: EncodeFn;
  maxMacroDepth: number;
  fs?: SourceFileSystem;
  includeDirs?: string[];
  /** Records definitions, uses and statements for editors (see source-index.ts). */
  recorder?: IndexRecorder;
}

interface Input {
  /** The next statement of this input, or undefined at its end. */
  next: () => Stmt | undefined;
  kind: 'file' | 'macro' | 'loop' | 'include';
  condBase: number;
  file?: string;
}

interface Cond {
  active: boolean;
  done: boolean;
  sawElse: boolean;
  where: Where;
}

export interface PendingLineRecord {
  frag: Frag;
  offset: number;
  /** undefined: the whole fragment. */
  length?: number;
  where: Where;
  isInstruction: boolean;
}

const JCC = new Set([
  'jo', 'jno', 'jb', 'jc', 'jnae', 'jae', 'jnb', 'jnc', 'je', 'jz', 'jne', 'jnz', 'jbe', 'jna', 'ja', 'jnbe',
  'js', 'jns', 'jp', 'jpe', 'jnp', 'jpo', 'jl', 'jnge', 'jge', 'jnl', 'jle', 'jng', 'jg', 'jnle',
]);
/** Mnemonics whose bare-expression operand is a direct branch target. */
const DIRECT_BRANCH = new Set([
  ...JCC, 'jmp', 'call', 'callq', 'jmpq', 'loop', 'loope', 'loopz', 'loopne', 'loopnz', 'jecxz', 'jrcxz', 'xbegin',
]);
const RELAXABLE = new Set([...JCC, 'jmp']);

const PLACEHOLDER = '__gas_operand_';

/** Default attributes of sections by name, as BFD's ELF back end assigns them. */
function specialSection(name: string): { type: number; flags: number } | undefined {
  const is = (base: string) => name === base || name.startsWith(base + '.');
  if (is('.text')) return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR };
  if (is('.data') || name === '.data1') return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE };
  if (is('.bss')) return { type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE };
  if (is('.rodata') || name === '.rodata1') return { type: SHT_PROGBITS, flags: SHF_ALLOC };
  if (is('.tdata')) return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE | SHF_TLS };
  if (is('.tbss')) return { type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE | SHF_TLS };
  if (is('.init_array')) return { type: SHT_INIT_ARRAY, flags: SHF_ALLOC | SHF_WRITE };
  if (is('.fini_array')) return { type: SHT_FINI_ARRAY, flags: SHF_ALLOC | SHF_WRITE };
  if (is('.preinit_array')) return { type: SHT_PREINIT_ARRAY, flags: SHF_ALLOC | SHF_WRITE };
  if (name === '.init' || name === '.fini') return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR };
  if (name.startsWith('.note')) return { type: SHT_NOTE, flags: 0 };
  if (is('.ctors') || is('.dtors')) return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE };
  return undefined;
}

const SECTION_FLAG_LETTERS: Record<string, number> = {
  a: SHF_ALLOC, w: SHF_WRITE, x: SHF_EXECINSTR, M: SHF_MERGE, S: SHF_STRINGS, G: SHF_GROUP, T: SHF_TLS,
  o: SHF_LINK_ORDER, R: SHF_GNU_RETAIN, e: SHF_EXCLUDE,
};
const SECTION_TYPES: Record<string, number> = {
  progbits: SHT_PROGBITS, nobits: SHT_NOBITS, note: SHT_NOTE, init_array: SHT_INIT_ARRAY,
  fini_array: SHT_FINI_ARRAY, preinit_array: SHT_PREINIT_ARRAY, unwind: 0x70000001,
};

interface Position {
  section: Section;
  sub: number;
}

type Handler = (d: DirectiveCall) => void;
interface DirectiveCall {
  stmt: Stmt;
  name: string;
  /** Start and end of the directive word. */
  pos: number;
  wordEnd: number;
  /** Start of the arguments (blanks skipped). */
  args: number;
}

export class FrontEnd {
  readonly diagnostics: Diagnostic[] = [];
  readonly sections = new Map<string, Section>();
  readonly symbols = new Map<string, Sym>();
  /** Every symbol object ever created (a redefined .set symbol leaves its old object here). */
  readonly allSymbols: Sym[] = [];
  readonly macros = new Map<string, Macro>();
  readonly lines: PendingLineRecord[] = [];
  fileSymbol?: { name: string; where: Where };

  private cur!: Position;
  private prev?: Position;
  private sectionStack: Array<{ cur: Position; prev?: Position }> = [];
  private fbCounters = new Map<string, number>();
  private inputs: Input[] = [];
  private conds: Cond[] = [];
  private macroCounter = 0;
  private macroDepth = 0;
  private noted = new Set<string>();
  private runCounter = 0;
  private handlers: Map<string, Handler>;
  private eqvDepth = 0;
  private estimates = new WeakMap<Frag[], number>();

  constructor(readonly options: FrontEndOptions) {
    this.handlers = this.directiveTable();
    this.switchTo(this.getSection('.text'), 0);
    this.getSection('.data');
    this.getSection('.bss');
  }

  // ---------------------------------------------------------------- diagnostics

  report(severity: Diagnostic['severity'], stmt: Stmt, pos: number, end: number | undefined, message: string): void {
    const o = spanAt(stmt, pos, end);
    this.diagnostics.push({ severity, message, location: o.location, chain: o.chain });
  }
  error(w: Where, message: string): void {
    this.report('error', w.stmt, w.pos, w.end, message);
  }
  warning(w: Where, message: string): void {
    this.report('warning', w.stmt, w.pos, w.end, message);
  }
  private reporter(stmt: Stmt): Reporter {
    return (sev, pos, end, msg) => this.report(sev, stmt, pos, end, msg);
  }
  private noteOnce(key: string, w: Where, message: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.report('note', w.stmt, w.pos, w.end, message);
  }

  // ---------------------------------------------------------------- driver

  run(lines: SourceLine[]): void {
    const stmts = this.scrubLines(lines);
    this.inputs.push({ next: fromArray(stmts), kind: 'file', condBase: 0, file: this.options.fileName });
    let guard = 0;
    for (;;) {
      const s = this.nextStmt();
      if (!s) break;
      if (++guard > 5_000_000) {
        this.error({ stmt: s, pos: 0, end: s.text.length }, 'too many statements (runaway expansion?)');
        break;
      }
      this.statement(s);
    }
  }

  private scrubLines(lines: SourceLine[]): Stmt[] {
    const scrubber = new Scrubber();
    const stmts: Stmt[] = [];
    for (const l of lines) scrubber.scrub(l, stmts);
    for (const w of scrubber.warnings) {
      const o = w.src.locate(w.column);
      this.diagnostics.push({ severity: 'warning', message: w.message, location: o.location, chain: o.chain });
    }
    return stmts;
  }

  private nextStmt(): Stmt | undefined {
    while (this.inputs.length) {
      const top = this.inputs[this.inputs.length - 1];
      const s = top.next();
      if (s) return s;
      this.popInput(true);
    }
    return undefined;
  }

  private popInput(checkConds: boolean): void {
    const top = this.inputs.pop()!;
    if (checkConds && this.conds.length > top.condBase) {
      const c = this.conds[top.condBase];
      const msg = top.kind === 'file' || top.kind === 'include' ? 'end of file inside conditional' : 'end of macro inside conditional';
      this.error(c.where, msg);
    }
    this.conds.length = Math.min(this.conds.length, top.condBase);
    if (top.kind === 'macro') this.macroDepth--;
  }

  private active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1].active;
  }

  /** Skips `name:` labels syntactically; returns the index after them. */
  private skipLabels(t: string, i: number, define?: Stmt): number {
    for (;;) {
      i = skipWhite(t, i);
      const lab = scanLabel(t, i);
      if (!lab) return i;
      if (define) this.defineLabel(lab.name, { stmt: define, pos: i, end: lab.nameEnd }, lab.numeric);
      i = lab.next;
    }
  }

  private statement(stmt: Stmt): void {
    const t = stmt.text;
    if (!this.active()) {
      const i = this.skipLabels(t, 0);
      const [word, wend] = readWord(t, i);
      const w = word.toLowerCase();
      if (w.startsWith('.if') || w === '.else' || w === '.elseif' || w === '.endif') {
        this.conditional({ stmt, name: w, pos: i, wordEnd: wend, args: skipWhite(t, wend) });
      }
      return;
    }
    if (this.options.recorder) {
      const w = readWord(t, this.skipLabels(t, 0))[0].toLowerCase();
      this.options.recorder.statement(stmt, w.startsWith('.if') || w === '.else' || w === '.elseif' || w === '.endif');
    }
    let i = this.skipLabels(t, 0, stmt);
    if (i >= t.length) return;
    // `name = expr`, `name == expr`
    const asg = /^([A-Za-z_.][A-Za-z0-9_.$]*|"[^"]*")[ \t]*(==?)(?!=)/.exec(t.slice(i));
    if (asg) {
      const name = asg[1].startsWith('"') ? asg[1].slice(1, -1) : asg[1];
      const at = i + asg[0].length;
      this.assignment(stmt, name, i, i + asg[1].length, at, asg[2] === '==' ? 'eqv' : 'set');
      return;
    }
    const [word, wend] = readWord(t, i);
    if (!word) {
      this.report('error', stmt, i, i + 1, `junk at end of line, first unrecognized character is \`${t[i]}'`);
      return;
    }
    const lw = word.toLowerCase();
    const args = skipWhite(t, wend);
    if (lw.startsWith('.')) {
      const h = this.handlers.get(lw);
      if (h) {
        h({ stmt, name: lw, pos: i, wordEnd: wend, args });
        return;
      }
      const m = this.macros.get(lw);
      if (m) {
        this.invokeMacro(m, stmt, i, wend);
        return;
      }
      if (lw.startsWith('.cfi_')) {
        this.noteOnce('.cfi', { stmt, pos: i, end: wend }, 'CFI directives are ignored (no .eh_frame is produced)');
        return;
      }
      this.report('error', stmt, i, wend, `unknown pseudo-op: \`${lw}'`);
      return;
    }
    const m = this.macros.get(lw);
    if (m) {
      this.invokeMacro(m, stmt, i, wend);
      return;
    }
    this.instruction(stmt, i);
  }

  // ---------------------------------------------------------------- sections and fragments

  getSection(name: string, flags?: number, type?: number, where?: Where): Section {
    let s = this.sections.get(name);
    if (s) {
      if (where && ((flags !== undefined && flags !== s.flags) || (type !== undefined && type !== s.type))) {
        this.warning(where, `ignoring changed section attributes for ${name}`);
      }
      return s;
    }
    const special = specialSection(name);
    s = {
      name,
      flags: flags ?? special?.flags ?? 0,
      type: type ?? special?.type ?? SHT_PROGBITS,
      align: 1,
      index: this.sections.size,
      subsections: new Map(),
      frags: [],
      runCounter: 0,
    };
    this.sections.set(name, s);
    return s;
  }

  private fragList(p: Position = this.cur): Frag[] {
    let list = p.section.subsections.get(p.sub);
    if (!list) {
      list = [this.newData(p.section, { section: p.section, id: this.runCounter++ }, 0)];
      p.section.subsections.set(p.sub, list);
    }
    return list;
  }

  private newData(section: Section, run: Run, runOffset: number): DataFrag {
    return { kind: 'data', section, run, runOffset, address: 0, size: 0, bytes: [], fixups: [] };
  }

  /** The fragment being filled (always a data fragment). */
  private get frag(): DataFrag {
    const list = this.fragList();
    return list[list.length - 1] as DataFrag;
  }

  private switchTo(section: Section, sub: number): void {
    if (this.cur && (this.cur.section !== section || this.cur.sub !== sub)) this.prev = this.cur;
    this.cur = { section, sub };
    this.fragList();
  }

  /** Appends a variable-size fragment; what follows starts a new run. */
  private addVariable(f: VariableInit): Frag {
    const tail = this.frag;
    const full = { ...f, section: this.cur.section, run: tail.run, runOffset: tail.runOffset + tail.bytes.length, address: 0, size: 0 } as Frag;
    const list = this.fragList();
    this.addEstimate(list, tail);
    this.addEstimate(list, full);
    list.push(full);
    list.push(this.newData(this.cur.section, { section: this.cur.section, id: this.runCounter++ }, 0));
    return full;
  }

  /** Appends a fixed-size fill, compactly when large. */
  private addFill(count: number, pattern: number[], where: Where, line = true): void {
    const total = count * pattern.length;
    if (total <= 0) return;
    const tail = this.frag;
    const start = tail.bytes.length;
    if (total <= 4096) {
      for (let k = 0; k < count; k++) tail.bytes.push(...pattern);
      if (line) this.lines.push({ frag: tail, offset: start, length: total, where, isInstruction: false });
      return;
    }
    const list = this.fragList();
    const fill: FillFrag = {
      kind: 'fill', section: this.cur.section, run: tail.run, runOffset: tail.runOffset + tail.bytes.length,
      address: 0, size: total, pattern, count,
    };
    this.addEstimate(list, tail);
    this.addEstimate(list, fill);
    list.push(fill);
    list.push(this.newData(this.cur.section, tail.run, fill.runOffset + total));
    if (line) this.lines.push({ frag: fill, offset: 0, where, isInstruction: false });
  }

  private get isCode(): boolean {
    return (this.cur.section.flags & SHF_EXECINSTR) !== 0;
  }

  /**
   * Current offset estimate in the section (variable fragments at their minimum size). Only
   * used as the `address` of encoder requests, which matters for constant branch targets alone.
   */
  private estimateOffset(): number {
    const list = this.fragList();
    return (this.estimates.get(list) ?? 0) + this.frag.bytes.length;
  }

  private addEstimate(list: Frag[], frag: Frag): void {
    const n = frag.kind === 'data' ? frag.bytes.length : frag.kind === 'fill' ? frag.size : frag.kind === 'branch' ? frag.shortSize || frag.nearSize : 0;
    this.estimates.set(list, (this.estimates.get(list) ?? 0) + n);
  }

  private checkNobits(where: Where, bytes: number[]): boolean {
    if (this.cur.section.type === SHT_NOBITS && bytes.some((b) => b !== 0)) {
      this.error(where, `attempt to store non-zero value in section \`${this.cur.section.name}'`);
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- symbols

  private newSym(name: string, temp = false): Sym {
    const s: Sym = { name, def: { kind: 'undef' }, type: 'notype', referenced: false, temp };
    this.allSymbols.push(s);
    return s;
  }

  lookup(name: string): Sym {
    let s = this.symbols.get(name);
    if (!s) {
      s = this.newSym(name);
      this.symbols.set(name, s);
    }
    return s;
  }

  private fbName(n: string, instance: number): string {
    return `.L${n}\u0002${instance}`;
  }

  private defineLabel(name: string, where: Where, numeric: boolean): void {
    if (numeric) {
      const n = String(BigInt(name));
      const k = (this.fbCounters.get(n) ?? 0) + 1;
      this.fbCounters.set(n, k);
      const full = this.fbName(n, k);
      let s = this.symbols.get(full);
      if (!s) {
        s = this.newSym(full, true);
        this.symbols.set(full, s);
      }
      s.temp = true;
      s.display = n;
      s.def = { kind: 'label', frag: this.frag, offset: this.frag.bytes.length };
      s.where = where;
      this.options.recorder?.symbol(full, 'label', where.stmt, where.pos, where.end, n);
      return;
    }
    this.options.recorder?.symbol(name, 'label', where.stmt, where.pos, where.end);
    const s = this.lookup(name);
    if (s.def.kind !== 'undef') {
      this.error(where, `symbol \`${name}' is already defined`);
      return;
    }
    s.def = { kind: 'label', frag: this.frag, offset: this.frag.bytes.length };
    s.where = where;
  }

  /** An anonymous symbol at the current location (the value of `.`). */
  private dotSymbol(): Sym {
    const s = this.newSym('.', true);
    s.def = { kind: 'label', frag: this.frag, offset: this.frag.bytes.length };
    return s;
  }

  /** Binds an expression's names to symbols, in the current context. */
  bind(e: Expr, stmt: Stmt): BExpr {
    const at = { pos: e.pos, end: e.end };
    switch (e.k) {
      case 'num':
        return { k: 'num', v: e.v, ...at };
      case 'dot':
        return { k: 'sym', sym: this.dotSymbol(), ...at };
      case 'local': {
        const k = this.fbCounters.get(e.label) ?? 0;
        if (e.dir === 'b' && k === 0) {
          this.report('error', stmt, e.pos, e.end, `backward ref to unknown label "${e.label}:"`);
          return { k: 'num', v: 0n, ...at };
        }
        const full = this.fbName(e.label, e.dir === 'b' ? k : k + 1);
        this.options.recorder?.symbol(full, 'reference', stmt, e.pos, e.end, e.label);
        let s = this.symbols.get(full);
        if (!s) {
          s = this.newSym(full, true);
          s.display = e.label;
          s.where = { stmt, pos: e.pos, end: e.end };
          this.symbols.set(full, s);
        }
        s.referenced = true;
        return { k: 'sym', sym: s, ...at };
      }
      case 'sym': {
        this.options.recorder?.symbol(e.name, 'reference', stmt, e.pos, e.end);
        const s = this.lookup(e.name);
        if (s.def.kind === 'equ') {
          const c = constantOf(s.def.expr, { mode: 'parse' });
          if (c !== undefined) return { k: 'num', v: c, ...at };
        } else if (s.def.kind === 'eqv') {
          if (this.eqvDepth > 100) {
            this.report('error', stmt, e.pos, e.end, `symbol definition loop encountered at \`${s.name}'`);
            return { k: 'num', v: 0n, ...at };
          }
          this.eqvDepth++;
          try {
            return this.bind(s.def.ast, s.def.stmt);
          } finally {
            this.eqvDepth--;
          }
        }
        s.referenced = true;
        if (!s.where && s.def.kind === 'undef') s.where = { stmt, pos: e.pos, end: e.end };
        return { k: 'sym', sym: s, ...at };
      }
      case 'un':
        return { k: 'un', op: e.op, e: this.bind(e.e, stmt), ...at };
      case 'bin':
        return { k: 'bin', op: e.op, l: this.bind(e.l, stmt), r: this.bind(e.r, stmt), ...at };
    }
  }

  /** Parses and binds one expression at the cursor. */
  private expression(cur: Cursor): BExpr {
    return this.bind(parseExpr(cur, this.reporter(cur.stmt)), cur.stmt);
  }

  /** A constant known now (GNU as get_absolute_expression), or undefined with an error. */
  private absolute(cur: Cursor, what = 'bad or irreducible absolute expression'): bigint | undefined {
    const start = cur.pos;
    const b = this.expression(cur);
    const r = evaluate(b, { mode: 'parse', warn: (m) => this.report('warning', cur.stmt, start, cur.pos, m) });
    const k = r.ok ? asConstant(r.val, 'parse') : undefined;
    if (k === undefined) {
      this.report('error', cur.stmt, start, cur.pos, what);
      return undefined;
    }
    return k;
  }

  /** Evaluates now: a constant, or the bound expression to resolve after layout. */
  private parseTimeValue(b: BExpr, where: Where): { constant: bigint } | { deferred: BExpr } {
    const r = evaluate(b, { mode: 'parse', warn: (m) => this.warning(where, m) });
    if (r.ok) {
      const k = asConstant(r.val, 'parse');
      if (k !== undefined) return { constant: k };
    }
    return { deferred: b };
  }

  private endOfStatement(cur: Cursor): boolean {
    cur.skipWs();
    if (cur.pos < cur.end) {
      this.report('error', cur.stmt, cur.pos, cur.end, `junk at end of line, first unrecognized character is \`${cur.text[cur.pos]}'`);
      return false;
    }
    return true;
  }

  private assignment(stmt: Stmt, name: string, pos: number, nameEnd: number, exprAt: number, kind: 'set' | 'equiv' | 'eqv'): void {
    const cur = new Cursor(stmt, exprAt);
    const where: Where = { stmt, pos, end: nameEnd };
    if (name !== '.') this.options.recorder?.symbol(name, 'set', stmt, pos, nameEnd);
    if (name === '.') {
      const b = this.expression(cur);
      if (!this.endOfStatement(cur)) return;
      this.org(b, 0, { stmt, pos, end: cur.pos });
      return;
    }
    let s = this.symbols.get(name);
    if (kind === 'eqv') {
      const ast = parseExpr(cur, this.reporter(stmt));
      if (!this.endOfStatement(cur)) return;
      if (s && s.def.kind !== 'undef' && s.def.kind !== 'eqv') {
        this.error(where, `symbol \`${name}' is already defined`);
        return;
      }
      s ??= this.lookup(name);
      s.def = { kind: 'eqv', ast, stmt };
      s.where = where;
      return;
    }
    const b = this.expression(cur);
    if (!this.endOfStatement(cur)) return;
    if (s && (s.def.kind === 'label' || s.fixed || (kind === 'equiv' && s.def.kind !== 'undef'))) {
      this.error(where, `symbol \`${name}' is already defined`);
      return;
    }
    if (s && s.def.kind === 'eqv') {
      this.error(where, `symbol \`${name}' is already defined`);
      return;
    }
    // Snapshot: a constant now stays that constant.
    const v = this.parseTimeValue(b, where);
    const expr: BExpr = 'constant' in v ? { k: 'num', v: v.constant } : b;
    if (s && s.def.kind === 'equ' && s.referenced) {
      // Earlier references keep the earlier definition (GNU as clones the symbol).
      const n = this.newSym(name);
      n.binding = s.binding;
      n.type = s.type;
      n.size = s.size;
      this.symbols.set(name, n);
      s = n;
    }
    s ??= this.lookup(name);
    s.def = { kind: 'equ', expr };
    s.where = where;
    if (kind === 'equiv') s.fixed = true;
    // `x = sym + c` with sym defined: GNU as copies sym's ELF type and size to x.
    const src = expr.k === 'sym' ? expr.sym : expr.k === 'bin' && (expr.op === '+' || expr.op === '-') && expr.l.k === 'sym' && expr.r.k === 'num' ? expr.l.sym : expr.k === 'bin' && expr.op === '+' && expr.r.k === 'sym' && expr.l.k === 'num' ? expr.r.sym : undefined;
    if (src && src.def.kind !== 'undef') {
      if (src.type !== 'notype') s.type = src.type;
      if (src.size) s.size = src.size;
    }
  }

  // ---------------------------------------------------------------- macros and loops

  /** Collects statements up to the matching end directive from the current input. */
  private collect(open: (w: string) => boolean, close: string, where: Where, what: string): Stmt[] | undefined {
    const top = this.inputs[this.inputs.length - 1];
    const body: Stmt[] = [];
    let depth = 1;
    for (let s = top.next(); s; s = top.next()) {
      const i = this.skipLabels(s.text, 0);
      const w = readWord(s.text, i)[0].toLowerCase();
      if (open(w)) depth++;
      else if (w === close) {
        if (--depth === 0) {
          // Labels before the end directive still count (GNU as keeps the line's label).
          if (i > 0) body.push({ ...s, text: s.text.slice(0, i), cols: s.cols.slice(0, i + 1) });
          return body;
        }
      }
      body.push(s);
    }
    this.error(where, what);
    return undefined;
  }

  private defineMacro(d: DirectiveCall): void {
    const where: Where = { stmt: d.stmt, pos: d.pos, end: d.wordEnd };
    const h = parseMacroHeader(d.stmt.text, d.args, this.reporter(d.stmt));
    const body = this.collect((w) => w === '.macro', '.endm', where, `unexpected end of file in macro \`${h?.name ?? ''}' definition`);
    if (!h || !body) return;
    if (this.macros.has(h.name)) {
      this.error({ stmt: d.stmt, pos: d.args, end: d.args + h.name.length }, `Macro \`${h.name}' was already defined`);
      return;
    }
    const nameAt = skipWhite(d.stmt.text, d.args);
    this.options.recorder?.macroDefinition(h.name, d.stmt, nameAt, nameAt + h.name.length, d.pos);
    this.macros.set(h.name, { name: h.name, params: h.params, body, where: { stmt: d.stmt, pos: nameAt, end: nameAt + h.name.length } });
  }

  private expansionFrames(stmt: Stmt, pos: number, end: number, kind: ExpansionFrame['kind'], name: string): ExpansionFrame[] {
    const o = spanAt(stmt, pos, end);
    return [{ kind, name, location: o.location }, ...o.chain];
  }

  private invokeMacro(m: Macro, stmt: Stmt, pos: number, wordEnd: number): void {
    if (this.macroDepth >= this.options.maxMacroDepth) {
      this.report('error', stmt, pos, wordEnd, `macros nested too deeply (more than ${this.options.maxMacroDepth} levels; endless recursion?)`);
      return;
    }
    const actual = parseInvocation(m, stmt.text, wordEnd, this.reporter(stmt));
    if (!actual) return;
    const counter = this.macroCounter++;
    // The frame names the macro as the invocation spells it (GAS names are case-insensitive).
    const frames = this.expansionFrames(stmt, pos, wordEnd, 'macro', stmt.text.slice(pos, wordEnd));
    this.options.recorder?.macroCall(m.name, stmt, pos, wordEnd, originAt(m.where.stmt, m.where.pos).location, actual, frames[0]);
    const lookup = (name: string) => {
      const p = m.params.find((q) => q.name === name);
      if (!p) return undefined;
      const v = actual.get(name);
      return v ? v : p.def;
    };
    const out: Stmt[] = [];
    for (const b of m.body) {
      const framed: Stmt = { ...b, frames };
      const s = substitute(framed, lookup, counter, this.reporter(framed));
      out.push(...splitStatements(s));
    }
    this.inputs.push({ next: fromArray(out), kind: 'macro', condBase: this.conds.length });
    this.macroDepth++;
  }

  private loop(d: DirectiveCall): void {
    const where: Where = { stmt: d.stmt, pos: d.pos, end: d.wordEnd };
    const body = this.collect((w) => w === '.rept' || w === '.irp' || w === '.irpc', '.endr', where, `${d.name} without .endr`);
    if (!body) return;
    const t = d.stmt.text;
    let count = 0;
    let iteration: (k: number, s: Stmt) => Stmt = (_k, s) => s;
    let frameName = d.name.slice(1);
    if (d.name === '.rept') {
      const cur = new Cursor(d.stmt, d.args);
      const n = this.absolute(cur);
      if (n === undefined || !this.endOfStatement(cur)) return;
      if (n < 0n) {
        this.error(where, 'negative count for REPT - ignored');
        return;
      }
      if (n > 10_000_000n) {
        this.error(where, `.rept count ${n} is too large`);
        return;
      }
      count = Number(n);
    } else {
      const [param, j] = getToken(t, d.args);
      if (!param) {
        this.report('error', d.stmt, d.args, t.length, 'missing model parameter');
        return;
      }
      frameName = param;
      let i = skipComma(t, j);
      const values: string[] = [];
      if (d.name === '.irp') {
        if (i >= t.length) values.push('');
        while (i < t.length) {
          const [v, k] = getAnyString(t, i);
          values.push(v);
          i = skipComma(t, k);
          if (k === i && i < t.length && t[i] !== ',') i++;
        }
      } else {
        let inQuote = false;
        if (i >= t.length) values.push('');
        while (i < t.length) {
          const c = t[i];
          if (c === '"') {
            inQuote = !inQuote;
            i++;
            continue;
          }
          if (!inQuote && (c === ' ' || c === '\t')) {
            i++;
            continue;
          }
          values.push(c);
          i++;
        }
      }
      const counter = this.macroCounter;
      count = values.length;
      iteration = (k, s) => substitute(s, (name) => (name === param ? values[k] : undefined), counter, this.reporter(s));
    }
    const frames = this.expansionFrames(d.stmt, d.pos, d.wordEnd, d.name === '.rept' ? 'rept' : d.name === '.irp' ? 'irp' : 'irpc', frameName);
    // Expanded lazily: `.rept 1000000` must not build all its statements up front.
    let k = 0;
    let j = 0;
    let pending: Stmt[] = [];
    const next = (): Stmt | undefined => {
      while (pending.length === 0) {
        if (k >= count || body.length === 0) return undefined;
        pending = splitStatements(iteration(k, { ...body[j], frames }));
        if (++j >= body.length) {
          j = 0;
          k++;
        }
      }
      return pending.shift();
    };
    this.inputs.push({ next, kind: 'loop', condBase: this.conds.length });
  }

  private exitMacro(d: DirectiveCall): void {
    let k = this.inputs.length - 1;
    while (k >= 0 && this.inputs[k].kind !== 'macro') k--;
    if (k < 0) {
      this.warning({ stmt: d.stmt, pos: d.pos, end: d.wordEnd }, 'ignoring macro exit outside a macro definition.');
      return;
    }
    while (this.inputs.length > k) this.popInput(false);
  }

  // ---------------------------------------------------------------- conditionals

  private conditional(d: DirectiveCall): void {
    const where: Where = { stmt: d.stmt, pos: d.pos, end: d.wordEnd };
    const top = this.conds[this.conds.length - 1];
    if (d.name === '.endif') {
      if (!top || this.conds.length <= this.inputs[this.inputs.length - 1].condBase) {
        this.error(where, '".endif" without ".if"');
        return;
      }
      this.conds.pop();
      return;
    }
    if (d.name === '.else') {
      if (!top || this.conds.length <= this.inputs[this.inputs.length - 1].condBase) {
        this.error(where, '".else" without matching ".if"');
        return;
      }
      if (top.sawElse) {
        this.error(where, 'duplicate "else"');
      }
      top.active = !top.done;
      top.done = true;
      top.sawElse = true;
      return;
    }
    if (d.name === '.elseif') {
      if (!top || this.conds.length <= this.inputs[this.inputs.length - 1].condBase) {
        this.error(where, '".elseif" without matching ".if"');
        return;
      }
      if (top.sawElse) this.error(where, '".elseif" after ".else"');
      if (top.done) {
        top.active = false;
        return;
      }
      const v = this.condValue(d, '.if');
      top.active = v ?? false;
      top.done = top.active;
      return;
    }
    // .if family
    if (!this.active()) {
      this.conds.push({ active: false, done: true, sawElse: false, where });
      return;
    }
    const v = this.condValue(d, d.name) ?? false;
    this.conds.push({ active: v, done: v, sawElse: false, where });
  }

  private condValue(d: DirectiveCall, name: string): boolean | undefined {
    const t = d.stmt.text;
    const cur = new Cursor(d.stmt, d.args);
    switch (name) {
      case '.if': case '.ifne': case '.ifeq': case '.ifgt': case '.ifge': case '.iflt': case '.ifle': {
        const v = this.absolute(cur, `non-constant expression in "${name === '.ifne' ? '.if' : name}" statement`);
        if (v === undefined) return undefined;
        this.endOfStatement(cur);
        switch (name) {
          case '.ifeq': return v === 0n;
          case '.ifgt': return v > 0n;
          case '.ifge': return v >= 0n;
          case '.iflt': return v < 0n;
          case '.ifle': return v <= 0n;
          default: return v !== 0n;
        }
      }
      case '.ifdef': case '.ifndef': case '.ifnotdef': {
        const nameStart = cur.pos;
        const n = cur.name();
        if (!n) {
          this.report('error', d.stmt, nameStart, t.length, 'invalid identifier for ".ifdef"');
          return undefined;
        }
        this.endOfStatement(cur);
        const s = this.symbols.get(n);
        const defined = !!s && s.def.kind !== 'undef';
        return name === '.ifdef' ? defined : !defined;
      }
      case '.ifb': case '.ifnb': {
        const blank = skipWhite(t, d.args) >= t.length;
        return name === '.ifb' ? blank : !blank;
      }
      case '.ifc': case '.ifnc': {
        const [a, i] = mriString(t, d.args, ',');
        if (t[i] !== ',') {
          this.report('error', d.stmt, i, t.length, 'bad format for ifc or ifnc');
          return undefined;
        }
        const [b] = mriString(t, i + 1, ';');
        return name === '.ifc' ? a === b : a !== b;
      }
      case '.ifeqs': case '.ifnes': {
        const a = this.stringLiteral(cur);
        if (a === undefined) return undefined;
        if (!cur.eat(',')) {
          this.report('error', d.stmt, cur.pos, t.length, `.ifeqs syntax error`);
          return undefined;
        }
        const b = this.stringLiteral(cur);
        if (b === undefined) return undefined;
        this.endOfStatement(cur);
        const eq = a.length === b.length && a.every((x, k) => x === b[k]);
        return name === '.ifeqs' ? eq : !eq;
      }
    }
    this.report('error', d.stmt, d.pos, d.wordEnd, `unknown pseudo-op: \`${name}'`);
    return undefined;
  }

  // ---------------------------------------------------------------- strings

  /** Parses a "..." literal at the cursor into bytes (GNU as escapes). */
  stringLiteral(cur: Cursor): number[] | undefined {
    cur.skipWs();
    const t = cur.text;
    if (cur.peek() !== '"') {
      this.report('error', cur.stmt, cur.pos, cur.pos + 1, 'expected string');
      return undefined;
    }
    const out: number[] = [];
    let i = cur.pos + 1;
    for (;;) {
      if (i >= cur.end) {
        this.report('warning', cur.stmt, cur.pos, i, 'unterminated string; newline inserted');
        break;
      }
      const c = t[i];
      if (c === '"') {
        i++;
        break;
      }
      if (c !== '\\') {
        const cp = c.codePointAt(0)!;
        if (cp < 0x80) out.push(cp);
        else out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      i++;
      const e = t[i];
      if (e === undefined) break;
      if (/[0-9]/.test(e)) {
        let v = 0;
        let n = 0;
        while (n < 3 && /[0-9]/.test(t[i] ?? '')) {
          v = v * 8 + Number(t[i]);
          i++;
          n++;
        }
        out.push(v & 0xff);
        continue;
      }
      if (e === 'x' || e === 'X') {
        i++;
        let v = 0;
        while (/[0-9a-fA-F]/.test(t[i] ?? '')) {
          v = (v * 16 + parseInt(t[i], 16)) & 0xffff;
          i++;
        }
        out.push(v & 0xff);
        continue;
      }
      const map: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9, '"': 34, '\\': 92 };
      out.push(map[e] ?? e.charCodeAt(0) & 0xff);
      i++;
    }
    cur.pos = i;
    return out;
  }

  // ---------------------------------------------------------------- instructions

  private instruction(stmt: Stmt, start: number): void {
    const t = stmt.text;
    const prefixes: string[] = [];
    let i = start;
    let [word, wend] = readWord(t, i);
    for (;;) {
      const lw = word.toLowerCase();
      const isPrefix = lw in PREFIX_BYTES || rexPrefixByte(lw) !== undefined || /^\{[a-z0-9]+\}$/.test(lw);
      if (!isPrefix) break;
      const next = skipWhite(t, wend);
      if (next >= t.length) {
        // A prefix on its own is an instruction of its own (just the prefix bytes).
        const res = this.options.encoder({ mnemonic: canonicalPrefix(lw), prefixes, operands: [], indirect: false, address: BigInt(this.estimateOffset()) });
        if (!res.ok) {
          this.report('error', stmt, start, wend, res.message);
          return;
        }
        for (const m of res.warnings ?? []) this.report('warning', stmt, start, wend, m);
        const f = this.frag;
        this.lines.push({ frag: f, offset: f.bytes.length, length: res.bytes.length, where: { stmt, pos: start, end: wend }, isInstruction: true });
        f.bytes.push(...res.bytes);
        return;
      }
      prefixes.push(canonicalPrefix(lw));
      i = next;
      [word, wend] = readWord(t, i);
      if (!word) {
        this.report('error', stmt, i, i + 1, `invalid character '${t[i]}' in mnemonic`);
        return;
      }
    }
    const mnemonic = word.toLowerCase();
    const where: Where = { stmt, pos: i, end: wend };
    if (wend < t.length && t[wend] !== ' ' && t[wend] !== '\t') {
      this.report('error', stmt, wend, wend + 1, `invalid character '${t[wend]}' in mnemonic`);
      return;
    }
    const opStart = skipWhite(t, wend);
    const report = this.reporter(stmt);
    const raw: Array<{ op: RawOperand; indirect: boolean }> = [];
    if (opStart < t.length) {
      // Parse quietly first: for an unknown mnemonic GNU as says so, not what is wrong with
      // the operands.
      const problems: Array<Parameters<Reporter>> = [];
      for (const [a, b] of splitOperands(t, opStart, t.length)) {
        const p = parseOperand(stmt, a, b, (...args) => problems.push(args));
        if (p) raw.push(p);
      }
      if (problems.some((p) => p[0] === 'error')) {
        const probe = this.options.encoder({ mnemonic, prefixes, operands: [], indirect: false, address: 0n });
        if (!probe.ok && probe.message.startsWith('no such instruction')) {
          this.report('error', stmt, where.pos, where.end, probe.message);
          return;
        }
      }
      for (const p of problems) report(...p);
      if (problems.some((p) => p[0] === 'error')) return;
    }
    const indirect = raw.some((r) => r.indirect);
    const deferred = new Map<string, BExpr>();
    const operands: AsmOperand[] = [];
    const spans: Array<[number, number]> = [];
    const valueOf = (e: Expr): AsmValue => {
      const b = this.bind(e, stmt);
      const v = this.parseTimeValue(b, { stmt, pos: e.pos, end: e.end });
      if ('constant' in v) return { kind: 'constant', value: v.constant };
      const ph = PLACEHOLDER + deferred.size;
      deferred.set(ph, b);
      return { kind: 'symbol', symbol: ph, addend: 0n };
    };
    const isBranch = DIRECT_BRANCH.has(mnemonic);
    let branchTarget: BExpr | undefined;
    for (const { op, indirect: ind } of raw) {
      spans.push([op.pos, op.end]);
      switch (op.kind) {
        case 'reg':
          operands.push({ kind: 'reg', name: op.name });
          break;
        case 'imm':
          operands.push({ kind: 'imm', value: valueOf(op.expr) });
          break;
        case 'expr':
          if (isBranch && !ind && raw.length === 1) {
            const b = this.bind(op.expr, stmt);
            const v = this.parseTimeValue(b, { stmt, pos: op.pos, end: op.end });
            if ('constant' in v) {
              this.report('error', stmt, op.pos, op.end, `branch to an absolute address is not supported`);
              return;
            }
            branchTarget = b;
            const ph = PLACEHOLDER + deferred.size;
            deferred.set(ph, b);
            operands.push({ kind: 'target', value: { kind: 'symbol', symbol: ph, addend: 0n } });
          } else {
            operands.push({ kind: 'mem', disp: valueOf(op.expr) });
          }
          break;
        case 'mem': {
          let scale: 1 | 2 | 4 | 8 | undefined;
          if (op.scale) {
            const b = this.bind(op.scale, stmt);
            const k = constantOf(b, { mode: 'parse' });
            if (k !== 1n && k !== 2n && k !== 4n && k !== 8n) {
              this.report('error', stmt, op.scale.pos, op.scale.end, `expecting scale factor of 1, 2, 4, or 8: got \`${t.slice(op.scale.pos, op.scale.end)}'`);
              return;
            }
            scale = Number(k) as 1 | 2 | 4 | 8;
          }
          const m: AsmOperand = { kind: 'mem' };
          if (op.segment) m.segment = op.segment;
          if (op.disp) m.disp = valueOf(op.disp);
          if (op.base) m.base = op.base;
          if (op.index) m.index = op.index;
          if (scale) m.scale = scale;
          operands.push(m);
          break;
        }
      }
    }
    const req: EncodeRequest = { mnemonic, prefixes, operands, indirect, address: BigInt(this.estimateOffset()) };
    if (branchTarget && RELAXABLE.has(mnemonic)) {
      this.relaxableBranch(req, branchTarget, where);
      return;
    }
    const res = this.options.encoder(req);
    if (!res.ok) {
      const span = res.operand !== undefined && spans[res.operand] ? spans[res.operand] : [where.pos, t.length];
      this.report('error', stmt, span[0], span[1], res.message);
      return;
    }
    for (const m of res.warnings ?? []) this.report('warning', stmt, where.pos, t.length, m);
    const f = this.frag;
    const base = f.bytes.length;
    if (!this.checkNobits(where, Array.from(res.bytes))) return;
    f.bytes.push(...res.bytes);
    for (const fx of res.fixups) {
      const e = deferred.get(fx.symbol);
      // The request's placeholder had addend 0: the fixup's addend is the encoder's adjustment.
      const expr: BExpr = e ?? { k: 'sym', sym: this.lookup(fx.symbol) };
      const adj = fx.addend;
      f.fixups.push({
        offset: base + fx.offset,
        size: fx.size,
        kind: fx.kind,
        expr,
        adj,
        check: fx.kind === 'abs' ? 'either' : 'signed',
        where: { stmt, pos: where.pos, end: t.length },
      });
    }
    this.lines.push({ frag: f, offset: base, length: res.bytes.length, where, isInstruction: true });
  }

  private relaxableBranch(req: EncodeRequest, target: BExpr, where: Where): void {
    const near = this.options.encoder({ ...req, branch: 'near', address: 0n });
    if (!near.ok) {
      this.report('error', where.stmt, where.pos, where.stmt.text.length, near.message);
      return;
    }
    for (const m of near.warnings ?? []) this.report('warning', where.stmt, where.pos, where.stmt.text.length, m);
    let shortSize = 0;
    if (!req.prefixes.includes('{disp32}')) {
      const short = this.options.encoder({
        ...req,
        operands: [{ kind: 'target', value: { kind: 'constant', value: 0n } }],
        branch: 'short',
        address: 0n,
      });
      if (short.ok) shortSize = short.bytes.length;
    }
    const f = this.addVariable({
      kind: 'branch', req: { ...req, prefixes: req.prefixes.filter((p) => p !== '{disp8}') }, target, form: 'near',
      shortSize, nearSize: near.bytes.length, local: false, where,
    });
    this.lines.push({ frag: f, offset: 0, where, isInstruction: true });
  }

  // ---------------------------------------------------------------- directives

  private directiveTable(): Map<string, Handler> {
    const h = new Map<string, Handler>();
    const on = (names: string[], fn: Handler) => names.forEach((n) => h.set(n, fn));
    on(['.if', '.ifne', '.ifeq', '.ifgt', '.ifge', '.iflt', '.ifle', '.ifdef', '.ifndef', '.ifnotdef', '.ifb', '.ifnb', '.ifc', '.ifnc', '.ifeqs', '.ifnes', '.else', '.elseif', '.endif'], (d) => this.conditional(d));
    on(['.macro'], (d) => this.defineMacro(d));
    on(['.endm'], (d) => this.warning(this.w(d), '.endm encountered without preceding .macro'));
    on(['.endr'], (d) => this.warning(this.w(d), '.endr encountered without preceding .rept, .irp, or .irpc'));
    on(['.exitm'], (d) => this.exitMacro(d));
    on(['.purgem'], (d) => this.purgem(d));
    on(['.rept', '.irp', '.irpc'], (d) => this.loop(d));
    on(['.altmacro'], (d) => this.error(this.w(d), '`.altmacro\' is not supported (only the default GNU as macro syntax is)'));
    on(['.noaltmacro', '.ident', '.arch', '.hidden', '.protected', '.internal', '.att_syntax_prefix'], (d) => this.ignoreArgs(d));
    on(['.text', '.data', '.bss'], (d) => this.simpleSection(d));
    on(['.section', '.pushsection'], (d) => this.sectionDirective(d));
    on(['.popsection'], (d) => this.popSection(d));
    on(['.previous'], (d) => this.previous(d));
    on(['.subsection'], (d) => this.subsection(d));
    on(['.globl', '.global', '.local', '.weak'], (d) => this.binding(d));
    on(['.type'], (d) => this.typeDirective(d));
    on(['.size'], (d) => this.sizeDirective(d));
    on(['.byte'], (d) => this.cons(d, 1));
    on(['.word', '.short', '.value', '.hword', '.2byte'], (d) => this.cons(d, 2));
    on(['.long', '.int', '.4byte'], (d) => this.cons(d, 4));
    on(['.quad', '.8byte'], (d) => this.cons(d, 8));
    on(['.octa'], (d) => this.cons(d, 16));
    on(['.ascii'], (d) => this.ascii(d, false));
    on(['.asciz', '.string'], (d) => this.ascii(d, true));
    on(['.zero', '.skip', '.space'], (d) => this.space(d));
    on(['.fill'], (d) => this.fill(d));
    on(['.nops'], (d) => this.nops(d));
    on(['.align', '.balign', '.balignw', '.balignl', '.p2align', '.p2alignw', '.p2alignl'], (d) => this.align(d));
    on(['.org'], (d) => {
      const cur = new Cursor(d.stmt, d.args);
      const b = this.expression(cur);
      let fill = 0;
      if (cur.eat(',')) fill = Number((this.absolute(cur) ?? 0n) & 0xffn);
      if (this.endOfStatement(cur)) this.org(b, fill, this.w(d));
    });
    on(['.set', '.equ'], (d) => this.setDirective(d, 'set'));
    on(['.equiv'], (d) => this.setDirective(d, 'equiv'));
    on(['.eqv'], (d) => this.setDirective(d, 'eqv'));
    on(['.code64'], () => {});
    on(['.code32', '.code16', '.code16gcc'], (d) => this.error(this.w(d), `\`${d.name}' is not supported: only 64-bit code (.code64)`));
    on(['.att_syntax'], (d) => {
      const cur = new Cursor(d.stmt, d.args);
      const n = cur.name();
      if (n === 'noprefix') this.error(this.w(d), '`.att_syntax noprefix\' is not supported (registers need `%\')');
      else if (n !== undefined && n !== 'prefix') this.error(this.w(d), `unknown .att_syntax option \`${n}'`);
    });
    on(['.intel_syntax'], (d) => this.error(this.w(d), '`.intel_syntax\' is not supported: only AT&T syntax is'));
    on(['.file'], (d) => this.fileDirective(d));
    on(['.loc', '.loc_mark_labels'], (d) => this.noteOnce(d.name, this.w(d), `\`${d.name}' is ignored (no debug line information is produced)`));
    on(['.error', '.warning', '.print'], (d) => this.message(d));
    on(['.err'], (d) => this.error(this.w(d), '.err encountered'));
    on(['.end'], () => {
      this.inputs.length = 0;
    });
    on(['.include'], (d) => this.include(d));
    on(['.lcomm'], (d) => this.lcomm(d));
    on(['.comm'], (d) => this.error(this.w(d), '`.comm\' is not supported (no common symbols): define the object in .bss instead'));
    on(['.uleb128', '.sleb128'], (d) => this.leb128(d, d.name === '.sleb128'));
    return h;
  }

  private w(d: DirectiveCall): Where {
    return { stmt: d.stmt, pos: d.pos, end: d.wordEnd };
  }

  private ignoreArgs(_d: DirectiveCall): void {}

  private purgem(d: DirectiveCall): void {
    const t = d.stmt.text;
    let i = d.args;
    do {
      i = skipWhite(t, i);
      const [name, j] = getToken(t, i);
      if (!name) {
        this.report('error', d.stmt, i, t.length, 'expected macro name');
        return;
      }
      if (!this.macros.delete(name.toLowerCase())) {
        this.report('warning', d.stmt, i, j, `Attempt to purge non-existing macro \`${name}'`);
      }
      i = skipWhite(t, j);
    } while (t[i++] === ',');
  }

  private message(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    let text: string;
    if (cur.eof()) {
      if (d.name === '.print') {
        this.report('error', d.stmt, d.args, d.args + 1, 'expected string');
        return;
      }
      text = `${d.name} directive invoked in source file`;
    } else {
      const bytes = this.stringLiteral(cur);
      if (bytes === undefined) return;
      text = new TextDecoder().decode(Uint8Array.from(bytes));
      this.endOfStatement(cur);
    }
    const sev = d.name === '.error' ? 'error' : d.name === '.warning' ? 'warning' : 'note';
    this.report(sev, d.stmt, d.pos, d.wordEnd, text);
  }

  private fileDirective(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    if (cur.eof()) return;
    if (cur.peek() === '"') {
      const bytes = this.stringLiteral(cur);
      if (bytes && !this.fileSymbol) this.fileSymbol = { name: new TextDecoder().decode(Uint8Array.from(bytes)), where: this.w(d) };
      return;
    }
    // `.file N "name"`: DWARF file table, which we do not produce.
    this.noteOnce('.file', this.w(d), '`.file N "name"\' is ignored (no debug line information is produced)');
  }

  private include(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const bytes = this.stringLiteral(cur);
    if (!bytes) return;
    const name = new TextDecoder().decode(Uint8Array.from(bytes));
    const fs = this.options.fs;
    if (!fs) {
      this.error(this.w(d), `can't open ${name} for reading: no file system available`);
      return;
    }
    if (this.inputs.filter((x) => x.kind === 'include').length > 50) {
      this.error(this.w(d), `.include nested too deeply`);
      return;
    }
    const here = this.inputs.slice().reverse().find((x) => x.file)?.file ?? this.options.fileName;
    const dirs = [fs.dirname(here), ...(this.options.includeDirs ?? [])];
    for (const dir of dirs) {
      const path = fs.resolve(dir, name);
      const text = fs.readFile(path);
      if (text === undefined) continue;
      const frames = this.expansionFrames(d.stmt, d.pos, cur.pos, 'include', path);
      this.options.recorder?.include(path, frames[0].location);
      const stmts = this.scrubLines(linesOfText(text, path)).map((s) => ({ ...s, frames }));
      this.inputs.push({ next: fromArray(stmts), kind: 'include', condBase: this.conds.length, file: path });
      return;
    }
    this.error(this.w(d), `can't open ${name} for reading: No such file or directory`);
  }

  private simpleSection(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    let sub = 0;
    if (!cur.eof()) {
      const k = this.absolute(cur);
      if (k === undefined) return;
      sub = Number(k);
    }
    if (!this.endOfStatement(cur)) return;
    this.switchTo(this.getSection(d.name), sub);
  }

  private subsection(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const k = this.absolute(cur);
    if (k === undefined || !this.endOfStatement(cur)) return;
    this.switchTo(this.cur.section, Number(k));
  }

  private sectionDirective(d: DirectiveCall): void {
    const t = d.stmt.text;
    let i = skipWhite(t, d.args);
    let name: string;
    if (t[i] === '"') {
      const cur = new Cursor(d.stmt, i);
      const b = this.stringLiteral(cur);
      if (!b) return;
      name = new TextDecoder().decode(Uint8Array.from(b));
      i = cur.pos;
    } else {
      const s = i;
      while (i < t.length && t[i] !== ',' && t[i] !== ' ' && t[i] !== '\t') i++;
      name = t.slice(s, i);
    }
    if (!name) {
      this.report('error', d.stmt, i, t.length, 'missing name');
      return;
    }
    let flags: number | undefined;
    let type: number | undefined;
    let sub = 0;
    const where = this.w(d);
    i = skipWhite(t, i);
    if (t[i] === ',') {
      i = skipWhite(t, i + 1);
      if (t[i] === '"') {
        const cur = new Cursor(d.stmt, i);
        const b = this.stringLiteral(cur);
        if (!b) return;
        flags = 0;
        for (const ch of String.fromCharCode(...b)) {
          const f = SECTION_FLAG_LETTERS[ch];
          if (f === undefined) {
            this.report('error', d.stmt, i, cur.pos, 'bad .section directive: want a,l,w,x,M,S,G,T in string');
            return;
          }
          flags |= f;
        }
        i = skipWhite(t, cur.pos);
        if (t[i] === ',') {
          i = skipWhite(t, i + 1);
          if (t[i] === '@' || t[i] === '%') {
            const [tn, j] = getToken(t, i + 1);
            const ty = SECTION_TYPES[tn.toLowerCase()];
            if (ty === undefined) {
              this.report('error', d.stmt, i, j, `unrecognized section type \`${tn}'`);
              return;
            }
            type = ty;
            i = skipWhite(t, j);
            if (t[i] === ',' && (flags & SHF_MERGE) !== 0) {
              const cur2 = new Cursor(d.stmt, i + 1);
              const k = this.absolute(cur2);
              if (k === undefined) return;
              i = cur2.pos;
            }
          }
        }
      } else if (d.name === '.pushsection' || /^[0-9]/.test(t[i] ?? '')) {
        const cur = new Cursor(d.stmt, i);
        const k = this.absolute(cur);
        if (k === undefined) return;
        sub = Number(k);
        i = cur.pos;
      }
    }
    const section = this.getSection(name, flags, type, flags !== undefined ? where : undefined);
    if (flags !== undefined && section.flags !== flags && section.subsections.size === 0) section.flags = flags;
    if (d.name === '.pushsection') this.sectionStack.push({ cur: this.cur, prev: this.prev });
    this.switchTo(section, sub);
  }

  private popSection(d: DirectiveCall): void {
    const top = this.sectionStack.pop();
    if (!top) {
      this.warning(this.w(d), '.popsection without corresponding .pushsection; ignored');
      return;
    }
    this.cur = top.cur;
    this.prev = top.prev;
  }

  private previous(d: DirectiveCall): void {
    if (!this.prev) {
      this.warning(this.w(d), '.previous without corresponding .section; ignored');
      return;
    }
    const p = this.prev;
    this.prev = this.cur;
    this.cur = p;
  }

  private binding(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const b = d.name === '.weak' ? 'weak' : d.name === '.local' ? 'local' : 'global';
    do {
      const start = cur.pos;
      const n = this.symbolName(cur);
      if (!n) {
        this.report('error', d.stmt, start, d.stmt.text.length, 'expected symbol name');
        return;
      }
      const s = this.lookup(n);
      if (!s.where) s.where = { stmt: d.stmt, pos: start, end: cur.pos };
      if (b === 'global' && s.binding === 'weak') continue;
      s.binding = b;
    } while (cur.eat(','));
    this.endOfStatement(cur);
  }

  private symbolName(cur: Cursor): string | undefined {
    cur.skipWs();
    if (cur.peek() === '"') {
      const b = this.stringLiteral(cur);
      return b ? String.fromCharCode(...b) : undefined;
    }
    const start = cur.pos;
    const n = cur.name();
    if (n !== undefined) this.options.recorder?.symbol(n, 'reference', cur.stmt, start, cur.pos);
    return n;
  }

  private typeDirective(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const start = cur.pos;
    const n = this.symbolName(cur);
    if (!n) {
      this.report('error', d.stmt, start, d.stmt.text.length, 'expected symbol name');
      return;
    }
    if (!cur.eat(',')) {
      this.report('error', d.stmt, cur.pos, d.stmt.text.length, 'expected comma after name in .type');
      return;
    }
    cur.skipWs();
    const tstart = cur.pos;
    if (cur.peek() === '@' || cur.peek() === '%' || cur.peek() === '#') cur.pos++;
    let tn: string | undefined;
    if (cur.peek() === '"') {
      const b = this.stringLiteral(cur);
      tn = b ? String.fromCharCode(...b) : undefined;
    } else tn = cur.name();
    const map: Record<string, Sym['type']> = {
      function: 'func', stt_func: 'func', object: 'object', stt_object: 'object', notype: 'notype',
      stt_notype: 'notype', tls_object: 'object', stt_tls: 'object', common: 'object', stt_common: 'object',
    };
    const ty = tn ? map[tn.toLowerCase()] : undefined;
    if (!ty) {
      this.report('error', d.stmt, tstart, cur.pos, `unrecognized symbol type "${tn ?? ''}"`);
      return;
    }
    this.lookup(n).type = ty;
    this.endOfStatement(cur);
  }

  private sizeDirective(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const start = cur.pos;
    const n = this.symbolName(cur);
    if (!n) {
      this.report('error', d.stmt, start, d.stmt.text.length, 'expected symbol name');
      return;
    }
    if (!cur.eat(',')) {
      this.report('error', d.stmt, cur.pos, d.stmt.text.length, 'expected comma after name in .size');
      return;
    }
    const es = cur.pos;
    const b = this.expression(cur);
    if (!this.endOfStatement(cur)) return;
    this.lookup(n).size = { expr: b, where: { stmt: d.stmt, pos: es, end: cur.pos } };
  }

  private setDirective(d: DirectiveCall, kind: 'set' | 'equiv' | 'eqv'): void {
    const t = d.stmt.text;
    const cur = new Cursor(d.stmt, d.args);
    const start = cur.pos;
    const n = this.symbolName(cur);
    if (!n) {
      this.report('error', d.stmt, start, t.length, 'expected symbol name');
      return;
    }
    const nameEnd = cur.pos;
    if (!cur.eat(',')) {
      this.report('error', d.stmt, cur.pos, t.length, `expected comma after "${n}"`);
      return;
    }
    this.assignment(d.stmt, n, start, nameEnd, cur.pos, kind);
  }

  private cons(d: DirectiveCall, size: number): void {
    const cur = new Cursor(d.stmt, d.args);
    if (cur.eof()) return;
    do {
      const start = cur.pos;
      cur.skipWs();
      if (cur.peek() === ',' || cur.pos >= cur.end) {
        this.report('warning', d.stmt, start, start + 1, 'zero assumed for missing expression');
        this.emitValue({ constant: 0n }, size, { stmt: d.stmt, pos: start, end: cur.pos });
        continue;
      }
      if (cur.peek() === '"') {
        this.report('error', d.stmt, cur.pos, cur.end, `unexpected string in ${d.name}`);
        return;
      }
      const b = this.expression(cur);
      const where: Where = { stmt: d.stmt, pos: start, end: cur.pos };
      this.emitValue(this.parseTimeValue(b, where), size, where);
    } while (cur.eat(','));
    this.endOfStatement(cur);
  }

  private emitValue(v: { constant: bigint } | { deferred: BExpr }, size: number, where: Where): void {
    const f = this.frag;
    const at = f.bytes.length;
    if ('constant' in v) {
      let value = v.constant;
      if (size < 8) {
        const mask = BigInt.asUintN(64, ~0n << BigInt(8 * size));
        const get = BigInt.asUintN(64, value);
        if ((get & mask) !== 0n && (BigInt.asUintN(64, -get) & mask) !== 0n) {
          const use = get & ~mask & ((1n << 64n) - 1n);
          this.warning(where, `value 0x${get.toString(16)} truncated to 0x${use.toString(16)}`);
        }
      } else if (size === 8 && (value >= 1n << 64n || value < -(1n << 63n))) {
        this.warning(where, `value 0x${BigInt.asUintN(128, value).toString(16)} truncated to 0x${BigInt.asUintN(64, value).toString(16)}`);
      }
      value = BigInt.asUintN(8 * size, value);
      const bytes: number[] = [];
      for (let k = 0; k < size; k++) bytes.push(Number((value >> BigInt(8 * k)) & 0xffn));
      if (!this.checkNobits(where, bytes)) return;
      f.bytes.push(...bytes);
    } else {
      if (size > 8) {
        this.error(where, `a ${size}-byte value cannot be relocated`);
        return;
      }
      if (this.cur.section.type === SHT_NOBITS) {
        this.error(where, `attempt to store non-zero value in section \`${this.cur.section.name}'`);
        return;
      }
      for (let k = 0; k < size; k++) f.bytes.push(0);
      f.fixups.push({ offset: at, size: size as 1 | 2 | 4 | 8, kind: 'abs', expr: v.deferred, adj: 0n, check: 'data', where });
    }
    this.lines.push({ frag: f, offset: at, length: size, where, isInstruction: false });
  }

  private ascii(d: DirectiveCall, zero: boolean): void {
    const cur = new Cursor(d.stmt, d.args);
    if (cur.eof()) return;
    do {
      const start = cur.pos;
      const bytes = this.stringLiteral(cur);
      if (!bytes) return;
      // Adjacent strings concatenate.
      for (;;) {
        cur.skipWs();
        if (cur.peek() !== '"') break;
        const more = this.stringLiteral(cur);
        if (!more) return;
        bytes.push(...more);
      }
      if (zero) bytes.push(0);
      const where: Where = { stmt: d.stmt, pos: start, end: cur.pos };
      if (!this.checkNobits(where, bytes)) return;
      const f = this.frag;
      this.lines.push({ frag: f, offset: f.bytes.length, length: bytes.length, where, isInstruction: false });
      f.bytes.push(...bytes);
    } while (cur.eat(','));
    this.endOfStatement(cur);
  }

  private space(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const start = cur.pos;
    const b = this.expression(cur);
    const end = cur.pos;
    let fill = 0;
    if (d.name !== '.zero' && cur.eat(',')) {
      const k = this.absolute(cur);
      if (k === undefined) return;
      fill = Number(BigInt.asUintN(8, k));
    }
    if (!this.endOfStatement(cur)) return;
    const where: Where = { stmt: d.stmt, pos: start, end };
    const v = this.parseTimeValue(b, where);
    if ('constant' in v) {
      if (v.constant === 0n) {
        this.warning(this.w(d), '.space repeat count is zero, ignored');
        return;
      }
      if (v.constant < 0n) {
        this.warning(this.w(d), '.space repeat count is negative, ignored');
        return;
      }
      if (!this.checkNobits(where, [fill])) return;
      if (v.constant > 1n << 32n) {
        this.error(where, `.space size ${v.constant} is too large`);
        return;
      }
      this.addFill(Number(v.constant), [fill], where);
      return;
    }
    const f = this.addVariable({ kind: 'space', count: v.deferred, fill: [fill], where });
    this.lines.push({ frag: f, offset: 0, where, isInstruction: false });
  }

  private fill(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const start = cur.pos;
    const rep = this.expression(cur);
    const end = cur.pos;
    let size = 1n;
    let value = 0n;
    if (cur.eat(',')) {
      cur.skipWs();
      if (cur.peek() !== ',') {
        const k = this.absolute(cur);
        if (k === undefined) return;
        size = k;
      }
      if (cur.eat(',')) {
        const k = this.absolute(cur);
        if (k === undefined) return;
        value = k;
      }
    }
    if (!this.endOfStatement(cur)) return;
    const where: Where = { stmt: d.stmt, pos: start, end };
    if (size > 8n) {
      this.warning(where, '.fill size clamped to 8');
      size = 8n;
    }
    if (size <= 0n) return;
    const pattern: number[] = [];
    const v32 = BigInt.asUintN(32, value);
    for (let k = 0n; k < size; k++) pattern.push(k < 4n ? Number((v32 >> (8n * k)) & 0xffn) : 0);
    const v = this.parseTimeValue(rep, where);
    if ('constant' in v) {
      if (v.constant < 0n) {
        this.warning(where, 'repeat < 0; .fill ignored');
        return;
      }
      if (v.constant === 0n) return;
      if (!this.checkNobits(where, pattern)) return;
      if (v.constant * size > 1n << 32n) {
        this.error(where, `.fill size ${v.constant * size} is too large`);
        return;
      }
      this.addFill(Number(v.constant), pattern, where);
      return;
    }
    const f = this.addVariable({ kind: 'space', count: v.deferred, fill: pattern, where });
    this.lines.push({ frag: f, offset: 0, where, isInstruction: false });
  }

  private nops(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const n = this.absolute(cur);
    if (n === undefined) return;
    let limit = 11n;
    if (cur.eat(',')) {
      const k = this.absolute(cur);
      if (k === undefined) return;
      limit = k;
    }
    if (!this.endOfStatement(cur)) return;
    if (n < 0n) {
      this.error(this.w(d), 'negative .nops size');
      return;
    }
    if (n === 0n) return;
    const bytes = nopFill(Number(n), Number(limit));
    const f = this.frag;
    this.lines.push({ frag: f, offset: f.bytes.length, length: bytes.length, where: this.w(d), isInstruction: true });
    f.bytes.push(...bytes);
  }

  private align(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const where = this.w(d);
    const p2 = d.name.startsWith('.p2align');
    const fillSize = d.name.endsWith('w') ? 2 : d.name.endsWith('l') ? 4 : 1;
    let n = 0n;
    if (!cur.eof()) {
      const k = this.absolute(cur);
      if (k === undefined) return;
      n = k;
    }
    let fill: bigint | undefined;
    let max = 0n;
    if (cur.eat(',')) {
      cur.skipWs();
      if (cur.peek() !== ',' && !cur.eof()) {
        const k = this.absolute(cur);
        if (k === undefined) return;
        fill = k;
      }
      if (cur.eat(',')) {
        const k = this.absolute(cur);
        if (k === undefined) return;
        max = k;
      }
    }
    if (!this.endOfStatement(cur)) return;
    let bytes: bigint;
    if (p2) {
      if (n > 31n) {
        this.error(where, `alignment too large: 31 assumed`);
        n = 31n;
      }
      bytes = 1n << (n < 0n ? 0n : n);
    } else {
      if (n !== 0n && (n & (n - 1n)) !== 0n) {
        this.error(where, 'alignment not a power of 2');
        return;
      }
      bytes = n === 0n ? 1n : n;
    }
    if (bytes > 1n << 31n) {
      this.error(where, 'alignment too large');
      return;
    }
    const a = Number(bytes);
    if (a <= 1) return;
    if (a > this.cur.section.align) this.cur.section.align = a;
    this.addVariable({
      kind: 'align', align: a, fill: fill === undefined ? undefined : { value: fill, size: fillSize as 1 | 2 | 4 },
      max: Number(max),
      // GNU as pads code with NOP instructions when no fill or a 0x90 byte fill is given.
      code: this.isCode && (fill === undefined || (fillSize === 1 && BigInt.asUintN(8, fill) === 0x90n)), where,
    });
  }

  private org(b: BExpr, fill: number, where: Where): void {
    this.addVariable({ kind: 'org', target: b, fill, where });
  }

  private leb128(d: DirectiveCall, signed: boolean): void {
    const cur = new Cursor(d.stmt, d.args);
    do {
      const start = cur.pos;
      let v = this.absolute(cur, `${d.name} needs a value known at this point`);
      if (v === undefined) return;
      if (!signed) v = BigInt.asUintN(64, v);
      const bytes: number[] = [];
      for (;;) {
        const b = Number(v & 0x7fn);
        v >>= 7n;
        const done = signed ? (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0) : v === 0n;
        bytes.push(done ? b : b | 0x80);
        if (done) break;
      }
      const where: Where = { stmt: d.stmt, pos: start, end: cur.pos };
      if (!this.checkNobits(where, bytes)) return;
      const f = this.frag;
      this.lines.push({ frag: f, offset: f.bytes.length, length: bytes.length, where, isInstruction: false });
      f.bytes.push(...bytes);
    } while (cur.eat(','));
    this.endOfStatement(cur);
  }

  private lcomm(d: DirectiveCall): void {
    const cur = new Cursor(d.stmt, d.args);
    const start = cur.pos;
    const n = this.symbolName(cur);
    if (!n || !cur.eat(',')) {
      this.report('error', d.stmt, start, d.stmt.text.length, 'expected symbol name and size');
      return;
    }
    const size = this.absolute(cur);
    if (size === undefined) return;
    let align = 1n;
    if (cur.eat(',')) align = this.absolute(cur) ?? 1n;
    if (!this.endOfStatement(cur)) return;
    const saved = this.cur;
    const savedPrev = this.prev;
    this.switchTo(this.getSection('.bss'), 0);
    if (align > 1n) {
      if (Number(align) > this.cur.section.align) this.cur.section.align = Number(align);
      this.addVariable({ kind: 'align', align: Number(align), max: 0, code: false, where: this.w(d) });
    }
    this.defineLabel(n, { stmt: d.stmt, pos: start, end: start + n.length }, false);
    this.lookup(n).type = 'object';
    this.lookup(n).size = { expr: { k: 'num', v: size }, where: this.w(d) };
    if (size > 0n) this.addFill(Number(size), [0], this.w(d));
    this.cur = saved;
    this.prev = savedPrev;
  }
}

function fromArray(stmts: Stmt[]): () => Stmt | undefined {
  let i = 0;
  return () => (i < stmts.length ? stmts[i++] : undefined);
}

/** Prefix spellings the encoder's contract lists under another name (`rex64` is `rex.w`). */
function canonicalPrefix(p: string): string {
  return p === 'rex64' ? 'rex.w' : p;
}

/** Reads the operation word at `i`: a name, or a `{pseudo-prefix}`. */
function readWord(t: string, i: number): [string, number] {
  if (t[i] === '{') {
    const j = t.indexOf('}', i);
    if (j > 0) return [t.slice(i, j + 1), j + 1];
  }
  let j = i;
  while (j < t.length && (isNameChar(t[j]) || (j === i && /[0-9]/.test(t[j])))) j++;
  return [t.slice(i, j), j];
}

/** `name:` (or `123:` / `"quoted":`) at `i`, if present. */
function scanLabel(t: string, i: number): { name: string; nameEnd: number; next: number; numeric: boolean } | undefined {
  let j = i;
  let name: string;
  let numeric = false;
  if (t[j] === '"') {
    const close = t.indexOf('"', j + 1);
    if (close < 0) return undefined;
    name = t.slice(j + 1, close);
    j = close + 1;
  } else if (isNameStart(t[j])) {
    while (j < t.length && isNameChar(t[j])) j++;
    name = t.slice(i, j);
  } else if (/[0-9]/.test(t[j] ?? '')) {
    while (j < t.length && /[0-9]/.test(t[j])) j++;
    name = t.slice(i, j);
    numeric = true;
  } else return undefined;
  const nameEnd = j;
  j = skipWhite(t, j);
  if (t[j] !== ':') return undefined;
  if (name === '.') return undefined;
  return { name, nameEnd, next: j + 1, numeric };
}

/** GNU as get_mri_string for .ifc: up to the terminator, trailing blanks dropped. */
function mriString(t: string, i: number, terminator: string): [string, number] {
  i = skipWhite(t, i);
  if (t[i] === "'") {
    let s = '';
    i++;
    while (i < t.length) {
      const c = t[i++];
      if (c === "'") {
        if (t[i] !== "'") break;
        i++;
      }
      s += c;
    }
    return [s, skipWhite(t, i)];
  }
  const start = i;
  while (i < t.length && t[i] !== terminator) i++;
  let e = i;
  while (e > start && (t[e - 1] === ' ' || t[e - 1] === '\t')) e--;
  return [t.slice(start, e), i];
}

