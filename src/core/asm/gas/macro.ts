/**
 * The macro engine's text side, following GNU as (macro.c, non-alternate mode): parameter lists,
 * argument splitting at invocation, and body substitution (`\param`, `\()`, `\@`).
 */
import { isNameChar, isNameStart } from './expr.js';
import type { Where } from './model.js';
import type { Stmt } from './source.js';

export interface MacroParam {
  name: string;
  kind: 'normal' | 'req' | 'vararg';
  /** Default value ('' when none). */
  def: string;
}

export interface Macro {
  name: string;
  params: MacroParam[];
  body: Stmt[];
  where: Where;
}

type Report = (severity: 'error' | 'warning', pos: number, end: number, message: string) => void;

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

export function skipWhite(t: string, i: number): number {
  while (i < t.length && isBlank(t[i])) i++;
  return i;
}

/** Skips blanks, then one comma and the blanks after it. */
export function skipComma(t: string, i: number): number {
  i = skipWhite(t, i);
  if (t[i] === ',') i = skipWhite(t, i + 1);
  return i;
}

/** GNU as get_token: a name (no leading blanks skipped). */
export function getToken(t: string, i: number): [string, number] {
  if (i < t.length && isNameStart(t[i])) {
    const s = i;
    i++;
    while (i < t.length && isNameChar(t[i])) i++;
    return [t.slice(s, i), i];
  }
  return ['', i];
}

/** Reads one or more adjacent "..." strings, returning their contents without the quotes. */
function getString(t: string, i: number): [string, number] {
  let out = '';
  while (i < t.length && t[i] === '"') {
    i++;
    let escaped = false;
    while (i < t.length) {
      escaped = t[i - 1] === '\\' ? !escaped : false;
      if (!escaped && t[i] === '"') {
        i++;
        break;
      }
      out += t[i++];
    }
  }
  return [out, i];
}

/**
 * GNU as get_any_string: one macro argument. A leading quoted string loses its quotes;
 * otherwise the argument runs to a comma, or to a blank outside brackets.
 */
export function getAnyString(t: string, i: number): [string, number] {
  i = skipWhite(t, i);
  if (i >= t.length) return ['', i];
  if (t[i] === '"') return getString(t, i);
  let out = '';
  const brackets: string[] = [];
  while (i < t.length && (brackets.length > 0 || !isBlank(t[i])) && t[i] !== ',') {
    const c = t[i];
    if (c === '"' || c === "'") {
      out += c;
      i++;
      while (i < t.length && t[i] !== c) out += t[i++];
      if (i >= t.length) return [out, i];
      out += t[i++];
      continue;
    }
    if (c === '(' || c === '[') brackets.push(c);
    else if (c === ')' && brackets[brackets.length - 1] === '(') brackets.pop();
    else if (c === ']' && brackets[brackets.length - 1] === '[') brackets.pop();
    out += c;
    i++;
  }
  return [out, i];
}

/** Parses `name [,] params...` after `.macro`. */
export function parseMacroHeader(
  t: string,
  start: number,
  report: Report,
): { name: string; params: MacroParam[] } | undefined {
  let i = skipWhite(t, start);
  const [name, j] = getToken(t, i);
  if (!name) {
    report('error', i, i + 1, 'Missing macro name');
    return undefined;
  }
  i = skipComma(t, j);
  const params: MacroParam[] = [];
  while (i < t.length) {
    const [pname, k] = getToken(t, i);
    if (!pname) {
      report('error', i, i + 1, `junk at end of line, first unrecognized character is \`${t[i]}'`);
      break;
    }
    const p: MacroParam = { name: pname, kind: 'normal', def: '' };
    i = skipWhite(t, k);
    if (t[i] === ':') {
      const [qual, q] = getToken(t, skipWhite(t, i + 1));
      if (!qual) report('error', i, i + 1, `Missing parameter qualifier for \`${pname}' in macro \`${name}'`);
      else if (qual === 'req') p.kind = 'req';
      else if (qual === 'vararg') p.kind = 'vararg';
      else report('error', i + 1, q, `\`${qual}' is not a valid parameter qualifier for \`${pname}' in macro \`${name}'`);
      i = skipWhite(t, q);
    }
    if (t[i] === '=') {
      const [def, d] = getAnyString(t, i + 1);
      i = skipWhite(t, d);
      if (p.kind === 'req') report('warning', k, i, `Pointless default value for required parameter \`${pname}' in macro \`${name}'`);
      else p.def = def;
    }
    if (params.some((q) => q.name === pname)) {
      report('error', k - pname.length, k, `A parameter named \`${pname}' already exists for macro \`${name}'`);
    } else params.push(p);
    if (p.kind === 'vararg') {
      if (skipWhite(t, i) < t.length) report('error', i, t.length, `junk at end of line, first unrecognized character is \`${t[skipWhite(t, i)]}'`);
      break;
    }
    i = skipComma(t, i);
  }
  return { name: name.toLowerCase(), params };
}

const isSep = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === ',' || c === '"' || c === ';' || c === ')' || c === '(';

/** Splits an invocation's arguments (text after the macro name) into the actual values. */
export function parseInvocation(
  m: Macro,
  t: string,
  start: number,
  report: Report,
): Map<string, string> | undefined {
  const actual = new Map<string, string>();
  let i = skipWhite(t, start);
  let keyword = false;
  let next = 0;
  let ok = true;
  while (i < t.length) {
    let scan = i;
    while (scan < t.length && !isSep(t[scan]) && t[scan] !== '=') scan++;
    if (scan < t.length && t[scan] === '=' && scan > i) {
      keyword = true;
      const pname = t.slice(i, scan);
      const p = m.params.find((q) => q.name === pname);
      const [value, j] = getAnyString(t, scan + 1);
      if (!p) {
        report('error', i, scan, `Parameter named \`${pname}' does not exist for macro \`${m.name}'`);
        ok = false;
      } else {
        if (actual.has(pname) && actual.get(pname) !== '') {
          report('warning', i, scan, `Value for parameter \`${pname}' of macro \`${m.name}' was already specified`);
        }
        actual.set(pname, value);
      }
      i = j;
    } else {
      if (keyword) {
        report('error', i, t.length, "can't mix positional and keyword arguments");
        ok = false;
        break;
      }
      const p = m.params[next];
      if (!p) {
        report('error', i, t.length, 'too many positional arguments');
        ok = false;
        break;
      }
      if (p.kind === 'vararg') {
        actual.set(p.name, t.slice(i));
        i = t.length;
      } else {
        const [value, j] = getAnyString(t, i);
        actual.set(p.name, value);
        i = j;
      }
      next++;
    }
    i = skipComma(t, i);
  }
  for (const p of m.params) {
    if (p.kind === 'req' && !actual.get(p.name)) {
      report('error', start, t.length, `Missing value for required parameter \`${p.name}' of macro \`${m.name}'`);
      ok = false;
    }
  }
  return ok ? actual : undefined;
}

/**
 * Substitutes one body statement. `lookup` gives the value for a formal name (undefined if the
 * name is not a formal); `counter` replaces `\@`. Substituted characters map to the column of
 * the backslash that introduced them.
 */
export function substitute(
  stmt: Stmt,
  lookup: (name: string) => string | undefined,
  counter: number,
  report: Report,
): Stmt {
  const t = stmt.text;
  let text = '';
  const cols: number[] = [];
  const put = (s: string, col: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) cols.push(col);
  };
  let i = 0;
  while (i < t.length) {
    const c = t[i];
    if (c !== '\\') {
      put(c, stmt.cols[i]);
      i++;
      continue;
    }
    const col = stmt.cols[i];
    const n = t[i + 1];
    if (n === '(') {
      const close = t.indexOf(')', i + 2);
      if (close < 0) {
        report('error', i, t.length, "missing `)'");
        put(t.slice(i + 2), col);
        i = t.length;
      } else {
        for (let k = i + 2; k < close; k++) put(t[k], stmt.cols[k]);
        i = close + 1;
      }
      continue;
    }
    if (n === '@') {
      put(String(counter), col);
      i += 2;
      continue;
    }
    if (n === '&') {
      put('\\&', col);
      i += 2;
      continue;
    }
    const [tok, j] = getToken(t, i + 1);
    const v = tok ? lookup(tok) : undefined;
    if (v !== undefined) put(v, col);
    else {
      put('\\', col);
      for (let k = i + 1; k < j; k++) put(t[k], stmt.cols[k]);
    }
    i = Math.max(j, i + 1);
  }
  cols.push(stmt.cols[t.length] ?? (stmt.cols[t.length - 1] ?? 1));
  return { text, cols, src: stmt.src, frames: stmt.frames };
}
