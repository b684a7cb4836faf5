/**
 * GNU ld linker-script subset: lexer-free recursive descent over the characters (ld's own lexer
 * switches modes between expressions, section names and file-name wildcards, so the parser asks
 * for the kind of token it expects). Problems become Diagnostics; the parser never throws.
 */
import type { Diagnostic, SourceLocation } from '../types.js';

export type Expr =
  | { k: 'num'; v: bigint; loc: SourceLocation }
  | { k: 'dot'; loc: SourceLocation }
  | { k: 'sym'; name: string; loc: SourceLocation }
  | { k: 'str'; v: string; loc: SourceLocation }
  | { k: 'un'; op: string; e: Expr; loc: SourceLocation }
  | { k: 'bin'; op: string; l: Expr; r: Expr; loc: SourceLocation }
  | { k: 'cond'; c: Expr; t: Expr; f: Expr; loc: SourceLocation }
  /** Built-in function; `name` is the section / memory / symbol argument of ADDR(), ORIGIN(), DEFINED()... */
  | { k: 'call'; fn: string; args: Expr[]; name?: string; loc: SourceLocation };

export interface Assignment {
  k: 'assign';
  name: string;
  op: string;
  expr: Expr;
  provide: 'none' | 'provide' | 'hidden';
  loc: SourceLocation;
}

export interface AssertCmd {
  k: 'assert';
  expr: Expr;
  message: string;
  loc: SourceLocation;
}

export type SortKind = 'none' | 'name' | 'alignment' | 'init_priority';

export interface SectionPattern {
  pattern: string;
  sort: SortKind;
  /** EXCLUDE_FILE(...) in front of this pattern. */
  excludeFiles: string[];
}

export interface InputSpec {
  k: 'input';
  keep: boolean;
  file: string;
  /** EXCLUDE_FILE before the file pattern: `EXCLUDE_FILE(*crtend.o) *(.ctors)`. */
  excludeFiles: string[];
  sections: SectionPattern[];
  /** SORT(...) around the whole list: applies to all patterns. */
  loc: SourceLocation;
}

export interface DataCmd {
  k: 'data';
  size: 1 | 2 | 4 | 8;
  expr: Expr;
  loc: SourceLocation;
}

export interface FillCmd {
  k: 'fill';
  expr: Expr;
  loc: SourceLocation;
}

export type SectionCmd = Assignment | InputSpec | DataCmd | FillCmd | AssertCmd;

export interface OutputSectionStmt {
  k: 'osec';
  name: string;
  addr?: Expr;
  /** NOLOAD, COPY, INFO, OVERLAY, READONLY... */
  type?: string;
  lma?: Expr;
  align?: Expr;
  subalign?: Expr;
  constraint?: 'ro' | 'rw';
  cmds: SectionCmd[];
  region?: string;
  lmaRegion?: string;
  fill?: Expr;
  loc: SourceLocation;
  /** Set for sections the linker inserted for orphans. */
  orphan?: boolean;
  /** For orphans: the statement they were placed after (ld copies its AT() offset). */
  anchor?: OutputSectionStmt;
}

export type Statement = Assignment | OutputSectionStmt | AssertCmd;

export interface MemoryRegion {
  name: string;
  attrs: string;
  origin: Expr;
  length: Expr;
  loc: SourceLocation;
}

export interface LinkerScript {
  fileName: string;
  entry?: { name: string; loc: SourceLocation };
  /** Top-level assignments and the contents of SECTIONS, in order. */
  statements: Statement[];
  /** True when the script has a SECTIONS command (otherwise everything is an orphan). */
  hasSections: boolean;
  memory: MemoryRegion[];
}

const FUNCTIONS_WITH_NAME = new Set(['ADDR', 'LOADADDR', 'SIZEOF', 'ALIGNOF', 'DEFINED', 'ORIGIN', 'LENGTH', 'CONSTANT', 'SEGMENT_START']);
const FUNCTIONS = new Set([
  'ADDR', 'LOADADDR', 'SIZEOF', 'ALIGNOF', 'DEFINED', 'ORIGIN', 'LENGTH', 'CONSTANT', 'SEGMENT_START',
  'ALIGN', 'BLOCK', 'ABSOLUTE', 'MAX', 'MIN', 'NEXT', 'LOG2CEIL', 'DATA_SEGMENT_ALIGN', 'DATA_SEGMENT_RELRO_END',
  'DATA_SEGMENT_END', 'ASSERT',
]);
/** Commands GNU ld has that this linker does not implement (each gets a diagnostic). */
const UNSUPPORTED = new Set([
  'INCLUDE', 'INPUT', 'GROUP', 'AS_NEEDED', 'OUTPUT', 'STARTUP', 'TARGET', 'PHDRS', 'VERSION', 'NOCROSSREFS',
  'NOCROSSREFS_TO', 'INSERT', 'REGION_ALIAS', 'OVERLAY', 'EXTERN', 'FORCE_COMMON_ALLOCATION',
  'INHIBIT_COMMON_ALLOCATION', 'FORCE_GROUP_ALLOCATION', 'LD_FEATURE', 'HIDDEN', 'OUTPUT_ORDER',
  'CREATE_OBJECT_SYMBOLS', 'SORT_BY_INIT_PRIORITY_', 'MAP', 'LINKER_VERSION', 'INSERT_AFTER', 'INSERT_BEFORE',
]);
const SECTION_CMD_UNSUPPORTED = new Set(['CREATE_OBJECT_SYMBOLS', 'INCLUDE', 'OVERLAY', 'HIDDEN', 'LINKER_VERSION', 'INPUT_SECTION_FLAGS']);
const ASSIGN_OPS = ['<<=', '>>=', '+=', '-=', '*=', '/=', '&=', '|=', '='];
/** Characters that end a section or file name (ld's SCRIPT-state name characters are the rest). */
const NAME_STOP = new Set([' ', '\t', '\n', '\r', '\f', '\v', '(', ')', '{', '}', ';', ',', ':', '=', '"', '>', '<']);
const EXPR_NAME_START = /[A-Za-z_.$]/;
const EXPR_NAME_CHAR = /[A-Za-z0-9_.$]/;

class ParseError extends Error {}

export function parseLinkerScript(text: string, fileName: string, diagnostics: Diagnostic[]): LinkerScript {
  return new Parser(text, fileName, diagnostics).parseScript();
}

/** Parses a lone expression (for tests and --defsym-like uses). */
export function parseExpression(text: string, fileName: string, diagnostics: Diagnostic[]): Expr | undefined {
  const p = new Parser(text, fileName, diagnostics);
  try {
    const e = p.expr();
    p.ws();
    if (!p.eof()) p.fail(`syntax error: unexpected \`${p.peekSnippet()}'`);
    return e;
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

class Parser {
  private pos = 0;
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    private readonly fileName: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  // ---- positions and errors ----

  locAt(pos: number, length = 0): SourceLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    const column = pos - this.lineStarts[lo] + 1;
    return length > 0 ? { file: this.fileName, line: lo + 1, column, endColumn: column + length } : { file: this.fileName, line: lo + 1, column };
  }

  loc(): SourceLocation {
    return this.locAt(this.pos);
  }

  error(message: string, loc: SourceLocation, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ severity, message, location: loc, chain: [] });
  }

  fail(message: string, loc = this.loc()): never {
    this.error(message, loc);
    throw new ParseError(message);
  }

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peekSnippet(): string {
    if (this.eof()) return 'end of file';
    const m = /^(\S{1,20})/.exec(this.text.slice(this.pos));
    return m ? m[1] : this.text[this.pos];
  }

  // ---- scanning ----

  ws(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
      if (this.text.startsWith('/*', this.pos)) {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) {
          const at = this.loc();
          this.pos = this.text.length;
          this.fail('unterminated comment', at);
        }
        this.pos = end + 2;
        continue;
      }
      // `#` line comments are accepted by ld in the simplified form of some scripts (after preprocessing).
      if (this.text[this.pos] === '#' && this.atLineStart()) {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
        continue;
      }
      return;
    }
  }

  private atLineStart(): boolean {
    let i = this.pos - 1;
    while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
    return i < 0 || this.text[i] === '\n';
  }

  peek(s: string): boolean {
    this.ws();
    return this.text.startsWith(s, this.pos);
  }

  eat(s: string): boolean {
    if (this.peek(s)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  expect(s: string, what?: string): void {
    if (!this.eat(s)) this.fail(`syntax error: expected \`${s}'${what ? ' ' + what : ''}, found \`${this.peekSnippet()}'`);
  }

  /** Section / file / pattern name: anything up to whitespace or punctuation; quoted names allowed. */
  name(what: string): { text: string; loc: SourceLocation } {
    this.ws();
    const start = this.pos;
    if (this.text[this.pos] === '"') return this.quoted();
    while (this.pos < this.text.length && !NAME_STOP.has(this.text[this.pos])) {
      if (this.text.startsWith('/*', this.pos) && this.pos > start) break;
      this.pos++;
    }
    if (this.pos === start) this.fail(`syntax error: expected ${what}, found \`${this.peekSnippet()}'`);
    return { text: this.text.slice(start, this.pos), loc: this.locAt(start, this.pos - start) };
  }

  quoted(): { text: string; loc: SourceLocation } {
    const start = this.pos;
    const end = this.text.indexOf('"', this.pos + 1);
    if (end < 0) this.fail('unterminated string');
    this.pos = end + 1;
    return { text: this.text.slice(start + 1, end), loc: this.locAt(start, end + 1 - start) };
  }

  /** A word made of identifier characters (keywords, symbol names in expressions). */
  word(): { text: string; loc: SourceLocation } | undefined {
    this.ws();
    const start = this.pos;
    if (this.text[this.pos] === '"') return this.quoted();
    if (!EXPR_NAME_START.test(this.text[this.pos] ?? '')) return undefined;
    this.pos++;
    while (this.pos < this.text.length && EXPR_NAME_CHAR.test(this.text[this.pos])) this.pos++;
    return { text: this.text.slice(start, this.pos), loc: this.locAt(start, this.pos - start) };
  }

  /** Peeks an identifier-like keyword without consuming it. */
  peekWord(): string | undefined {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos, this.pos + 64));
    return m?.[0];
  }

  private assignOpAhead(): string | undefined {
    this.ws();
    for (const op of ASSIGN_OPS) {
      if (this.text.startsWith(op, this.pos)) {
        if (op === '=' && this.text[this.pos + 1] === '=') return undefined;
        return op;
      }
    }
    return undefined;
  }

  /** Skips to the end of the current statement after an error (balanced brackets, `;` or `}`). */
  /** Recovers after an error in a statement that started at `before`, always making progress. */
  recoverFrom(before: number): void {
    this.recover();
    if (this.pos <= before && this.pos < this.text.length) this.pos = before + 1;
  }

  recover(): void {
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (this.text.startsWith('/*', this.pos)) {
        const end = this.text.indexOf('*/', this.pos + 2);
        this.pos = end < 0 ? this.text.length : end + 2;
        continue;
      }
      if (c === '"') {
        const end = this.text.indexOf('"', this.pos + 1);
        this.pos = end < 0 ? this.text.length : end + 1;
        continue;
      }
      if (c === '(' || c === '{') depth++;
      else if (c === ')' || c === '}') {
        if (depth === 0) return;
        depth--;
        if (depth === 0 && c === '}') {
          this.pos++;
          return;
        }
      } else if (c === ';' && depth === 0) {
        this.pos++;
        return;
      } else if (c === '\n' && depth === 0) {
        // A newline at depth 0 is a reasonable resynchronisation point for unterminated statements.
      }
      this.pos++;
    }
  }

  /**
   * Reports an unsupported command and skips it: its parenthesised or braced arguments, or a
   * file name (INCLUDE), and an optional `;`.
   */
  private unsupported(): void {
    const wd = this.word()!;
    this.error(`unsupported linker script command \`${wd.text}'`, wd.loc);
    this.ws();
    const skipBalanced = (open: string, close: string) => {
      let depth = 0;
      while (this.pos < this.text.length) {
        const c = this.text[this.pos++];
        if (c === open) depth++;
        else if (c === close && --depth === 0) return;
      }
    };
    if (wd.text === 'OVERLAY' || wd.text === 'PHDRS' || wd.text === 'VERSION' || wd.text === 'MEMORY') {
      // OVERLAY [start] : [NOCROSSREFS] [AT(ldaddr)] { ... } [>region] ...
      while (this.pos < this.text.length && this.text[this.pos] !== '{') this.pos++;
      skipBalanced('{', '}');
    } else if (this.text[this.pos] === '(') skipBalanced('(', ')');
    else if (this.text[this.pos] === '{') skipBalanced('{', '}');
    else if (!this.eof() && !this.peek(';') && !this.peek('}')) this.name('an argument');
    this.eat(';');
  }

  // ---- script ----

  parseScript(): LinkerScript {
    const script: LinkerScript = { fileName: this.fileName, statements: [], hasSections: false, memory: [] };
    for (;;) {
      const before = this.pos;
      try {
        this.ws();
        if (this.eof()) break;
        if (this.eat(';')) continue;
        this.topLevel(script);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        this.recoverFrom(before);
      }
    }
    return script;
  }

  private topLevel(script: LinkerScript): void {
    const start = this.pos;
    const w = this.peekWord();
    const at = this.loc();
    switch (w) {
      case 'ENTRY': {
        this.word();
        this.expect('(');
        const n = this.name('a symbol name');
        this.expect(')');
        script.entry = { name: n.text, loc: n.loc };
        return;
      }
      case 'OUTPUT_FORMAT': {
        this.word();
        this.expect('(');
        const formats = [this.name('an output format')];
        while (this.eat(',')) formats.push(this.name('an output format'));
        this.expect(')');
        for (const f of formats) {
          if (f.text !== 'elf64-x86-64') this.error(`unsupported output format \`${f.text}' (this linker writes elf64-x86-64)`, f.loc);
        }
        return;
      }
      case 'OUTPUT_ARCH': {
        this.word();
        this.expect('(');
        this.ws();
        const start = this.pos;
        const close = this.text.indexOf(')', start);
        if (close < 0) this.fail('syntax error: missing `)\'');
        const raw = this.text.slice(start, close).trim();
        const a = { text: raw.replace(/^"(.*)"$/, '$1'), loc: this.locAt(start, raw.length) };
        this.pos = close + 1;
        if (a.text !== 'i386:x86-64' && a.text !== 'i386:x86-64:intel') {
          this.error(`unsupported output architecture \`${a.text}' (this linker writes i386:x86-64)`, a.loc);
        }
        return;
      }
      case 'SEARCH_DIR': {
        // Library search paths have no effect here (there are no libraries); accepted silently.
        this.word();
        this.expect('(');
        this.name('a directory');
        this.expect(')');
        return;
      }
      case 'SECTIONS': {
        this.word();
        this.expect('{');
        script.hasSections = true;
        this.sectionsBody(script.statements);
        return;
      }
      case 'MEMORY': {
        this.word();
        this.expect('{');
        this.memoryBody(script.memory);
        return;
      }
      case 'ASSERT': {
        script.statements.push(this.assertCmd());
        this.eat(';');
        return;
      }
      case 'PROVIDE':
      case 'PROVIDE_HIDDEN': {
        script.statements.push(this.provide());
        return;
      }
    }
    if (w !== undefined && UNSUPPORTED.has(w)) {
      this.pos = start;
      this.unsupported();
      return;
    }
    // symbol assignment
    const lhs = this.assignTarget();
    if (lhs) {
      script.statements.push(this.assignmentRest(lhs.text, lhs.loc, 'none'));
      return;
    }
    this.pos = start;
    const snippet = this.peekSnippet();
    this.fail(w ? `unsupported linker script command \`${w}'` : `syntax error: unexpected \`${snippet}'`, at);
  }

  /** Reads `name` when followed by an assignment operator; restores the position otherwise. */
  private assignTarget(): { text: string; loc: SourceLocation } | undefined {
    const start = this.pos;
    this.ws();
    let n: { text: string; loc: SourceLocation } | undefined;
    if (this.text[this.pos] === '.' && !EXPR_NAME_CHAR.test(this.text[this.pos + 1] ?? '')) {
      n = { text: '.', loc: this.locAt(this.pos, 1) };
      this.pos++;
    } else n = this.word();
    if (n && this.assignOpAhead()) return n;
    this.pos = start;
    return undefined;
  }

  private assignmentRest(name: string, loc: SourceLocation, provide: Assignment['provide'], inParens = false): Assignment {
    const op = this.assignOpAhead();
    if (!op) this.fail(`syntax error: expected an assignment operator after \`${name}'`);
    this.pos += op.length;
    const expr = this.expr();
    if (!inParens) this.endStatement();
    return { k: 'assign', name, op, expr, provide, loc };
  }

  /** `;` ends assignments; ld also accepts a missing one before `}`. */
  private endStatement(): void {
    if (this.eat(';')) return;
    if (this.peek('}')) return;
    this.fail(`syntax error: expected \`;', found \`${this.peekSnippet()}'`);
  }

  private provide(): Assignment {
    const kw = this.word()!;
    this.expect('(');
    const lhs = this.word();
    if (!lhs) this.fail('syntax error: expected a symbol name in PROVIDE');
    const a = this.assignmentRest(lhs.text, lhs.loc, kw.text === 'PROVIDE' ? 'provide' : 'hidden', true);
    this.expect(')');
    this.eat(';');
    return a;
  }

  private assertCmd(): AssertCmd {
    const kw = this.word()!;
    this.expect('(');
    const expr = this.expr();
    this.expect(',');
    this.ws();
    const msg = this.text[this.pos] === '"' ? this.quoted().text : this.name('a message').text;
    this.expect(')');
    return { k: 'assert', expr, message: msg, loc: kw.loc };
  }

  private memoryBody(out: MemoryRegion[]): void {
    for (;;) {
      this.ws();
      if (this.eat('}')) return;
      if (this.eof()) this.fail('syntax error: missing `}\' at the end of MEMORY');
      const before = this.pos;
      try {
        const n = this.name('a memory region name');
        let attrs = '';
        if (this.eat('(')) {
          const start = this.pos;
          const end = this.text.indexOf(')', start);
          if (end < 0) this.fail('syntax error: missing `)\'');
          attrs = this.text.slice(start, end).trim();
          this.pos = end + 1;
        }
        this.expect(':');
        const ow = this.word();
        if (!ow || !['ORIGIN', 'org', 'o'].includes(ow.text)) this.fail('syntax error: expected ORIGIN');
        this.expect('=');
        const origin = this.expr();
        this.eat(',');
        const lw = this.word();
        if (!lw || !['LENGTH', 'len', 'l'].includes(lw.text)) this.fail('syntax error: expected LENGTH');
        this.expect('=');
        const length = this.expr();
        this.eat(';');
        out.push({ name: n.text, attrs, origin, length, loc: n.loc });
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        this.recoverFrom(before);
      }
    }
  }

  private sectionsBody(out: Statement[]): void {
    for (;;) {
      this.ws();
      if (this.eat('}')) return;
      if (this.eof()) this.fail('syntax error: missing `}\' at the end of SECTIONS');
      if (this.eat(';')) continue;
      const before = this.pos;
      try {
        const w = this.peekWord();
        if (w === 'ENTRY') {
          // ENTRY is allowed inside SECTIONS too; handled by the caller's script object via a pseudo statement.
          this.fail('ENTRY must be outside SECTIONS in this linker');
        }
        if (w === 'ASSERT') {
          out.push(this.assertCmd());
          this.eat(';');
          continue;
        }
        if (w === 'PROVIDE' || w === 'PROVIDE_HIDDEN') {
          out.push(this.provide());
          continue;
        }
        if (w !== undefined && UNSUPPORTED.has(w)) {
          this.unsupported();
          continue;
        }
        const lhs = this.assignTarget();
        if (lhs) {
          out.push(this.assignmentRest(lhs.text, lhs.loc, 'none'));
          continue;
        }
        out.push(this.outputSection());
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        this.recoverFrom(before);
      }
    }
  }

  private outputSection(): OutputSectionStmt {
    const n = this.name('an output section name');
    const stmt: OutputSectionStmt = { k: 'osec', name: n.text, cmds: [], loc: n.loc };
    // [address] [(type)] :
    if (!this.peek(':')) {
      if (this.peek('(') && this.typeAhead()) {
        // no address, only a type
      } else {
        stmt.addr = this.expr();
      }
      if (this.peek('(')) {
        const save = this.pos;
        this.expect('(');
        const t = this.word();
        if (t && ['NOLOAD', 'DSECT', 'COPY', 'INFO', 'OVERLAY', 'READONLY', 'TYPE'].includes(t.text) && this.eat(')')) {
          stmt.type = t.text;
          if (t.text !== 'NOLOAD' && t.text !== 'READONLY') this.error(`unsupported output section type \`${t.text}'`, t.loc);
        } else {
          this.pos = save;
          this.fail(`syntax error: expected \`:' after output section \`${n.text}'`);
        }
      }
    }
    this.expect(':', `after output section \`${n.text}'`);
    // [AT(lma)] [ALIGN(n)] [ALIGN_WITH_INPUT] [SUBALIGN(n)] [constraint]
    for (;;) {
      const w = this.peekWord();
      if (w === 'AT' && this.textAfterWord('AT').startsWith('(')) {
        this.word();
        this.expect('(');
        stmt.lma = this.expr();
        this.expect(')');
      } else if (w === 'ALIGN') {
        this.word();
        this.expect('(');
        stmt.align = this.expr();
        this.expect(')');
      } else if (w === 'SUBALIGN') {
        this.word();
        this.expect('(');
        stmt.subalign = this.expr();
        this.expect(')');
      } else if (w === 'ALIGN_WITH_INPUT') {
        const wd = this.word()!;
        this.error('unsupported output section attribute `ALIGN_WITH_INPUT\'', wd.loc);
      } else if (w === 'ONLY_IF_RO' || w === 'ONLY_IF_RW') {
        this.word();
        stmt.constraint = w === 'ONLY_IF_RO' ? 'ro' : 'rw';
      } else if (w === 'SPECIAL') {
        this.word();
      } else break;
    }
    this.expect('{', `to start output section \`${n.text}'`);
    this.sectionCommands(stmt.cmds);
    // [> region] [AT> region] [:phdr...] [= fill] [,]
    for (;;) {
      this.ws();
      if (this.text.startsWith('AT>', this.pos) || this.text.startsWith('AT >', this.pos)) {
        this.pos += this.text.startsWith('AT>', this.pos) ? 3 : 4;
        stmt.lmaRegion = this.name('a memory region').text;
      } else if (this.text[this.pos] === '>') {
        this.pos++;
        stmt.region = this.name('a memory region').text;
      } else if (this.text[this.pos] === ':' && this.text[this.pos + 1] !== ':') {
        const at = this.loc();
        this.pos++;
        const ph = this.name('a program header name');
        this.error(`unsupported program header assignment \`:${ph.text}' (PHDRS is not supported)`, at);
      } else if (this.text[this.pos] === '=' && this.text[this.pos + 1] !== '=') {
        this.pos++;
        stmt.fill = this.expr();
      } else break;
    }
    this.eat(',');
    return stmt;
  }

  private textAfterWord(w: string): string {
    this.ws();
    let p = this.pos + w.length;
    while (p < this.text.length && /\s/.test(this.text[p])) p++;
    return this.text.slice(p, p + 2);
  }

  /** After a section name: `(NOLOAD)` is a type, `(expr)` an address. */
  private typeAhead(): boolean {
    const m = /^\(\s*(NOLOAD|DSECT|COPY|INFO|OVERLAY|READONLY)\s*\)/.exec(this.text.slice(this.pos, this.pos + 40));
    return m !== null;
  }

  private sectionCommands(out: SectionCmd[]): void {
    for (;;) {
      this.ws();
      if (this.eat('}')) return;
      if (this.eof()) this.fail('syntax error: missing `}\' at the end of an output section');
      if (this.eat(';')) continue;
      const before = this.pos;
      try {
        const cmd = this.sectionCommand();
        if (cmd) out.push(cmd);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        this.recoverFrom(before);
      }
    }
  }

  private sectionCommand(): SectionCmd | undefined {
    const start = this.pos;
    const w = this.peekWord();
    const followedByParen = w !== undefined && this.textAfterWord(w).startsWith('(');
    if (w && followedByParen) {
      switch (w) {
        case 'KEEP': {
          this.word();
          this.expect('(');
          const spec = this.inputSpec(true);
          this.expect(')');
          return spec;
        }
        case 'PROVIDE':
        case 'PROVIDE_HIDDEN':
          return this.provide();
        case 'ASSERT': {
          const a = this.assertCmd();
          this.eat(';');
          return a;
        }
        case 'BYTE':
        case 'SHORT':
        case 'LONG':
        case 'QUAD':
        case 'SQUAD': {
          const kw = this.word()!;
          this.expect('(');
          const expr = this.expr();
          this.expect(')');
          this.eat(';');
          const size = w === 'BYTE' ? 1 : w === 'SHORT' ? 2 : w === 'LONG' ? 4 : 8;
          return { k: 'data', size, expr, loc: kw.loc };
        }
        case 'FILL': {
          const kw = this.word()!;
          this.expect('(');
          const expr = this.expr();
          this.expect(')');
          this.eat(';');
          return { k: 'fill', expr, loc: kw.loc };
        }
        case 'SORT':
        case 'SORT_BY_NAME':
        case 'SORT_BY_ALIGNMENT':
        case 'SORT_NONE':
        case 'SORT_BY_INIT_PRIORITY':
        case 'EXCLUDE_FILE':
          // SORT(*)(.text) style file sorting or EXCLUDE_FILE before the file pattern
          return this.inputSpec(false);
      }
      if (SECTION_CMD_UNSUPPORTED.has(w)) {
        this.unsupported();
        return undefined;
      }
    }
    if (w === 'CONSTRUCTORS' && !followedByParen) {
      // C++ constructor collection for a.out/ECOFF: nothing to do for ELF.
      this.word();
      this.eat(';');
      return undefined;
    }
    if (w !== undefined && (UNSUPPORTED.has(w) || SECTION_CMD_UNSUPPORTED.has(w))) {
      this.unsupported();
      return undefined;
    }
    const lhs = this.assignTarget();
    if (lhs) return this.assignmentRest(lhs.text, lhs.loc, 'none');
    this.pos = start;
    return this.inputSpec(false);
  }

  /** `file(sections)`, `*(.a .b*)`, `EXCLUDE_FILE(x) *(.a)`, `*(EXCLUDE_FILE(x) .a)`, `SORT(.a*)` inside, `file` alone. */
  private inputSpec(keep: boolean): InputSpec {
    this.ws();
    const loc = this.loc();
    let excludeFiles: string[] = [];
    let file: string;
    if (this.peekWord() === 'EXCLUDE_FILE') {
      this.word();
      excludeFiles = this.patternList();
    }
    const pw = this.peekWord();
    if ((pw === 'SORT' || pw === 'SORT_BY_NAME') && this.textAfterWord(pw).startsWith('(')) {
      this.word();
      this.expect('(');
      file = this.name('a file name pattern').text;
      this.expect(')');
    } else {
      file = this.name('an input section description').text;
    }
    const sections: SectionPattern[] = [];
    if (!this.eat('(')) {
      // A file name alone: all of its sections.
      this.eat(';');
      return { k: 'input', keep, file, excludeFiles, sections: [{ pattern: '*', sort: 'none', excludeFiles: [] }], loc };
    }
    for (;;) {
      this.ws();
      if (this.eat(')')) break;
      if (this.eof()) this.fail('syntax error: missing `)\' in an input section description');
      if (this.eat(',')) continue;
      const w = this.peekWord();
      if (w === 'EXCLUDE_FILE') {
        this.word();
        const ex = this.patternList();
        const p = this.name('a section name pattern').text;
        sections.push({ pattern: p, sort: 'none', excludeFiles: ex });
        continue;
      }
      const sortKind = this.sortKeyword(w);
      if (sortKind) {
        this.word();
        this.expect('(');
        // nested sorts: SORT_BY_NAME(SORT_BY_ALIGNMENT(...)) — the outer one decides here
        let inner = sortKind;
        let closes = 0;
        while (this.sortKeyword(this.peekWord()) && this.textAfterWord(this.peekWord()!).startsWith('(')) {
          inner = inner === 'none' ? this.sortKeyword(this.peekWord())! : inner;
          this.word();
          this.expect('(');
          closes++;
        }
        let ex: string[] = [];
        if (this.peekWord() === 'EXCLUDE_FILE') {
          this.word();
          ex = this.patternList();
        }
        for (;;) {
          this.ws();
          if (this.peek(')')) break;
          if (this.eof()) this.fail('syntax error: missing `)\'');
          sections.push({ pattern: this.name('a section name pattern').text, sort: inner, excludeFiles: ex });
        }
        this.expect(')');
        for (; closes > 0; closes--) this.expect(')');
        continue;
      }
      const n = this.name('a section name pattern');
      sections.push({ pattern: n.text, sort: 'none', excludeFiles: [] });
    }
    this.eat(';');
    return { k: 'input', keep, file, excludeFiles, sections, loc };
  }

  private sortKeyword(w: string | undefined): SortKind | undefined {
    switch (w) {
      case 'SORT':
      case 'SORT_BY_NAME':
        return 'name';
      case 'SORT_BY_ALIGNMENT':
        return 'alignment';
      case 'SORT_NONE':
        return 'none';
      case 'SORT_BY_INIT_PRIORITY':
        return 'init_priority';
    }
    return undefined;
  }

  private patternList(): string[] {
    this.expect('(');
    const out: string[] = [];
    for (;;) {
      this.ws();
      if (this.eat(')')) return out;
      if (this.eof()) this.fail('syntax error: missing `)\'');
      out.push(this.name('a file name pattern').text);
    }
  }

  // ---- expressions ----

  expr(): Expr {
    const c = this.binary(0);
    if (this.peek('?')) {
      const loc = this.loc();
      this.pos++;
      const t = this.expr();
      this.expect(':');
      const f = this.expr();
      return { k: 'cond', c, t, f, loc };
    }
    return c;
  }

  private static readonly LEVELS: string[][] = [
    ['||'],
    ['&&'],
    ['|'],
    ['&'],
    ['==', '!='],
    ['<=', '>=', '<', '>'],
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      this.ws();
      const loc = this.loc();
      const op = Parser.LEVELS[level].find((o) => this.text.startsWith(o, this.pos) && !this.opIsLonger(o));
      if (!op) return l;
      this.pos += op.length;
      const r = this.binary(level + 1);
      l = { k: 'bin', op, l, r, loc };
    }
  }

  /** `|` must not match `||`, `<` not `<<` or `<=`, `&` not `&&`, `=`-suffixed assignment ops are not binary ops. */
  private opIsLonger(o: string): boolean {
    const next = this.text[this.pos + o.length];
    if (o === '|' && next === '|') return true;
    if (o === '&' && next === '&') return true;
    if ((o === '<' || o === '>') && (next === o || next === '=')) return true;
    if ((o === '<<' || o === '>>') && next === '=') return true;
    if (['+', '-', '*', '/', '%', '|', '&'].includes(o) && next === '=') return true;
    return false;
  }

  private unary(): Expr {
    this.ws();
    const loc = this.loc();
    const c = this.text[this.pos];
    if (c === '-' || c === '!' || c === '~' || c === '+') {
      this.pos++;
      const e = this.unary();
      return c === '+' ? e : { k: 'un', op: c, e, loc };
    }
    return this.primary();
  }

  private primary(): Expr {
    this.ws();
    const loc = this.loc();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('syntax error: unexpected end of file in an expression');
    if (c === '(') {
      this.pos++;
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (/[0-9]/.test(c) || (c === '$' && /[0-9a-fA-F]/.test(this.text[this.pos + 1] ?? ''))) return this.number();
    if (c === '"') {
      const q = this.quoted();
      return { k: 'sym', name: q.text, loc: q.loc };
    }
    if (c === '.' && !EXPR_NAME_CHAR.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      return { k: 'dot', loc };
    }
    const w = this.word();
    if (!w) this.fail(`syntax error: unexpected \`${this.peekSnippet()}' in an expression`);
    if (w.text === 'SIZEOF_HEADERS' || w.text === 'sizeof_headers') return { k: 'call', fn: 'SIZEOF_HEADERS', args: [], loc: w.loc };
    if (this.peek('(') && /^[A-Z_][A-Z0-9_]*$/.test(w.text)) {
      if (!FUNCTIONS.has(w.text)) this.fail(`unsupported function \`${w.text}' in a linker script expression`, w.loc);
      this.pos++;
      const fn = w.text;
      if (FUNCTIONS_WITH_NAME.has(fn)) {
        this.ws();
        const n = fn === 'SEGMENT_START' ? this.name('a segment name') : this.name(fn === 'DEFINED' ? 'a symbol name' : 'a name');
        const args: Expr[] = [];
        if (fn === 'SEGMENT_START') {
          this.expect(',');
          args.push(this.expr());
        }
        this.expect(')');
        if (fn === 'CONSTANT' && n.text !== 'MAXPAGESIZE' && n.text !== 'COMMONPAGESIZE') {
          this.fail(`unknown constant \`${n.text}' (CONSTANT takes MAXPAGESIZE or COMMONPAGESIZE)`, n.loc);
        }
        return { k: 'call', fn, args, name: n.text, loc: w.loc };
      }
      const args: Expr[] = [];
      if (fn === 'ASSERT') {
        args.push(this.expr());
        this.expect(',');
        this.ws();
        const msg = this.text[this.pos] === '"' ? this.quoted().text : this.name('a message').text;
        this.expect(')');
        return { k: 'call', fn, args, name: msg, loc: w.loc };
      }
      if (!this.peek(')')) {
        args.push(this.expr());
        while (this.eat(',')) args.push(this.expr());
      }
      this.expect(')');
      const arity: Record<string, number[]> = {
        ALIGN: [1, 2], BLOCK: [1], ABSOLUTE: [1], MAX: [2], MIN: [2], NEXT: [1], LOG2CEIL: [1],
        DATA_SEGMENT_ALIGN: [2], DATA_SEGMENT_RELRO_END: [2], DATA_SEGMENT_END: [1],
      };
      if (!arity[fn].includes(args.length)) this.fail(`wrong number of arguments to ${fn}`, w.loc);
      return { k: 'call', fn, args, loc: w.loc };
    }
    return { k: 'sym', name: w.text, loc: w.loc };
  }

  private number(): Expr {
    const loc = this.loc();
    const m = /^(\$[0-9a-fA-F]+|0[xX][0-9a-fA-F]+|[0-9][0-9a-fA-F]*[hH]|[0-9]+)([KkMm])?/.exec(this.text.slice(this.pos, this.pos + 80));
    if (!m) this.fail('syntax error: bad number');
    this.pos += m[0].length;
    let digits = m[1];
    let v: bigint;
    if (digits.startsWith('$')) v = BigInt('0x' + digits.slice(1));
    else if (/^0[xX]/.test(digits)) v = BigInt(digits);
    else if (/[hH]$/.test(digits)) v = BigInt('0x' + digits.slice(0, -1));
    else if (digits.length > 1 && digits.startsWith('0')) {
      if (!/^[0-7]+$/.test(digits)) this.fail(`bad octal number \`${digits}'`, loc);
      v = BigInt('0o' + digits.slice(1));
    } else {
      if (!/^[0-9]+$/.test(digits)) {
        // e.g. `12ab` without h suffix: not a number
        this.fail(`syntax error: bad number \`${digits}'`, loc);
      }
      v = BigInt(digits);
    }
    digits = '';
    if (m[2] === 'K' || m[2] === 'k') v *= 1024n;
    else if (m[2] === 'M' || m[2] === 'm') v *= 1024n * 1024n;
    if (EXPR_NAME_CHAR.test(this.text[this.pos] ?? '') && this.text[this.pos] !== '.') this.fail(`syntax error: bad number`, loc);
    return { k: 'num', v: BigInt.asUintN(64, v), loc };
  }
}
