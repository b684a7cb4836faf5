/**
 * C declarations of kernel headers: declaration specifiers (integer keywords, typedef names,
 * struct/union/enum with bodies, GCC attributes), declarators (pointers, arrays, function
 * suffixes, parenthesised declarators), type names for casts, and the top level of a header
 * (typedefs, `extern` variables, `DECLARE_PER_CPU*(T, name)`, forward declarations). Function
 * prototypes, inline function bodies, initialisers and static asserts are skipped.
 */
import { layoutRecord, type MemberDeclaration } from './c-layout.js';
import { evaluateConstant } from './c-const.js';
import { ExprParser, ParseError, type ExprParserOptions } from './c-expr-parser.js';
import type { CToken } from './c-lexer.js';
import { BOOL, FUNCTION, VOID, alignOf, intType, sizeOf, type CEnumType, type CRecordType, type CType, type CVariable, type TypeScope } from './ctype-model.js';

/** What the parser may add to the type table while reading headers. */
export interface TypeBuilder extends TypeScope {
  /** Existing struct/union/enum object for a tag, created incomplete if missing; undefined if read-only and missing. */
  tagged(kind: 'struct' | 'union' | 'enum', tag: string): CRecordType | CEnumType | undefined;
  defineTypedef(name: string, type: CType): void;
  defineVariable(name: string, variable: CVariable): void;
  defineEnumConstant(name: string, value: bigint, type: CType): void;
}

/** The per-CPU declaration macros of Linux (recognised by name, whatever the header defines them to). */
export const PER_CPU_DECLARATORS = [
  'DECLARE_PER_CPU', 'DECLARE_PER_CPU_ALIGNED', 'DECLARE_PER_CPU_PAGE_ALIGNED', 'DECLARE_PER_CPU_SHARED_ALIGNED',
  'DECLARE_PER_CPU_READ_MOSTLY', 'DECLARE_PER_CPU_FIRST', 'DECLARE_PER_CPU_CACHE_HOT',
];

interface Attributes {
  packed?: boolean;
  aligned?: number;
}

const STORAGE = new Set(['typedef', 'extern', 'static', 'register', 'auto', '_Thread_local', '__thread']);
/** Qualifiers and annotation keywords that do not change layout. */
const IGNORED = new Set([
  'const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__const__', '__volatile', '__volatile__',
  'inline', '__inline', '__inline__', '__always_inline', 'noinline', '__extension__', '_Noreturn', '__noreturn',
  '__user', '__kernel', '__iomem', '__percpu', '__rcu', '__force', '__must_check', '__seg_gs', '__seg_fs',
  'notrace', 'asmlinkage', '__visible', '__init', '__initdata', '__read_mostly', '__ro_after_init', '__weak',
  '__maybe_unused', '__used', '__cold', '__hot', 'noinstr', '__noinstr', '_Atomic',
]);
const TYPE_KEYWORDS = new Set(['void', 'char', 'short', 'int', 'long', 'signed', 'unsigned', '__signed', '__signed__', '_Bool', 'float', 'double', '__int128']);
const ATTRIBUTE_KEYWORDS = new Set(['__attribute__', '__attribute', '__packed', '__aligned', '_Alignas']);

export interface DeclarationHandlers {
  diagnostic(severity: 'error' | 'warning' | 'note', message: string, at: CToken): void;
}

export class DeclParser extends ExprParser {
  constructor(
    tokens: CToken[],
    private scope: TypeBuilder,
    options: ExprParserOptions,
    private readonly = false,
  ) {
    super(tokens, options);
  }

  get atEnd(): boolean {
    return this.tok.kind === 'eof';
  }
  get cursor(): CToken {
    return this.tok;
  }

  // ---- type names ----

  protected atTypeName(): boolean {
    const t = this.tok;
    if (t.kind !== 'ident') return false;
    return (
      TYPE_KEYWORDS.has(t.text) || IGNORED.has(t.text) || t.text === 'struct' || t.text === 'union' || t.text === 'enum' ||
      t.text === '__typeof__' || t.text === 'typeof' || t.text === '__typeof' || this.scope.typedef(t.text) !== undefined
    );
  }

  parseTypeName(): CType {
    const spec = this.parseSpecifiers();
    if (spec.storage) throw this.error(`'${spec.storage}' is not allowed in a type name`);
    const d = this.parseDeclarator();
    if (d.name !== undefined) throw new ParseError(`unexpected name '${d.name}' in a type name`, d.nameTok!.start, d.nameTok!.line);
    return d.apply(spec.type);
  }

  // ---- specifiers ----

  private parseSpecifiers(): { type: CType; storage?: string; attrs: Attributes; start: CToken } {
    const start = this.tok;
    const attrs: Attributes = {};
    const words: string[] = [];
    let storage: string | undefined;
    let type: CType | undefined;
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'ident') break;
      if (STORAGE.has(t.text)) {
        storage = t.text;
        this.next();
      } else if (IGNORED.has(t.text)) {
        this.next();
      } else if (ATTRIBUTE_KEYWORDS.has(t.text)) {
        this.parseAttributes(attrs);
      } else if (TYPE_KEYWORDS.has(t.text)) {
        if (type) throw this.error(`two or more data types in declaration specifiers`);
        words.push(t.text);
        this.next();
      } else if (t.text === 'struct' || t.text === 'union') {
        if (type || words.length) throw this.error(`two or more data types in declaration specifiers`);
        this.next();
        type = this.parseRecord(t.text);
      } else if (t.text === 'enum') {
        if (type || words.length) throw this.error(`two or more data types in declaration specifiers`);
        this.next();
        type = this.parseEnum();
      } else if (t.text === '__typeof__' || t.text === 'typeof' || t.text === '__typeof') {
        this.next();
        this.expect('(');
        if (!this.atTypeName()) throw this.error(`typeof of an expression is not supported here`);
        type = this.parseTypeName();
        this.expect(')');
      } else if (!type && words.length === 0 && this.scope.typedef(t.text) !== undefined) {
        type = this.scope.typedef(t.text)!;
        this.next();
      } else break;
    }
    if (!type) {
      if (words.length === 0) {
        const t = this.tok;
        if (t.kind === 'ident' && (this.peek().kind === 'ident' || this.is('*', this.peek()))) {
          throw this.error(`unknown type name '${t.text}'`);
        }
        throw this.error(t.kind === 'eof' ? 'expected a declaration at end of input' : `expected a type before '${t.text}'`);
      }
      type = this.combineTypeWords(words, start);
    }
    return { type, storage, attrs, start };
  }

  private combineTypeWords(words: string[], at: CToken): CType {
    const count = (w: string) => words.filter((x) => x === w).length;
    const unsigned = count('unsigned') > 0;
    const signed = count('signed') + count('__signed') + count('__signed__') > 0;
    const longs = count('long');
    const bad = () => new ParseError(`invalid combination of type specifiers '${words.join(' ')}'`, at.start, at.line);
    if (unsigned && signed) throw bad();
    if (count('void')) {
      if (words.length > 1) throw bad();
      return VOID;
    }
    if (count('_Bool')) {
      if (words.length > 1) throw bad();
      return BOOL;
    }
    if (count('float')) {
      if (words.length > 1) throw bad();
      return { kind: 'float', size: 4, name: 'float' };
    }
    if (count('double')) {
      if (longs > 1 || words.length > 1 + longs) throw bad();
      return longs ? { kind: 'float', size: 16, name: 'long double' } : { kind: 'float', size: 8, name: 'double' };
    }
    if (count('__int128')) return intType(unsigned ? 'unsigned __int128' : '__int128', 16, !unsigned);
    if (count('char')) {
      if (longs || count('short') || count('int')) throw bad();
      return intType(unsigned ? 'unsigned char' : signed ? 'signed char' : 'char', 1, !unsigned);
    }
    if (count('short')) {
      if (longs) throw bad();
      return intType(unsigned ? 'unsigned short' : 'short', 2, !unsigned);
    }
    if (longs > 2) throw bad();
    const base = longs === 2 ? 'long long' : longs === 1 ? 'long' : 'int';
    return intType(unsigned ? `unsigned ${base}` : base, longs ? 8 : 4, !unsigned);
  }

  /** `__attribute__((...))`, `__packed`, `__aligned(N)`, `_Alignas(N)` (any number of them). */
  private parseAttributes(into: Attributes): void {
    for (;;) {
      const t = this.tok;
      if (this.is('__attribute__') || this.is('__attribute')) {
        this.next();
        this.expect('(');
        this.expect('(');
        while (!this.is(')')) {
          const name = this.tok;
          if (name.kind !== 'ident') throw this.error('expected an attribute name');
          this.next();
          const bare = name.text.replace(/^__(.*)__$/, '$1');
          if (bare === 'packed') into.packed = true;
          if (this.is('(')) {
            if (bare === 'aligned') {
              this.next();
              into.aligned = Math.max(into.aligned ?? 0, this.parseAlignment());
              this.expect(')');
            } else this.skipBalanced();
          } else if (bare === 'aligned') into.aligned = Math.max(into.aligned ?? 0, 16); // __BIGGEST_ALIGNMENT__
          if (!this.accept(',')) break;
        }
        this.expect(')');
        this.expect(')');
      } else if (this.is('__packed')) {
        this.next();
        into.packed = true;
      } else if (this.is('__aligned') || this.is('_Alignas')) {
        this.next();
        this.expect('(');
        const n = t.text === '_Alignas' && this.atTypeName() ? alignOf(this.parseTypeName()) : this.parseAlignment();
        into.aligned = Math.max(into.aligned ?? 0, n);
        this.expect(')');
      } else if (this.is('__asm__') || this.is('asm') || this.is('__asm')) {
        this.next();
        this.skipBalanced();
      } else if (t.kind === 'ident' && IGNORED.has(t.text)) {
        this.next();
      } else return;
    }
  }

  private parseAlignment(): number {
    const e = this.parseConditional();
    const n = Number(evaluateConstant(e, this.scope));
    if (!(n > 0) || (n & (n - 1)) !== 0) throw new ParseError(`requested alignment ${n} is not a positive power of 2`, e.pos, e.line);
    return n;
  }

  /** Skips `( ... )` with nesting, starting at the `(`. */
  protected skipBalanced(): void {
    const open = this.expect('(');
    let depth = 1;
    while (depth > 0) {
      if (this.tok.kind === 'eof') throw this.error(`unbalanced '(' (opened at column ${open.start + 1})`);
      if (this.is('(')) depth++;
      else if (this.is(')')) depth--;
      this.next();
    }
  }

  private parseRecord(kind: 'struct' | 'union'): CType {
    const attrs: Attributes = {};
    this.parseAttributes(attrs);
    let tag: string | undefined;
    const tagTok = this.tok;
    if (tagTok.kind === 'ident' && !ATTRIBUTE_KEYWORDS.has(tagTok.text)) {
      tag = tagTok.text;
      this.next();
      this.parseAttributes(attrs);
    }
    if (!this.is('{')) {
      if (tag === undefined) throw this.error(`expected '{' or a tag after '${kind}'`);
      return this.lookupTag(kind, tag, tagTok) as CRecordType;
    }
    const open = this.next();
    let record: CRecordType = { kind, tag, size: 0, align: 1, fields: [], complete: false };
    if (tag !== undefined) {
      const existing = this.lookupTag(kind, tag, tagTok) as CRecordType;
      if (existing.complete) throw new ParseError(`redefinition of '${kind} ${tag}'`, tagTok.start, tagTok.line);
      record = existing;
    }
    const members = this.parseMembers();
    if (this.tok.kind === 'eof') throw this.error(`'{' at column ${open.start + 1} is never closed`, open);
    this.expect('}');
    this.parseAttributes(attrs);
    Object.assign(record, layoutRecord(kind, members, { packed: attrs.packed === true, alignAttribute: attrs.aligned }), { complete: true });
    return record;
  }

  private lookupTag(kind: 'struct' | 'union' | 'enum', tag: string, at: CToken): CRecordType | CEnumType {
    const t = this.readonly ? (kind === 'enum' ? this.scope.enum(tag) : kind === 'struct' ? this.scope.struct(tag) : this.scope.union(tag)) : this.scope.tagged(kind, tag);
    if (!t) throw new ParseError(`unknown ${kind} '${tag}'`, at.start, at.line);
    return t;
  }

  private parseMembers(): MemberDeclaration[] {
    const members: MemberDeclaration[] = [];
    while (!this.is('}') && this.tok.kind !== 'eof') {
      if (this.accept(';')) continue;
      if (this.is('_Static_assert') || this.is('static_assert')) {
        this.next();
        this.skipBalanced();
        this.expect(';');
        continue;
      }
      const spec = this.parseSpecifiers();
      if (this.accept(';')) {
        // `struct { ... };` or `union { ... };` without a name: an anonymous member (C11).
        const t = spec.type;
        if ((t.kind === 'struct' || t.kind === 'union') && t.tag === undefined) members.push({ type: t, alignAttribute: spec.attrs.aligned });
        continue;
      }
      for (;;) {
        const d = this.is(':') ? { name: undefined, nameTok: undefined, apply: (t: CType) => t, attrs: {} as Attributes } : this.parseDeclarator();
        let bitWidth: number | undefined;
        if (this.accept(':')) {
          const e = this.parseConditional();
          bitWidth = Number(evaluateConstant(e, this.scope));
        }
        const attrs: Attributes = { ...spec.attrs, ...d.attrs };
        this.parseAttributes(attrs);
        const type = d.apply(spec.type);
        const where = d.nameTok ?? spec.start;
        if (type.kind === 'function') throw new ParseError(`field '${d.name}' declared as a function`, where.start, where.line);
        const isFlexibleArray = type.kind === 'array' && type.length === undefined;
        if (sizeOf(type) === undefined && !isFlexibleArray) {
          throw new ParseError(`field '${d.name ?? '<anonymous>'}' has incomplete type`, where.start, where.line);
        }
        if (bitWidth !== undefined && (type.kind === 'int' || type.kind === 'bool' || type.kind === 'enum') && bitWidth > type.size * 8) {
          throw new ParseError(`width of '${d.name}' exceeds its type`, where.start, where.line);
        }
        members.push({ name: d.name, type, bitWidth, alignAttribute: attrs.aligned, packed: attrs.packed });
        if (this.accept(';')) break;
        this.expect(',', `',' or ';'`);
      }
    }
    return members;
  }

  private parseEnum(): CType {
    const attrs: Attributes = {};
    this.parseAttributes(attrs);
    const tagTok = this.tok;
    let tag: string | undefined;
    if (tagTok.kind === 'ident') {
      tag = tagTok.text;
      this.next();
    }
    if (!this.is('{')) {
      if (tag === undefined) throw this.error(`expected '{' or a tag after 'enum'`);
      return this.lookupTag('enum', tag, tagTok);
    }
    this.next();
    const e: CEnumType = tag !== undefined ? (this.lookupTag('enum', tag, tagTok) as CEnumType) : { kind: 'enum', size: 4, signed: false, values: [], complete: false };
    if (e.complete) throw new ParseError(`redefinition of 'enum ${tag}'`, tagTok.start, tagTok.line);
    let next = 0n;
    while (!this.is('}')) {
      const name = this.tok;
      if (name.kind !== 'ident') throw this.error('expected an enumerator name');
      this.next();
      this.parseAttributes({});
      if (this.accept('=')) next = evaluateConstant(this.parseConditional(), this.scope);
      e.values.push({ name: name.text, value: next });
      this.scope.defineEnumConstant(name.text, next, e);
      next++;
      if (!this.accept(',')) break;
    }
    this.expect('}');
    this.parseAttributes(attrs);
    const min = e.values.reduce((m, v) => (v.value < m ? v.value : m), 0n);
    const max = e.values.reduce((m, v) => (v.value > m ? v.value : m), 0n);
    e.signed = min < 0n;
    e.size = (e.signed ? min >= -(1n << 31n) && max < 1n << 31n : max < 1n << 32n) ? 4 : 8;
    e.complete = true;
    return e;
  }

  // ---- declarators ----

  parseDeclarator(): { name?: string; nameTok?: CToken; apply: (t: CType) => CType; attrs: Attributes } {
    const attrs: Attributes = {};
    let pointers = 0;
    for (;;) {
      if (this.accept('*')) pointers++;
      else if (this.tok.kind === 'ident' && (IGNORED.has(this.tok.text) || ATTRIBUTE_KEYWORDS.has(this.tok.text))) this.parseAttributes(attrs);
      else break;
    }
    let inner: ReturnType<DeclParser['parseDeclarator']> | undefined;
    let name: string | undefined;
    let nameTok: CToken | undefined;
    if (this.is('(') && this.nestedDeclaratorFollows()) {
      this.next();
      inner = this.parseDeclarator();
      this.expect(')');
    } else if (this.tok.kind === 'ident' && !TYPE_KEYWORDS.has(this.tok.text)) {
      nameTok = this.next();
      name = nameTok.text;
    }
    const suffixes: Array<number | undefined | 'function'> = [];
    for (;;) {
      if (this.accept('[')) {
        while (this.is('static') || IGNORED.has(this.tok.text)) this.next();
        if (this.accept(']')) suffixes.push(undefined);
        else {
          const e = this.parseConditional();
          const n = evaluateConstant(e, this.scope);
          if (n < 0n) throw new ParseError(`size of array is negative`, e.pos, e.line);
          suffixes.push(Number(n));
          this.expect(']');
        }
      } else if (this.is('(')) {
        this.skipBalanced();
        suffixes.push('function');
      } else break;
    }
    this.parseAttributes(attrs);
    const apply = (base: CType): CType => {
      let t = base;
      for (let p = 0; p < pointers; p++) t = { kind: 'pointer', to: t };
      for (let s = suffixes.length - 1; s >= 0; s--) {
        const suffix = suffixes[s];
        t = suffix === 'function' ? FUNCTION : { kind: 'array', of: t, length: suffix };
      }
      return inner ? inner.apply(t) : t;
    };
    return { name: name ?? inner?.name, nameTok: nameTok ?? inner?.nameTok, apply, attrs: { ...inner?.attrs, ...attrs } };
  }

  /** After `(` in a declarator: a parenthesised declarator (`(*fp)`) rather than parameters (`(int)`). */
  private nestedDeclaratorFollows(): boolean {
    const a = this.peek();
    if (this.is('*', a) || this.is('(', a) || this.is('[', a)) return true;
    if (a.kind !== 'ident') return false;
    if (ATTRIBUTE_KEYWORDS.has(a.text)) return true;
    return !TYPE_KEYWORDS.has(a.text) && !IGNORED.has(a.text) && !STORAGE.has(a.text) && !['struct', 'union', 'enum'].includes(a.text) && this.scope.typedef(a.text) === undefined;
  }

  // ---- the top level of a header ----

  /** Reads all declarations; problems go to `handlers` and parsing resumes at the next `;`. */
  parseTranslationUnit(handlers: DeclarationHandlers): void {
    while (this.tok.kind !== 'eof') {
      const start = this.i;
      try {
        this.parseTopLevelDeclaration();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        const at = this.tokens.find((t) => t.start === e.start && t.line === e.line) ?? this.tok;
        handlers.diagnostic(/^unknown type name/.test(e.message) ? 'warning' : 'error', `${e.message}; declaration skipped`, at);
        this.i = start;
        this.skipDeclaration();
      }
    }
  }

  private skipDeclaration(): void {
    let depth = 0;
    const first = this.i;
    while (this.tok.kind !== 'eof') {
      const t = this.next();
      if (t.text === '{' || t.text === '(' || t.text === '[') depth++;
      else if (t.text === '}' || t.text === ')' || t.text === ']') {
        depth--;
        if (depth <= 0 && t.text === '}' && !this.is(';') && this.tok.kind !== 'ident') return;
      } else if (t.text === ';' && depth <= 0) return;
    }
    if (this.i === first) this.next();
  }

  private parseTopLevelDeclaration(): void {
    if (this.accept(';')) return;
    const t = this.tok;
    if (t.kind === 'ident' && PER_CPU_DECLARATORS.includes(t.text) && this.is('(', this.peek())) {
      this.next();
      this.next();
      const type = this.parseTypeName();
      this.expect(',');
      const d = this.parseDeclarator();
      if (d.name === undefined) throw this.error(`expected the variable name in ${t.text}()`);
      this.expect(')');
      this.accept(';');
      this.scope.defineVariable(d.name, { type: d.apply(type), perCpu: true });
      return;
    }
    if (this.is('_Static_assert') || this.is('static_assert') || this.is('__asm__') || this.is('asm')) {
      this.next();
      this.skipBalanced();
      this.accept(';');
      return;
    }
    const spec = this.parseSpecifiers();
    if (this.accept(';')) return;
    for (;;) {
      const d = this.parseDeclarator();
      const type = d.apply(spec.type);
      if (type.kind === 'function' && this.is('{')) {
        this.skipBraces();
        return;
      }
      if (this.accept('=')) this.skipInitializer();
      if (d.name === undefined) throw this.error(`expected a name in the declaration`);
      if (spec.storage === 'typedef') this.defineTypedef(d.name, type, { ...spec.attrs, ...d.attrs });
      else if (type.kind !== 'function') this.scope.defineVariable(d.name, { type, perCpu: false });
      if (this.accept(';')) return;
      this.expect(',', `',' or ';'`);
    }
  }

  private defineTypedef(name: string, type: CType, attrs: Attributes): void {
    let t: CType;
    if ((type.kind === 'struct' || type.kind === 'union' || type.kind === 'enum') && attrs.aligned === undefined) {
      // Shared by identity (completion later must show through); name anonymous ones.
      if (type.tag === undefined && type.alias === undefined) type.alias = name;
      t = type;
    } else {
      t = { ...type, alias: name };
      if (attrs.aligned !== undefined) t.align = attrs.aligned;
    }
    this.scope.defineTypedef(name, t);
  }

  private skipBraces(): void {
    let depth = 0;
    do {
      if (this.tok.kind === 'eof') throw this.error(`unterminated function body`);
      if (this.is('{')) depth++;
      else if (this.is('}')) depth--;
      this.next();
    } while (depth > 0);
  }

  private skipInitializer(): void {
    let depth = 0;
    while (this.tok.kind !== 'eof' && !(depth === 0 && (this.is(',') || this.is(';')))) {
      if (this.is('{') || this.is('(') || this.is('[')) depth++;
      else if (this.is('}') || this.is(')') || this.is(']')) depth--;
      this.next();
    }
  }
}
