/**
 * The preprocessor proper, structured like GCC's cpplib so that it behaves like
 * `gcc -E -x assembler-with-cpp` in the corner cases too:
 *
 *  - lexToken (cpplib _cpp_lex_token): tokens from the current file, with directives handled when
 *    a `#` starts a line. In assembler mode a `#` followed by something that is not a directive
 *    name is an assembler comment: the `#` and the rest of the line pass through as tokens.
 *  - getToken (cpp_get_token): a stack of macro-expansion contexts over the lexer. A macro is
 *    disabled while its context is on the stack (tokens naming it are painted NO_EXPAND);
 *    arguments are collected unexpanded, pre-expanded in their own context, then substituted;
 *    `#` and `##` operate on the unexpanded argument; padding tokens record where whitespace
 *    would matter, so the printer can reproduce GCC's spacing exactly.
 *
 * Every token carries its origin (position + expansion chain); see tokens.ts.
 */
import type { Diagnostic, ExpansionFrame, SourceFileSystem, SourceLocation } from '../types.js';
import { evaluate, type ExprHost, type Num } from './expr.js';
import { FileLexer, lexAll, lexWhole, type LexMode } from './lexer.js';
import {
  AVOID_PASTE,
  BOL,
  NO_EXPAND,
  NOWHERE,
  PASTE_LEFT,
  PREV_WHITE,
  STRINGIFY_ARG,
  charOrigin,
  charOrigins,
  isPunct,
  padding,
  type CharOrigin,
  type Token,
} from './tokens.js';

export type Builtin =
  | 'FILE'
  | 'LINE'
  | 'BASE_FILE'
  | 'INCLUDE_LEVEL'
  | 'COUNTER'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'PRAGMA'
  | 'HAS_INCLUDE'
  | 'HAS_INCLUDE_NEXT'
  | 'HAS_ATTRIBUTE';

export interface MacroDef {
  name: string;
  funLike: boolean;
  /** Parameter names; a `...` parameter is `__VA_ARGS__`. */
  params: string[];
  variadic: boolean;
  /** Replacement list ('arg' tokens for parameters; PASTE_LEFT / STRINGIFY_ARG flags for ## and #). */
  tokens: Token[];
  location: SourceLocation;
  builtin?: Builtin;
  /** Set while an expansion of this macro is on the context stack. */
  disabled: boolean;
}

/**
 * One appearance of a macro name that the engine acted on (expanded, tested by #ifdef/defined,
 * #undef'd), for editors' references; `definition` is the #define in effect then.
 */
export interface MacroUse {
  name: string;
  kind: 'expansion' | 'test' | 'undef';
  location: SourceLocation;
  definition?: SourceLocation;
}

/** Receives the line structure of the output (cpplib's line_change / file_change callbacks). */
export interface Sink {
  lineChange(tok: Token, byteColumn: number): void;
  fileChange(): void;
  /** After a _Pragma operator GCC's printer starts a new line (with the current indentation). */
  restartLine(): void;
  /** A pragma GCC passes through to its output: `#pragma <name>` and the macro-expanded arguments, on a line of its own. */
  pragma(name: Token, args: Token[]): void;
}

interface Context {
  tokens: Token[];
  pos: number;
  macro: MacroDef | null;
}

interface IfEntry {
  type: string;
  at: Token;
  wasSkipping: boolean;
  skipElses: boolean;
}

interface FileBuffer {
  lexer: FileLexer;
  path: string;
  ifs: IfEntry[];
  /** Index of the -I directory the file was found in; -1 for the main file or the includer's directory. */
  dirIndex: number;
  chain: ExpansionFrame[];
}

interface MacroArg {
  /** Unexpanded tokens; null when a variadic argument was omitted (`, ## __VA_ARGS__` drops the comma). */
  first: Token[] | null;
  expanded?: Token[];
  stringified?: Token;
}

const ARG_EOF: Token = { kind: 'eof', text: '', flags: 0, pos: NOWHERE, chain: [], argEnd: true };
const FINAL_EOF: Token = { kind: 'eof', text: '', flags: 0, pos: NOWHERE, chain: [], fileEnd: true };

const COND_DIRECTIVES = new Set(['if', 'ifdef', 'ifndef', 'elif', 'else', 'endif', 'elifdef', 'elifndef']);
const DIRECTIVES = new Set([
  ...COND_DIRECTIVES,
  'define',
  'undef',
  'include',
  'include_next',
  'import',
  'line',
  'error',
  'warning',
  'pragma',
  'ident',
  'sccs',
  'assert',
  'unassert',
]);
const INCL_DIRECTIVES = new Set(['include', 'include_next', 'import']);

const MAX_INCLUDE_DEPTH = 200;
const MAX_ARG_NESTING = 256;

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

function quoteString(s: string): string {
  return s.replace(/[\\"]/g, (c) => '\\' + c);
}

export class Engine {
  readonly diagnostics: Diagnostic[] = [];
  readonly macros = new Map<string, MacroDef>();
  readonly includedFiles: string[] = [];
  sink: Sink | null = null;
  /** When set, every macro use and every #define is appended here (editors' navigation). */
  uses: MacroUse[] | null = null;
  definitions: MacroDef[] | null = null;

  private buffers: FileBuffer[] = [];
  private contexts: Context[] = [];
  private lookahead: Token[] = [];
  private lastLexed: Token = FINAL_EOF;

  private inDirective = false;
  private angledHeaders = false;
  private directiveWantsPadding = false;
  private parsingArgs = 0;
  private preventExpansion = 0;
  private skipping = false;
  private vaArgsOk = false;
  private ignorePragma = 0;
  skipEval = 0;

  private pendingInclude: { path: string; text: string; dirIndex: number; at: CharOrigin } | null = null;
  private lastCloseParen: Token | null = null;
  private readonly onceFiles = new Set<string>();
  private readonly seenFiles = new Set<string>();
  private readonly lineRemaps = new Map<string, Array<{ from: number; line: number; file: string }>>();
  private readonly pushedMacros = new Map<string, Array<MacroDef | undefined>>();
  private readonly assertions = new Map<string, Set<string>>();
  private counter = 0;
  private mainPath = '';
  private argDepth = 0;
  private argDepthReported = false;
  private readonly reporter: Reporter = { error: (m, t) => this.error(m, t) };

  constructor(
    private readonly fs: SourceFileSystem,
    private readonly includePaths: string[],
  ) {}

  // -------------------------------------------------------------------------------------------
  // Diagnostics

  private diag(severity: Diagnostic['severity'], message: string, pos: SourceLocation, chain: ExpansionFrame[]): void {
    this.diagnostics.push({ severity, message, location: { ...pos }, chain });
  }

  private report(severity: Diagnostic['severity'], message: string, at: Token): void {
    const o = charOrigin(at, 0);
    this.diag(severity, message, o.pos, o.chain);
  }

  private error(message: string, at: Token): void {
    this.report('error', message, at);
  }

  private warning(message: string, at: Token): void {
    this.report('warning', message, at);
  }

  // -------------------------------------------------------------------------------------------
  // Buffers (files)

  private readonly lexMode: LexMode = { inDirective: false, angledHeaders: false, parsingArgs: 0 };

  private get mode(): LexMode {
    const m = this.lexMode;
    m.inDirective = this.inDirective;
    m.angledHeaders = this.angledHeaders;
    m.parsingArgs = this.parsingArgs;
    return m;
  }

  private get buffer(): FileBuffer | undefined {
    return this.buffers[this.buffers.length - 1];
  }

  pushFile(path: string, text: string, dirIndex: number, chain: ExpansionFrame[], isMain: boolean): void {
    if (isMain) this.mainPath = path;
    const lexer = new FileLexer(path, text, chain, (sev, msg, pos, ch) => this.diag(sev, msg, pos, ch));
    this.buffers.push({ lexer, path, ifs: [], dirIndex, chain });
    this.seenFiles.add(path);
  }

  private popBuffer(): void {
    const b = this.buffers.pop()!;
    for (let i = b.ifs.length - 1; i >= 0; i--) this.error(`unterminated #${b.ifs[i].type}`, b.ifs[i].at);
    this.skipping = false;
    if (this.buffers.length > 0) this.sink?.fileChange();
  }

  /** Runs a file that only contains directives (the predefined and command-line macros). */
  runDirectivesOnly(path: string, text: string): void {
    const saved = this.sink;
    this.sink = null;
    this.pushFile(path, text, -1, [], false);
    const depth = this.buffers.length;
    while (this.buffers.length >= depth) {
      const t = this.getToken();
      if (t.kind === 'eof') break;
    }
    this.sink = saved;
  }

  // -------------------------------------------------------------------------------------------
  // Lexing (cpplib _cpp_lex_direct / _cpp_lex_token)

  private lexDirect(): Token {
    for (;;) {
      const buf = this.buffer;
      if (!buf) return FINAL_EOF;
      const tok = buf.lexer.lex(this.mode);
      if (tok.kind === 'name' && !this.vaArgsOk && !this.skipping) {
        if (tok.text === '__VA_ARGS__') this.warning('__VA_ARGS__ can only appear in the expansion of a C99 variadic macro', tok);
        else if (tok.text === '__VA_OPT__') this.warning('__VA_OPT__ can only appear in the expansion of a C++20 variadic macro', tok);
      }
      if (tok.kind !== 'eof' || !tok.fileEnd || this.inDirective || this.parsingArgs) return tok;
      this.popBuffer();
      if (this.buffers.length === 0) return tok;
    }
  }

  private lexToken(): Token {
    for (;;) {
      const tok = this.lookahead.length > 0 ? this.lookahead.pop()! : this.lexDirect();
      this.lastLexed = tok;
      if (tok.flags & BOL) {
        if (isPunct(tok, '#') && this.parsingArgs !== 1) {
          if (this.handleDirective()) continue;
        }
        if (!this.skipping && !this.parsingArgs && this.sink) this.sink.lineChange(tok, this.byteColumn(tok));
      }
      if (this.inDirective) return tok;
      if (!this.skipping || tok.kind === 'eof') return tok;
    }
  }

  /** GCC's column (bytes, tabs count 1) of a token read from the current file. */
  private byteColumn(tok: Token): number {
    const col = tok.pos.column;
    const line = this.buffer?.lexer.physicalLine(tok.pos.line) ?? '';
    const prefix = line.slice(0, col - 1);
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(prefix)) return col;
    return new TextEncoder().encode(prefix).length + 1;
  }

  /** cpplib _cpp_backup_tokens(pfile, 1). */
  private backupOne(): void {
    const ctx = this.contexts[this.contexts.length - 1];
    if (ctx) ctx.pos--;
    else this.lookahead.push(this.lastLexed);
  }

  // -------------------------------------------------------------------------------------------
  // Macro expansion (cpplib cpp_get_token and friends)

  private pushContext(macro: MacroDef | null, tokens: Token[]): void {
    this.contexts.push({ tokens, pos: 0, macro });
  }

  private popContext(): void {
    const ctx = this.contexts.pop()!;
    if (ctx.macro) ctx.macro.disabled = false;
  }

  getToken(): Token {
    for (;;) {
      let result: Token;
      const ctx = this.contexts[this.contexts.length - 1];
      if (!ctx) result = this.lexToken();
      else if (ctx.pos < ctx.tokens.length) {
        result = ctx.tokens[ctx.pos++];
        if (result.flags & PASTE_LEFT) {
          this.pasteAll(result);
          if (this.inDirective) continue;
          return padding(result);
        }
      } else {
        this.popContext();
        if (this.inDirective) continue;
        return AVOID_PASTE;
      }
      if (result.kind !== 'name' || result.flags & NO_EXPAND) return result;
      const m = this.macros.get(result.text);
      if (!m) return result;
      if (m.disabled) return { ...result, flags: result.flags | NO_EXPAND };
      if (this.preventExpansion) return result;
      if (this.enterMacroContext(m, result)) {
        if (this.inDirective) continue;
        return padding(result);
      }
      return result;
    }
  }

  private getTokenNoPadding(): Token {
    for (;;) {
      const t = this.getToken();
      if (t.kind !== 'padding') return t;
    }
  }

  private recordUse(name: Token, kind: MacroUse['kind']): void {
    if (!this.uses) return;
    const o = charOrigin(name, 0);
    const m = this.macros.get(name.text);
    const location = { file: o.pos.file, line: o.pos.line, column: o.pos.column, endColumn: o.pos.column + name.text.length };
    this.uses.push({ name: name.text, kind, location, ...(m && !m.builtin ? { definition: m.location } : {}) });
  }

  private expansionChain(m: MacroDef, nameTok: Token): ExpansionFrame[] {
    const o = charOrigin(nameTok, 0);
    return [{ kind: 'define', name: m.name, location: { ...o.pos } }, ...o.chain];
  }

  private enterMacroContext(m: MacroDef, nameTok: Token): boolean {
    this.angledHeaders = false;
    if (m.builtin) return this.builtinMacro(m, nameTok);
    let args: MacroArg[] | undefined;
    if (m.funLike) {
      this.preventExpansion++;
      this.parsingArgs = 1;
      args = this.funlikeInvocation(m);
      this.parsingArgs = 0;
      this.preventExpansion--;
      if (!args) return false;
    }
    const chain = this.expansionChain(m, nameTok);
    this.recordUse(nameTok, 'expansion');
    if (m.params.length > 0) this.replaceArgs(m, args!, chain);
    else this.pushContext(m, m.tokens.map((t) => instantiate(t, chain)));
    m.disabled = true;
    return true;
  }

  private funlikeInvocation(m: MacroDef): MacroArg[] | undefined {
    let tok: Token;
    let pad: Token | null = null;
    for (;;) {
      tok = this.getToken();
      if (tok.kind !== 'padding') break;
      if (pad === null || pad.source == null || (!(pad.source.flags & PREV_WHITE) && tok.source == null)) pad = tok;
    }
    if (isPunct(tok, '(')) {
      this.parsingArgs = 2;
      return this.collectArgs(m);
    }
    if (tok.kind !== 'eof' || tok.argEnd) {
      this.backupOne();
      if (pad) this.pushContext(null, [pad]);
    }
    return undefined;
  }

  private collectArgs(m: MacroDef): MacroArg[] | undefined {
    const paramc = m.params.length;
    const args: MacroArg[] = [];
    let argc = 0;
    let firstCount = 0;
    let tok: Token;
    do {
      argc++;
      const arg: Token[] = [];
      let depth = 0;
      for (;;) {
        tok = this.getToken();
        if (tok.kind === 'padding') {
          if (arg.length === 0) continue;
        } else if (isPunct(tok, '(')) depth++;
        else if (isPunct(tok, ')')) {
          if (depth-- === 0) break;
        } else if (isPunct(tok, ',')) {
          if (depth === 0 && !(m.variadic && argc === paramc)) break;
        } else if (tok.kind === 'eof' || (isPunct(tok, '#') && tok.flags & BOL)) break;
        arg.push(tok);
      }
      while (arg.length > 0 && arg[arg.length - 1].kind === 'padding') arg.pop();
      if (argc === 1) firstCount = arg.length;
      if (argc <= paramc) args[argc - 1] = { first: arg };
    } while (!isPunct(tok, ')') && tok.kind !== 'eof');

    if (tok.kind === 'eof') {
      if (this.contexts.length > 0 || this.inDirective) this.backupOne();
      this.error(`unterminated argument list invoking macro "${m.name}"`, tok);
      return undefined;
    }
    this.lastCloseParen = tok;
    if (argc === 1 && paramc === 0 && firstCount === 0) argc = 0;
    if (argc !== paramc) {
      if (argc < paramc && argc + 1 === paramc && m.variadic) {
        // GNU: the variadic argument may be omitted entirely.
      } else {
        if (argc < paramc) this.error(`macro "${m.name}" requires ${paramc} arguments, but only ${argc} given`, tok);
        else this.error(`macro "${m.name}" passed ${argc} arguments, but takes just ${paramc}`, tok);
        this.diag('note', `macro "${m.name}" defined here`, m.location, []);
        return undefined;
      }
    }
    // GCC: `, ## __VA_ARGS__` swallows the comma if the variadic argument was omitted entirely,
    // or (not conforming to a strict standard) if it is the only parameter and is empty.
    if (m.variadic && (argc < paramc || (argc === 1 && firstCount === 0))) args[paramc - 1] = { first: null };
    return args;
  }

  private expandArg(arg: MacroArg, end: Token = ARG_EOF): void {
    if (arg.expanded) return;
    const first = arg.first ?? [];
    if (first.length === 0) {
      arg.expanded = [];
      return;
    }
    if (this.argDepth >= MAX_ARG_NESTING) {
      // Not a GCC limit; it keeps the JavaScript stack safe. Such sources do not occur in practice.
      if (!this.argDepthReported) this.error(`macro arguments nested more than ${MAX_ARG_NESTING} levels deep; not expanded further`, first[0]);
      this.argDepthReported = true;
      arg.expanded = first;
      return;
    }
    this.argDepth++;
    this.pushContext(null, [...first, end]);
    this.ignorePragma++;
    const out: Token[] = [];
    for (;;) {
      const t = this.getToken();
      if (t.kind === 'eof') break;
      out.push(t);
    }
    this.popContext();
    this.ignorePragma--;
    this.argDepth--;
    arg.expanded = out;
  }

  /** cpplib stringify_arg. */
  private stringify(tokens: Token[], quote: CharOrigin, at: Token | null): Token {
    let text = '"';
    const chars: CharOrigin[] = [quote];
    let source: Token | null = null;
    let backslashes = 0;
    for (const tok of tokens) {
      if (tok.kind === 'padding') {
        if (source === null || (!(source.flags & PREV_WHITE) && tok.source == null)) source = tok.source ?? null;
        continue;
      }
      const escape = tok.kind === 'string' || tok.kind === 'char' || tok.kind === 'wstring' || tok.kind === 'wchar';
      if (text.length > 1) {
        const s = source ?? tok;
        if (s.flags & PREV_WHITE) {
          text += ' ';
          chars.push(chars[chars.length - 1]);
        }
      }
      source = null;
      const origins = charOrigins(tok);
      for (let i = 0; i < tok.text.length; i++) {
        const c = tok.text[i];
        if (escape && (c === '\\' || c === '"')) {
          text += '\\';
          chars.push(origins[i]);
        }
        text += c;
        chars.push(origins[i]);
      }
      if (tok.kind === 'other' && tok.text[0] === '\\') backslashes++;
      else backslashes = 0;
    }
    if (backslashes & 1) {
      if (at) this.warning("invalid string literal, ignoring final '\\'", at);
      text = text.slice(0, -1);
      chars.pop();
    }
    text += '"';
    chars.push(quote);
    return { kind: 'string', text, flags: 0, pos: chars[0].pos, chain: chars[0].chain, chars };
  }

  /** cpplib replace_args: substitutes the arguments into the body and pushes the expansion. */
  private replaceArgs(m: MacroDef, args: MacroArg[], chain: ExpansionFrame[]): void {
    const body = m.tokens;
    const closeParen = this.lastCloseParen;
    // The end of a pre-expanded argument is reported at the macro invocation (as GCC does).
    const argEnd: Token = { ...ARG_EOF, pos: chain[0].location, chain: chain.slice(1) };
    for (let i = 0; i < body.length; i++) {
      const src = body[i];
      if (src.kind !== 'arg') continue;
      const arg = args[src.argIndex!];
      if (src.flags & STRINGIFY_ARG) {
        if (!arg.stringified) arg.stringified = this.stringify(arg.first ?? [], charOrigin(instantiate(src, chain), 0), closeParen);
      } else if (src.flags & PASTE_LEFT || (i > 0 && body[i - 1].flags & PASTE_LEFT)) {
        // Operands of ## are not expanded.
      } else this.expandArg(arg, argEnd);
    }

    const buff: Token[] = [];
    const vaopt = new VaOptTracker(m.variadic, args[m.params.length - 1], (a) => this.expandArg(a, argEnd));
    let vaoptStart: number | null = null;
    const lastIs = (idx: number | null) => idx !== null && buff.length - 1 === idx;
    const copyPasteFlag = (idx: number, src: Token) => {
      buff[idx] = { ...buff[idx], flags: (buff[idx].flags & ~PASTE_LEFT) | (src.flags & PASTE_LEFT) };
    };

    for (let i = 0; i < body.length; i++) {
      const src = body[i];
      const vs = vaopt.update(src);
      if (vs !== 'INCLUDE') {
        if (vs === 'BEGIN') {
          if (i > 0 && !(body[i - 1].flags & PASTE_LEFT)) buff.push(padding(instantiate(src, chain)));
          vaoptStart = buff.length > 0 ? buff.length - 1 : null;
        } else if (vs === 'END') {
          const start = vaoptStart;
          vaoptStart = null;
          let pasteIdx: number | null = buff.length > 0 ? buff.length - 1 : null;
          if (vaopt.stringify) {
            const from = start === null ? 0 : start + 1;
            const inner = buff.splice(from);
            const pasted: Token[] = [];
            for (let k = 0; k < inner.length; k++) {
              let tok = inner[k];
              if (tok.flags & PASTE_LEFT) {
                let rhs: Token;
                do {
                  rhs = inner[++k];
                  const r = this.pasteTokens(tok, rhs);
                  if (!r) {
                    k--;
                    tok = { ...tok, flags: tok.flags & ~PASTE_LEFT };
                    break;
                  }
                  tok = r;
                } while (rhs.flags & PASTE_LEFT);
              }
              pasted.push(tok);
            }
            let t = this.stringify(pasted, charOrigin(instantiate(src, chain), 0), closeParen);
            if (src.flags & PASTE_LEFT) t = { ...t, flags: t.flags | PASTE_LEFT };
            buff.push(t);
            continue;
          }
          while (pasteIdx !== null && pasteIdx !== start && buff[pasteIdx].kind === 'padding') {
            buff.pop();
            pasteIdx = buff.length > 0 ? buff.length - 1 : null;
          }
          if (start !== null && pasteIdx === start && buff[start].flags & PASTE_LEFT) {
            buff[start] = { ...buff[start], flags: buff[start].flags & ~PASTE_LEFT };
          }
          if (src.flags & PASTE_LEFT) {
            if (pasteIdx !== null && buff[pasteIdx].kind !== 'padding') copyPasteFlag(pasteIdx, src);
          } else buff.push(AVOID_PASTE);
        }
        continue;
      }

      if (src.kind !== 'arg') {
        buff.push(instantiate(src, chain));
        continue;
      }

      let pasteIdx: number | null = null;
      const arg = args[src.argIndex!];
      let from: Token[];
      if (src.flags & STRINGIFY_ARG) from = [arg.stringified!];
      else if (src.flags & PASTE_LEFT) from = arg.first ?? [];
      else if (i > 0 && body[i - 1].flags & PASTE_LEFT) {
        from = arg.first ?? [];
        if (buff.length > 0) {
          const last = buff.length - 1;
          if (isPunct(buff[last], ',') && m.variadic && src.argIndex === m.params.length - 1) {
            if (arg.first === null) buff.pop();
            else pasteIdx = last;
          } else if (from.length === 0 && last !== vaoptStart) pasteIdx = last;
        }
      } else {
        from = arg.expanded ?? [];
        if (lastIs(vaoptStart)) {
          let k = 0;
          while (k < from.length && from[k].kind === 'padding') k++;
          from = from.slice(k);
        }
      }

      if ((!this.inDirective || this.directiveWantsPadding) && i > 0 && !(body[i - 1].flags & PASTE_LEFT) && !lastIs(vaoptStart)) {
        buff.push(padding(instantiate(src, chain)));
      }
      if (from.length > 0) {
        buff.push(...from);
        if (src.flags & PASTE_LEFT) pasteIdx = buff.length - 1;
      }
      if (!this.inDirective && !(src.flags & PASTE_LEFT) && !lastIs(vaoptStart)) buff.push(AVOID_PASTE);
      if (pasteIdx !== null) copyPasteFlag(pasteIdx, src);
    }
    this.pushContext(m, buff);
  }

  /** cpplib paste_all_tokens: `lhs` (PASTE_LEFT) was just read from the top context. */
  private pasteAll(lhs0: Token): void {
    const ctx = this.contexts[this.contexts.length - 1];
    let lhs = lhs0;
    for (;;) {
      if (ctx.pos >= ctx.tokens.length) {
        lhs = { ...lhs, flags: lhs.flags & ~PASTE_LEFT };
        break;
      }
      const rhs = ctx.tokens[ctx.pos++];
      if (rhs.kind === 'padding') {
        lhs = { ...lhs, flags: lhs.flags & ~PASTE_LEFT };
        break;
      }
      const r = this.pasteTokens(lhs, rhs);
      if (!r) {
        // Assembler mode: no error; the operands stay separate tokens.
        ctx.pos--;
        lhs = { ...lhs, flags: lhs.flags & ~PASTE_LEFT };
        break;
      }
      lhs = r;
      if (!(rhs.flags & PASTE_LEFT)) break;
    }
    this.pushContext(null, [lhs]);
  }

  /** cpplib paste_tokens: the token `lhs` `rhs` spell together, or undefined. */
  private pasteTokens(lhs: Token, rhs: Token): Token | undefined {
    let text = lhs.text;
    if (isPunct(lhs, '/') && !isPunct(rhs, '=')) text += ' ';
    if (rhs.kind !== 'padding') text += rhs.text;
    const t = lexWhole(text);
    if (!t) return undefined;
    const chars = [...charOrigins(lhs), ...(rhs.kind === 'padding' ? [] : charOrigins(rhs))];
    return { kind: t.kind, text: t.text, flags: lhs.flags & PREV_WHITE, pos: chars[0].pos, chain: chars[0].chain, chars };
  }

  // -------------------------------------------------------------------------------------------
  // Builtin macros

  private expansionPoint(tok: Token): SourceLocation {
    const o = charOrigin(tok, 0);
    let loc = o.pos;
    for (const f of o.chain) if (f.kind === 'define') loc = f.location;
    return loc;
  }

  private presumed(loc: SourceLocation): { file: string; line: number } {
    const remaps = this.lineRemaps.get(loc.file);
    let r: { from: number; line: number; file: string } | undefined;
    if (remaps) for (const x of remaps) if (x.from <= loc.line) r = x;
    return r ? { file: r.file, line: r.line + (loc.line - r.from) } : { file: loc.file, line: loc.line };
  }

  private builtinMacro(m: MacroDef, nameTok: Token): boolean {
    let text: string;
    switch (m.builtin!) {
      case 'PRAGMA':
        if (this.inDirective || this.ignorePragma) return false;
        return this.doPragmaOperator(nameTok);
      case 'FILE':
        text = `"${quoteString(this.presumed(this.expansionPoint(nameTok)).file)}"`;
        break;
      case 'BASE_FILE':
        text = `"${quoteString(this.mainPath)}"`;
        break;
      case 'LINE':
        text = String(this.presumed(this.expansionPoint(nameTok)).line);
        break;
      case 'INCLUDE_LEVEL':
        text = String(Math.max(0, this.buffers.length - 1));
        break;
      case 'COUNTER':
        text = String(this.counter++);
        break;
      case 'DATE':
      case 'TIME': {
        const d = new Date();
        const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
        const two = (n: number) => String(n).padStart(2, '0');
        text =
          m.builtin === 'DATE'
            ? `"${mon} ${String(d.getDate()).padStart(2, ' ')} ${d.getFullYear()}"`
            : `"${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}"`;
        break;
      }
      case 'TIMESTAMP':
        text = '"??? ??? ?? ??:??:?? ????"';
        break;
      case 'HAS_INCLUDE':
      case 'HAS_INCLUDE_NEXT':
        text = this.hasInclude(m, nameTok) ? '1' : '0';
        break;
      case 'HAS_ATTRIBUTE':
        this.skipParenthesized(m);
        text = '0';
        break;
    }
    const [tok] = lexAll(text, '<built-in>');
    const o = charOrigin(nameTok, 0);
    this.pushContext(null, [{ kind: tok.kind, text: tok.text, flags: 0, pos: o.pos, chain: o.chain }]);
    return true;
  }

  private hasInclude(m: MacroDef, nameTok: Token): boolean {
    if (!this.inDirective) this.error(`"${m.name}" used outside of preprocessing directive`, nameTok);
    this.angledHeaders = true;
    let tok = this.getTokenNoPadding();
    const paren = isPunct(tok, '(');
    if (paren) tok = this.getTokenNoPadding();
    else this.error(`missing '(' before "${m.name}" operand`, tok);
    this.angledHeaders = false;
    let name: string | undefined;
    const angled = tok.kind !== 'string';
    if (tok.kind === 'string' || tok.kind === 'header') name = tok.text.slice(1, -1);
    else if (isPunct(tok, '<')) name = this.bracketInclude();
    else this.error(`operator "${m.name}" requires a header-name`, tok);
    let result = false;
    if (name !== undefined && !this.skipEval) {
      result = this.findInclude(name, angled, m.builtin === 'HAS_INCLUDE_NEXT' && this.buffers.length > 1) !== undefined;
    }
    if (paren) {
      const close = this.getTokenNoPadding();
      if (!isPunct(close, ')')) this.error(`missing ')' after "${m.name}" operand`, close);
    }
    return result;
  }

  /** `__has_attribute (x)` and friends: GCC asks the compiler; assembler sources get 0. */
  private skipParenthesized(m: MacroDef): void {
    this.preventExpansion++;
    const open = this.getTokenNoPadding();
    if (!isPunct(open, '(')) {
      this.error(`missing '(' after "${m.name}"`, open);
      if (open.kind === 'eof') this.backupOne();
    } else {
      let depth = 0;
      for (;;) {
        const t = this.getTokenNoPadding();
        if (t.kind === 'eof') {
          this.error(`missing ')' after "${m.name}" operand`, t);
          this.backupOne();
          break;
        }
        if (isPunct(t, '(')) depth++;
        else if (isPunct(t, ')') && depth-- === 0) break;
      }
    }
    this.preventExpansion--;
  }

  /** Glues the tokens of `<` ... `>` from a macro expansion into a header name. */
  private bracketInclude(): string {
    let name = '';
    for (;;) {
      const t = this.getTokenNoPadding();
      if (isPunct(t, '>')) break;
      if (t.kind === 'eof') {
        this.error('missing terminating > character', t);
        break;
      }
      if (t.flags & PREV_WHITE) name += ' ';
      name += t.text;
    }
    return name;
  }

  // -------------------------------------------------------------------------------------------
  // Directives

  /** Returns false for an assembler `#` (not a directive): the `#` is then an ordinary token. */
  private handleDirective(): boolean {
    const wasParsingArgs = this.parsingArgs;
    const savedPrevent = this.preventExpansion;
    if (wasParsingArgs) {
      this.parsingArgs = 0;
      this.preventExpansion = 0;
    }
    this.inDirective = true;
    const dname = this.lexToken();
    let dir: string | undefined;
    let skip = true;
    if (dname.kind === 'name' && DIRECTIVES.has(dname.text)) {
      dir = dname.text;
      this.angledHeaders = INCL_DIRECTIVES.has(dir);
      this.directiveWantsPadding = this.angledHeaders;
      if (this.skipping && !COND_DIRECTIVES.has(dir)) dir = undefined;
    } else if (dname.kind === 'eof') {
      // The null directive.
    } else skip = false;

    if (dir) this.runDirective(dir, dname);
    else if (!skip) this.backupOne();

    // end_directive
    if (skip) {
      while (this.contexts.length > 0) this.popContext();
      while (this.lexToken().kind !== 'eof');
    }
    this.inDirective = false;
    this.angledHeaders = false;
    this.directiveWantsPadding = false;
    if (wasParsingArgs) {
      this.parsingArgs = wasParsingArgs;
      this.preventExpansion = savedPrevent;
    }
    const inc = this.pendingInclude;
    if (inc) {
      this.pendingInclude = null;
      const chain: ExpansionFrame[] = [{ kind: 'include', name: inc.path, location: { ...inc.at.pos } }, ...inc.at.chain];
      this.sink?.fileChange();
      this.pushFile(inc.path, inc.text, inc.dirIndex, chain, false);
      if (!this.includedFiles.includes(inc.path)) this.includedFiles.push(inc.path);
    }
    return skip;
  }

  private runDirective(dir: string, dname: Token): void {
    switch (dir) {
      case 'define':
        return this.doDefine(dname);
      case 'undef':
        return this.doUndef(dname);
      case 'include':
      case 'include_next':
      case 'import':
        return this.doInclude(dname);
      case 'if':
        return this.pushConditional(this.skipping ? true : !this.parseExpr(true), dname);
      case 'ifdef':
      case 'ifndef': {
        let skip = true;
        if (!this.skipping) {
          const name = this.lexMacroNode(false, dname);
          if (name) {
            this.recordUse(name, 'test');
            const defined = this.macros.has(name.text);
            skip = dir === 'ifdef' ? !defined : defined;
            this.checkEol(dname, false);
          }
        }
        return this.pushConditional(skip, dname);
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef':
        return this.doElif(dname);
      case 'else':
        return this.doElse(dname);
      case 'endif':
        return this.doEndif(dname);
      case 'line':
        return this.doLine(dname);
      case 'error':
      case 'warning':
        return this.doDiagnostic(dname);
      case 'pragma': {
        const toks: Token[] = [];
        for (;;) {
          const t = this.lexToken();
          if (t.kind === 'eof') break;
          toks.push(t);
        }
        return this.doPragma(toks);
      }
      case 'ident':
      case 'sccs': {
        const s = this.getTokenNoPadding();
        if (s.kind !== 'string') this.error(`invalid #${dir} directive`, s);
        else this.checkEol(dname, false);
        return;
      }
      case 'assert':
      case 'unassert':
        return this.doAssert(dname);
    }
  }

  private checkEol(dname: Token, expand: boolean): void {
    const t = expand ? this.getTokenNoPadding() : this.lexToken();
    if (t.kind !== 'eof') this.warning(`extra tokens at end of #${dname.text} directive`, t);
  }

  private lexMacroNode(isDefOrUndef: boolean, dname: Token): Token | undefined {
    const tok = this.lexToken();
    if (tok.kind === 'name') {
      if (isDefOrUndef && (tok.text === 'defined' || tok.text === '__has_include' || tok.text === '__has_include_next')) {
        this.error(`"${tok.text}" cannot be used as a macro name`, tok);
      } else return tok;
    } else if (tok.kind === 'eof') this.error(`no macro name given in #${dname.text} directive`, tok);
    else this.error('macro names must be identifiers', tok);
    return undefined;
  }

  private pushConditional(skip: boolean, dname: Token): void {
    const buf = this.buffer!;
    buf.ifs.push({ type: dname.text, at: dname, wasSkipping: this.skipping, skipElses: this.skipping || !skip });
    this.skipping = skip;
  }

  private doElif(dname: Token): void {
    const ifs = this.buffer!.ifs;
    const top = ifs[ifs.length - 1];
    if (!top) {
      this.error(`#${dname.text} without #if`, dname);
      return;
    }
    if (top.type === 'else') {
      this.error(`#${dname.text} after #else`, dname);
      this.report('note', 'the conditional began here', top.at);
    }
    top.type = dname.text;
    if (top.skipElses) {
      this.skipping = true;
      return;
    }
    if (dname.text === 'elif') {
      this.skipping = false;
      this.skipping = !this.parseExpr(false);
    } else {
      this.skipping = false;
      const name = this.lexMacroNode(false, dname);
      if (name) {
        this.recordUse(name, 'test');
        const defined = this.macros.has(name.text);
        this.skipping = dname.text === 'elifdef' ? !defined : defined;
        this.checkEol(dname, false);
      } else this.skipping = true;
    }
    top.skipElses = !this.skipping;
  }

  private doElse(dname: Token): void {
    const ifs = this.buffer!.ifs;
    const top = ifs[ifs.length - 1];
    if (!top) {
      this.error('#else without #if', dname);
      return;
    }
    if (top.type === 'else') {
      this.error('#else after #else', dname);
      this.report('note', 'the conditional began here', top.at);
    }
    top.type = 'else';
    this.skipping = top.skipElses;
    top.skipElses = true;
    if (!top.wasSkipping) this.checkEol(dname, false);
  }

  private doEndif(dname: Token): void {
    const ifs = this.buffer!.ifs;
    const top = ifs[ifs.length - 1];
    if (!top) {
      this.error('#endif without #if', dname);
      return;
    }
    if (!top.wasSkipping) this.checkEol(dname, false);
    ifs.pop();
    this.skipping = top.wasSkipping;
  }

  private parseExpr(isIf: boolean): boolean {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const engine = this;
    const host: ExprHost = {
      next: () => this.getTokenNoPadding(),
      nextRaw: () => {
        this.preventExpansion++;
        try {
          return this.getTokenNoPadding();
        } finally {
          this.preventExpansion--;
        }
      },
      isDefined: (name, tok) => {
        if (tok) this.recordUse(tok, 'test');
        return this.macros.has(name);
      },
      testAssertion: (hash) => this.testAssertion(hash),
      error: (message, at) => this.error(message, at),
      warning: (message, at) => this.warning(message, at),
      get skipEval() {
        return engine.skipEval;
      },
      set skipEval(v: number) {
        engine.skipEval = v;
      },
    };
    this.skipEval = 0;
    const r = evaluate(host, isIf);
    this.skipEval = 0;
    return r;
  }

  private doLine(dname: Token): void {
    const buf = this.buffer!;
    const num = this.getTokenNoPadding();
    if (num.kind !== 'number' || !/^[0-9]+$/.test(num.text)) {
      if (num.kind === 'eof') this.error('unexpected end of file after #line', num);
      else this.error(`"${num.text}" after #line is not a positive integer`, num);
      return;
    }
    const line = Number(num.text);
    if (line > 0xffffffff) this.warning('line number out of range', num);
    let file = this.presumed({ file: buf.path, line: buf.lexer.nextLineNumber - 1, column: 1 }).file;
    const str = this.getTokenNoPadding();
    if (str.kind === 'string') {
      file = str.text.slice(1, -1).replace(/\\(.)/g, '$1');
      this.checkEol(dname, true);
    } else if (str.kind !== 'eof') {
      this.error(`"${str.text}" is not a valid filename`, str);
      return;
    }
    const list = this.lineRemaps.get(buf.path) ?? [];
    list.push({ from: buf.lexer.nextLineNumber, line, file });
    this.lineRemaps.set(buf.path, list);
  }

  private doDiagnostic(dname: Token): void {
    let msg = `#${dname.text} `;
    this.preventExpansion++;
    let t = this.getToken();
    while (t.kind !== 'eof') {
      if (t.kind !== 'padding') msg += t.text;
      t = this.getToken();
      if (t.flags & PREV_WHITE) msg += ' ';
    }
    this.preventExpansion--;
    this.report(dname.text === 'error' ? 'error' : 'warning', msg, dname);
  }

  // ---- #define / #undef

  private doDefine(dname: Token): void {
    const name = this.lexMacroNode(true, dname);
    if (!name) return;
    const def = this.createDefinition(name);
    if (!def) return;
    const old = this.macros.get(name.text);
    if (old && this.warnOfRedefinition(old, def)) {
      this.warning(`"${name.text}" redefined`, name);
      if (!old.builtin) this.diag('note', 'this is the location of the previous definition', old.location, []);
    }
    this.macros.set(name.text, def);
    this.definitions?.push(def);
  }

  private warnOfRedefinition(a: MacroDef, b: MacroDef): boolean {
    if (a.builtin) return true;
    if (a.funLike !== b.funLike || a.variadic !== b.variadic || a.params.length !== b.params.length) return true;
    if (a.params.some((p, i) => p !== b.params[i])) return true;
    if (a.tokens.length !== b.tokens.length) return true;
    const mask = PREV_WHITE | PASTE_LEFT | STRINGIFY_ARG;
    return a.tokens.some((t, i) => {
      const u = b.tokens[i];
      return t.kind !== u.kind || t.text !== u.text || (t.flags & mask) !== (u.flags & mask) || t.argIndex !== u.argIndex;
    });
  }

  /** cpplib create_iso_definition. */
  private createDefinition(name: Token): MacroDef | undefined {
    const params: string[] = [];
    let variadic = false;
    let funLike = false;
    const body: Token[] = [];
    let tok = this.lexToken();
    if (tok.flags & PREV_WHITE) {
      // Object-like; `tok` starts the body.
    } else if (isPunct(tok, '(')) {
      const r = this.parseParams(params);
      if (!r) return undefined;
      variadic = r.variadic;
      funLike = true;
      this.vaArgsOk = variadic && params[params.length - 1] === '__VA_ARGS__';
      tok = this.lexToken();
    } else if (tok.kind !== 'eof') {
      this.warning('missing whitespace after the macro name', name);
    }
    const def: MacroDef = { name: name.text, funLike, params, variadic, tokens: body, location: { ...name.pos }, disabled: false };

    const vaopt = new VaOptTracker(variadic, undefined, () => {});
    let followingPaste = false;
    const PASTE_ERR = "'##' cannot appear at either end of a macro expansion";
    try {
      for (;;) {
        if (tok.kind === 'name' && funLike) {
          const idx = params.indexOf(tok.text);
          if (idx >= 0) tok = { ...tok, kind: 'arg', argIndex: idx };
        }
        const prev = body[body.length - 1];
        if (prev && isPunct(prev, '#') && !(prev.flags & STRINGIFY_ARG) && funLike) {
          if (tok.kind === 'arg' || (variadic && tok.kind === 'name' && tok.text === '__VA_OPT__')) {
            // `#param`: the operand takes the place of the `#` (and its position and spacing).
            body[body.length - 1] = { ...tok, flags: (tok.flags & ~PREV_WHITE) | STRINGIFY_ARG | (prev.flags & PREV_WHITE), pos: prev.pos, chars: undefined };
            if (vaopt.update(body[body.length - 1], this.reporter) === 'ERROR') return undefined;
            tok = this.lexToken();
            continue;
          }
          // Assembler mode: a `#` not followed by a parameter is an ordinary token.
        }
        if (tok.kind === 'eof') {
          if (followingPaste) {
            this.error(PASTE_ERR, name);
            return undefined;
          }
          if (!vaopt.completed(this.reporter, name)) return undefined;
          break;
        }
        if (isPunct(tok, '##')) {
          if (body.length === 0) {
            this.error(PASTE_ERR, name);
            return undefined;
          }
          if (!followingPaste) body[body.length - 1] = { ...body[body.length - 1], flags: body[body.length - 1].flags | PASTE_LEFT };
          followingPaste = true;
          if (vaopt.update(tok, this.reporter) === 'ERROR') return undefined;
          tok = this.lexToken();
          continue;
        }
        followingPaste = false;
        if (vaopt.update(tok, this.reporter) === 'ERROR') return undefined;
        body.push(tok);
        tok = this.lexToken();
      }
    } finally {
      this.vaArgsOk = false;
    }
    if (body.length > 0) body[0] = { ...body[0], flags: body[0].flags & ~PREV_WHITE };
    for (let i = 0; i < body.length; i++) body[i] = { ...body[i], chain: [], chars: body[i].chars?.map((c) => ({ pos: c.pos, chain: [] })) };
    return def;
  }

  private parseParams(params: string[]): { variadic: boolean } | undefined {
    let prevIdent = false;
    let variadic = false;
    for (;;) {
      const tok = this.lexToken();
      const bad = () => {
        const msgs = [
          `expected parameter name, found "${tok.text}"`,
          `expected ',' or ')', found "${tok.text}"`,
          'expected parameter name before end of line',
          "expected ')' before end of line",
          `expected ')' after "..."`,
        ];
        let ix = prevIdent ? 1 : 0;
        if (variadic) ix = 4;
        else if (tok.kind === 'eof') ix += 2;
        this.error(msgs[ix], tok);
        return undefined;
      };
      if (tok.kind === 'name') {
        if (prevIdent || variadic) return bad();
        prevIdent = true;
        if (params.includes(tok.text)) {
          this.error(`duplicate macro parameter "${tok.text}"`, tok);
          return undefined;
        }
        if (tok.text === '__VA_ARGS__') this.warning('__VA_ARGS__ can only appear in the expansion of a C99 variadic macro', tok);
        params.push(tok.text);
      } else if (isPunct(tok, ')')) {
        if (prevIdent || params.length === 0 || variadic) return { variadic };
        if (!prevIdent || variadic) return bad();
        prevIdent = false;
      } else if (isPunct(tok, ',')) {
        if (!prevIdent || variadic) return bad();
        prevIdent = false;
      } else if (isPunct(tok, '...')) {
        if (!prevIdent) params.push('__VA_ARGS__');
        variadic = true;
      } else return bad();
    }
  }

  private doUndef(dname: Token): void {
    const name = this.lexMacroNode(true, dname);
    if (name) {
      this.recordUse(name, 'undef');
      const m = this.macros.get(name.text);
      if (m) {
        if (m.builtin) this.warning(`undefining "${name.text}"`, name);
        this.macros.delete(name.text);
      }
    }
    this.checkEol(dname, false);
  }

  // ---- #include

  private doInclude(dname: Token): void {
    const hdr = this.getTokenNoPadding();
    let name: string | undefined;
    let angled = false;
    if (hdr.kind === 'string' || hdr.kind === 'header') {
      name = hdr.text.slice(1, -1);
      angled = hdr.kind === 'header';
    } else if (isPunct(hdr, '<')) {
      name = this.bracketInclude();
      angled = true;
    } else {
      this.error(`#${dname.text} expects "FILENAME" or <FILENAME>`, hdr);
      return;
    }
    this.checkEol(dname, true);
    if (name === '') {
      this.error(`empty filename in #${dname.text}`, hdr);
      return;
    }
    if (this.buffers.length >= MAX_INCLUDE_DEPTH) {
      this.error(
        `#include nested depth ${this.buffers.length} exceeds maximum of ${MAX_INCLUDE_DEPTH} (use -fmax-include-depth=DEPTH to increase the maximum)`,
        dname,
      );
      return;
    }
    let next = dname.text === 'include_next';
    if (next && this.buffers.length === 1) {
      this.warning('#include_next in primary source file', dname);
      next = false;
    }
    if (dname.text === 'import') this.warning('#import is a deprecated GCC extension', dname);
    const found = this.findInclude(name, angled, next);
    if (!found) {
      this.error(`${name}: No such file or directory`, hdr);
      return;
    }
    if (this.onceFiles.has(found.path)) return;
    if (dname.text === 'import' && this.seenFiles.has(found.path)) return;
    // The include frame points at the file name when it is written out, else at the directive.
    const bufChain = this.buffer!.chain;
    const at = hdr.chain === bufChain && !hdr.chars ? charOrigin(hdr, 0) : charOrigin(dname, 0);
    this.pendingInclude = { ...found, at };
  }

  private findInclude(name: string, angled: boolean, next: boolean): { path: string; text: string; dirIndex: number } | undefined {
    const cur = this.buffer!;
    const candidates: Array<{ path: string; dirIndex: number }> = [];
    if (isAbsolutePath(name)) candidates.push({ path: name, dirIndex: -1 });
    else {
      let start = 0;
      if (next) start = cur.dirIndex + 1;
      else if (!angled) candidates.push({ path: this.fs.resolve(this.fs.dirname(cur.path), name), dirIndex: -1 });
      for (let i = start; i < this.includePaths.length; i++) candidates.push({ path: this.fs.resolve(this.includePaths[i], name), dirIndex: i });
    }
    for (const c of candidates) {
      const text = this.fs.readFile(c.path);
      if (text !== undefined) return { ...c, text };
    }
    return undefined;
  }

  // ---- #pragma and _Pragma

  private doPragmaOperator(nameTok: Token): boolean {
    const get = (): Token | undefined => {
      const t = this.getTokenNoPadding();
      if (t.kind === 'eof') this.backupOne();
      return t;
    };
    let bad = get();
    let str: Token | undefined;
    if (bad && isPunct(bad, '(')) {
      const s = (bad = get());
      if (s && (s.kind === 'string' || s.kind === 'wstring')) {
        const close = (bad = get());
        if (close && isPunct(close, ')')) str = s;
      }
    }
    if (!str) {
      this.error('_Pragma takes a parenthesized string literal', bad && bad.kind !== 'eof' ? bad : nameTok);
      return false;
    }
    // Destringize (\" -> ", \\ -> \), remembering where each character was in the literal.
    const origins = charOrigins(str);
    let body = '';
    const map: CharOrigin[] = [];
    for (let i = str.text.indexOf('"') + 1; i < str.text.length - 1; i++) {
      if (str.text[i] === '\\' && (str.text[i + 1] === '"' || str.text[i + 1] === '\\')) i++;
      body += str.text[i];
      map.push(origins[i]);
    }
    const toks = lexAll(body, '<_Pragma>').map((t) => {
      const start = t.pos.column - 1;
      const chars = map.slice(start, start + t.text.length);
      return { ...t, pos: chars[0].pos, chain: chars[0].chain, chars };
    });
    this.doPragma(toks);
    if (!this.parsingArgs) this.sink?.restartLine();
    return true;
  }

  private doPragma(toks: Token[]): void {
    const [a, b] = toks;
    if (!a || a.kind !== 'name') return;
    const buf = this.buffer!;
    const isMain = this.buffers.length === 1;
    const stringArg = (from: number): string | undefined => {
      const [open, s, close] = toks.slice(from);
      if (open && isPunct(open, '(') && s && s.kind === 'string' && close && isPunct(close, ')')) return s.text.slice(1, -1);
      return undefined;
    };
    switch (a.text) {
      case 'message':
      case 'redefine_extname': {
        // Registered "with expansion" by GCC's C family, so `gcc -E` prints them, expanded.
        if (!this.sink) return;
        const end: Token = { ...ARG_EOF, pos: a.pos, chain: a.chain };
        this.pushContext(null, [...toks.slice(1), end]);
        const args: Token[] = [];
        // Expanded like ordinary text (GCC reads them as a deferred pragma, with padding).
        const wasInDirective = this.inDirective;
        this.inDirective = false;
        for (;;) {
          const t = this.getToken();
          if (t.kind === 'eof') break;
          args.push(t);
        }
        this.inDirective = wasInDirective;
        this.popContext();
        this.sink.pragma(a, args);
        return;
      }
      case 'once':
        if (isMain) this.warning('#pragma once in main file', a);
        else this.onceFiles.add(buf.path);
        if (toks.length > 1) this.warning('extra tokens at end of #pragma directive', toks[1]);
        return;
      case 'push_macro':
      case 'pop_macro': {
        const name = stringArg(1);
        if (name === undefined) {
          this.error(`invalid #pragma ${a.text} directive`, a);
          return;
        }
        const stack = this.pushedMacros.get(name) ?? [];
        if (a.text === 'push_macro') {
          const m = this.macros.get(name);
          stack.push(m ? { ...m, disabled: false } : undefined);
          this.pushedMacros.set(name, stack);
        } else if (stack.length > 0) {
          const m = stack.pop();
          if (m) this.macros.set(name, m);
          else this.macros.delete(name);
        }
        return;
      }
      case 'GCC':
        if (!b) return;
        if (b.text === 'system_header') {
          if (isMain) this.warning('#pragma system_header ignored outside include file', b);
        } else if (b.text === 'warning' || b.text === 'error') {
          let s = toks[2];
          if (s && isPunct(s, '(')) s = toks[3];
          if (!s || s.kind !== 'string') this.error(`invalid "#pragma GCC ${b.text}" directive`, s ?? b);
          else this.report(b.text === 'error' ? 'error' : 'warning', s.text.slice(1, -1), s);
        }
        return;
      default:
        // Other pragmas are for the compiler; in assembler-with-cpp mode GCC drops them.
        return;
    }
  }

  // ---- #assert / #unassert and #pred(answer) in #if (obsolete GCC extensions)

  private readAssertion(): { pred?: Token; answer?: string; bad: boolean } {
    const pred = this.lexToken();
    if (pred.kind === 'eof') {
      this.error('assertion without predicate', pred);
      return { bad: true };
    }
    if (pred.kind !== 'name') {
      this.error('predicate must be an identifier', pred);
      return { bad: true };
    }
    const open = this.lexToken();
    if (!isPunct(open, '(')) {
      if (open.kind !== 'eof') this.backupOne();
      return { pred, bad: false };
    }
    let answer = '';
    for (;;) {
      const t = this.lexToken();
      if (isPunct(t, ')')) break;
      if (t.kind === 'eof') {
        this.error("missing ')' to complete answer", t);
        return { bad: true };
      }
      if (answer && t.flags & PREV_WHITE) answer += ' ';
      answer += t.text;
    }
    if (!answer) {
      this.error("predicate's answer is empty", pred);
      return { bad: true };
    }
    return { pred, answer, bad: false };
  }

  private doAssert(dname: Token): void {
    this.warning(`#${dname.text} is a deprecated GCC extension`, dname);
    const r = this.readAssertion();
    if (r.bad || !r.pred) return;
    const set = this.assertions.get(r.pred.text) ?? new Set<string>();
    if (dname.text === 'assert') {
      if (r.answer === undefined) {
        this.error('missing \'(\' after predicate', r.pred);
        return;
      }
      set.add(r.answer);
      this.assertions.set(r.pred.text, set);
    } else if (r.answer === undefined) this.assertions.delete(r.pred.text);
    else set.delete(r.answer);
    this.checkEol(dname, false);
  }

  private testAssertion(hash: Token): Num {
    this.warning('assertions are a deprecated extension', hash);
    this.preventExpansion++;
    const r = this.readAssertion();
    this.preventExpansion--;
    if (r.bad || !r.pred) return { v: 0n, unsigned: false };
    const set = this.assertions.get(r.pred.text);
    const yes = set !== undefined && (r.answer === undefined ? set.size > 0 : set.has(r.answer));
    return { v: yes ? 1n : 0n, unsigned: false };
  }

  defineAssertion(pred: string, answer: string): void {
    const set = this.assertions.get(pred) ?? new Set<string>();
    set.add(answer);
    this.assertions.set(pred, set);
  }

  defineBuiltin(name: string, builtin: Builtin): void {
    this.macros.set(name, { name, funLike: false, params: [], variadic: false, tokens: [], location: { file: '<built-in>', line: 0, column: 0 }, builtin, disabled: false });
  }
}

/** A body token placed into an expansion: same text and definition position, the expansion's chain. */
function instantiate(t: Token, chain: ExpansionFrame[]): Token {
  return { ...t, chain, chars: t.chars?.map((c) => ({ pos: c.pos, chain })) };
}

interface Reporter {
  error(message: string, at: Token): void;
}

/** cpplib's vaopt_state: tracks __VA_OPT__ ( ... ) in a variadic macro body. */
class VaOptTracker {
  private state = 0;
  private update_: 'ERROR' | 'DROP' | 'INCLUDE' = 'ERROR';
  private lastWasPaste = false;
  private start: Token | null = null;
  stringify = false;

  constructor(
    private readonly variadic: boolean,
    private readonly arg: MacroArg | undefined,
    private readonly expand: (a: MacroArg) => void,
  ) {}

  update(tok: Token, reporter?: Reporter): 'ERROR' | 'DROP' | 'INCLUDE' | 'BEGIN' | 'END' {
    if (!this.variadic) return 'INCLUDE';
    const err = (m: string, t: Token) => {
      reporter?.error(m, t);
      return 'ERROR' as const;
    };
    if (tok.kind === 'name' && tok.text === '__VA_OPT__') {
      if (this.state > 0) return err('__VA_OPT__ may not appear in a __VA_OPT__', tok);
      this.state = 1;
      this.start = tok;
      this.stringify = (tok.flags & STRINGIFY_ARG) !== 0;
      return 'BEGIN';
    }
    if (this.state === 1) {
      if (!isPunct(tok, '(')) return err('__VA_OPT__ must be followed by an open parenthesis', this.start!);
      this.state = 2;
      if (this.update_ === 'ERROR') {
        if (!this.arg) this.update_ = 'INCLUDE';
        else {
          this.update_ = 'DROP';
          this.expand(this.arg);
          if ((this.arg.expanded ?? []).some((t) => t.kind !== 'padding')) this.update_ = 'INCLUDE';
        }
      }
      return 'DROP';
    }
    if (this.state >= 2) {
      if (this.state === 2 && isPunct(tok, '##')) return err("'##' cannot appear at either end of __VA_OPT__", tok);
      if (this.state === 2) this.state++;
      const wasPaste = this.lastWasPaste;
      this.lastWasPaste = false;
      if (isPunct(tok, '##')) this.lastWasPaste = true;
      else if (isPunct(tok, '(')) this.state++;
      else if (isPunct(tok, ')')) {
        this.state--;
        if (this.state === 2) {
          this.state = 0;
          if (wasPaste) return err("'##' cannot appear at either end of __VA_OPT__", tok);
          return 'END';
        }
      }
      return this.update_;
    }
    return 'INCLUDE';
  }

  completed(reporter: Reporter, at: Token): boolean {
    if (this.variadic && this.state !== 0) {
      reporter.error('unterminated __VA_OPT__', this.start ?? at);
      return false;
    }
    return true;
  }
}

