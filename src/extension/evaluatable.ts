/**
 * Which text of an AT&T assembly line is worth evaluating, for hovers and inline values: the
 * register under the cursor (`%rsp`), a whole memory operand (`8(%rsp)`, `%gs:cpu_tss_rw+0x14`,
 * `PER_CPU_VAR(cpu_tss_rw + TSS_sp2)`), a symbol or `sym+off`. Only text ranges are found here;
 * what the text means is the debug adapter's business (it evaluates exactly what is returned).
 * No `vscode` import, so it is unit-tested on its own; columns are 0-based, as in VS Code.
 */

export interface EvaluatableText {
  /** 0-based column of the first character. */
  start: number;
  /** 0-based column after the last character. */
  end: number;
  expression: string;
}

interface Span {
  start: number;
  end: number;
}

const REGISTER = /%[a-z][a-z0-9]*/gi;
const IDENT = /[A-Za-z_.$][A-Za-z0-9_.$]*/y;
const NUMBER = /^(0x[0-9a-f]+|0b[01]+|[0-9]+)$/i;
const SYM_OFF = /^[A-Za-z_.][A-Za-z0-9_.$]*(\s*[+-]\s*([A-Za-z_.][A-Za-z0-9_.$]*|0x[0-9a-f]+|[0-9]+))*$/i;

/** The code part of a line (comments blanked, so columns stay), or undefined for cpp/comment lines. */
function codeOf(line: string): string | undefined {
  const trimmed = line.trimStart();
  // C preprocessor directives and the inside of block comments (lines starting with "*").
  if (trimmed.startsWith('#') || trimmed.startsWith('*') || trimmed.startsWith('//')) return undefined;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      const start = i;
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
      out += ' '.repeat(Math.min(i, line.length - 1) - start + 1);
      continue;
    }
    if (c === '#' || (c === '/' && (line[i + 1] === '/' || line[i + 1] === '*'))) {
      if (c === '/' && line[i + 1] === '*') {
        const close = line.indexOf('*/', i + 2);
        if (close >= 0) {
          out += ' '.repeat(close + 2 - i);
          i = close + 1;
          continue;
        }
      }
      break;
    }
    out += c;
  }
  return out;
}

/** Statements of a code line (split at `;`), each as a span. */
function statements(code: string): Span[] {
  const out: Span[] = [];
  let start = 0;
  for (let i = 0; i <= code.length; i++) {
    if (i === code.length || code[i] === ';') {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  return out;
}

/** Operands of one statement: after any labels and the mnemonic/directive/macro name, split at top-level commas. */
function operands(code: string, stmt: Span): { head?: Span; labels: Span[]; operands: Span[] } {
  let i = stmt.start;
  const labels: Span[] = [];
  const skipSpace = () => {
    while (i < stmt.end && /\s/.test(code[i])) i++;
  };
  for (;;) {
    skipSpace();
    IDENT.lastIndex = i;
    const m = IDENT.exec(code);
    if (!m || m.index + m[0].length > stmt.end) return { labels, operands: [] };
    const after = m.index + m[0].length;
    if (code[after] === ':' && code[after + 1] !== ':') {
      labels.push({ start: m.index, end: after });
      i = after + 1;
      continue;
    }
    const head = { start: m.index, end: after };
    i = after;
    const ops: Span[] = [];
    let depth = 0;
    let opStart = i;
    for (; i <= stmt.end; i++) {
      const c = i < stmt.end ? code[i] : ',';
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if (c === ',' && depth === 0) {
        const span = trim(code, { start: opStart, end: i });
        if (span.end > span.start) ops.push(span);
        opStart = i + 1;
      }
    }
    return { head, labels, operands: ops };
  }
}

function trim(code: string, s: Span): Span {
  let { start, end } = s;
  while (start < end && /\s/.test(code[start])) start++;
  while (end > start && /\s/.test(code[end - 1])) end--;
  return { start, end };
}

const within = (s: Span, col: number) => col >= s.start && col < s.end;
const text = (code: string, s: Span): EvaluatableText => ({ start: s.start, end: s.end, expression: code.slice(s.start, s.end) });

/** Registers named in a span. */
function registersIn(code: string, s: Span): Span[] {
  const out: Span[] = [];
  REGISTER.lastIndex = 0;
  for (const m of code.slice(s.start, s.end).matchAll(REGISTER)) out.push({ start: s.start + m.index!, end: s.start + m.index! + m[0].length });
  return out;
}

/** A memory operand: has a parenthesised part (base/index, or a macro such as PER_CPU_VAR) or a segment prefix. */
function isMemoryOperand(op: string): boolean {
  return !op.startsWith('$') && !op.startsWith('*%') && (/\(/.test(op) || /^%[a-z]s:/i.test(op) || /^\*.*\(/.test(op));
}

/** For a `name=value` macro argument, the value part (the name is not a value). */
function macroArgumentValue(code: string, op: Span): Span {
  const m = /^[A-Za-z_][A-Za-z0-9_]*\s*=\s*/.exec(code.slice(op.start, op.end));
  return m ? { start: op.start + m[0].length, end: op.end } : op;
}

/** The text to evaluate for a hover at 0-based `column` of `line`, if any. */
export function evaluatableAt(line: string, column: number): EvaluatableText | undefined {
  const code = codeOf(line);
  if (code === undefined || column >= code.length) return undefined;
  const stmt = statements(code).find((s) => column >= s.start && column <= s.end);
  if (!stmt) return undefined;
  const parsed = operands(code, stmt);
  const label = parsed.labels.find((l) => within(l, column));
  if (label) return text(code, label);
  if (parsed.head && within(parsed.head, column)) return undefined; // the mnemonic: the language server explains it
  const found = parsed.operands.find((o) => column >= o.start && column <= o.end);
  if (!found) return undefined;
  const op = macroArgumentValue(code, found);
  if (!within(op, column)) return undefined;
  const reg = registersIn(code, op).find((r) => column >= r.start && column <= r.end);
  if (reg) return text(code, reg);
  let opText = code.slice(op.start, op.end);
  // An indirect jump/call target (`*8(%rax)`) is the memory operand after the star.
  if (opText.startsWith('*')) {
    op.start++;
    opText = opText.slice(1);
  }
  if (isMemoryOperand(opText)) return text(code, op);
  const word = wordAt(code, column, op);
  if (!word) return undefined;
  const w = code.slice(word.start, word.end);
  if (NUMBER.test(w)) return undefined; // a literal is its own value
  // `$sym` is the symbol's address, the same as evaluating the symbol.
  const body = opText.startsWith('$') ? { start: op.start + 1, end: op.end } : op;
  if (SYM_OFF.test(code.slice(body.start, body.end))) return text(code, body);
  return text(code, word);
}

function wordAt(code: string, column: number, limit: Span): Span | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_.$]/.test(c);
  if (!isWord(code[column])) return undefined;
  let start = column;
  let end = column;
  while (start > limit.start && isWord(code[start - 1])) start--;
  while (end < limit.end && isWord(code[end])) end++;
  if (code[start] === '$') start++;
  return start < end ? { start, end } : undefined;
}

/**
 * What an instruction line reads and writes, for inline values: each register it names once, and
 * each memory operand. Labels, immediates and the mnemonic are left out.
 */
export function operandsOnLine(line: string): EvaluatableText[] {
  const code = codeOf(line);
  if (code === undefined) return [];
  const out: EvaluatableText[] = [];
  const seen = new Set<string>();
  const add = (t: EvaluatableText) => {
    const key = t.expression.toLowerCase().replace(/\s+/g, '');
    if (seen.has(key)) return;
    seen.add(key);
    out.push(t);
  };
  for (const stmt of statements(code)) {
    const parsed = operands(code, stmt);
    if (!parsed.head || code[parsed.head.start] === '.') continue; // directives carry data, not operands
    for (const found of parsed.operands) {
      const op = macroArgumentValue(code, found);
      const opText = code.slice(op.start, op.end).replace(/^\*/, '');
      for (const r of registersIn(code, op)) add(text(code, r));
      if (isMemoryOperand(opText)) add({ start: op.end - opText.length, end: op.end, expression: opText });
    }
  }
  return out;
}
