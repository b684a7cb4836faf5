/**
 * The word under the cursor in a line of the document, with the character before it (`%` for
 * registers, `.` for directives, `#` for preprocessor directives). This is the only reading of
 * raw text the server does: it finds what the user points at; what it means comes from the
 * assembler's analysis.
 */

export interface WordAt {
  word: string;
  /** 1-based start column and exclusive end. */
  start: number;
  end: number;
  /** The character just before the word ('' at the start of the line). */
  before: string;
}

const WORD = /[A-Za-z0-9_.$@]/;

export function wordAt(line: string, column: number): WordAt | undefined {
  let i = column - 1;
  if (i >= line.length || !WORD.test(line[i] ?? '')) {
    // Cursor just after a word.
    if (i > 0 && WORD.test(line[i - 1] ?? '')) i--;
    else return undefined;
  }
  let s = i;
  while (s > 0 && WORD.test(line[s - 1])) s--;
  let e = i + 1;
  while (e < line.length && WORD.test(line[e])) e++;
  let word = line.slice(s, e);
  // A '.' inside a word belongs to it (directives, .L labels), but `1b`/`1f` and names are split at '$'.
  if (word.includes('$') && !word.startsWith('$')) word = word.split('$')[0];
  if (word.startsWith('$')) {
    word = word.slice(1);
    s++;
  }
  if (!word) return undefined;
  return { word, start: s + 1, end: s + 1 + word.length, before: s > 0 ? line[s - 1] : '' };
}

/** True when the word at `start` is in mnemonic position: after labels and prefixes only. */
export function isStatementStart(line: string, start: number): boolean {
  const before = line.slice(0, start - 1);
  const stmt = before.slice(before.lastIndexOf(';') + 1);
  return /^\s*((?:[A-Za-z_.$][\w.$]*|\d+)\s*:\s*)*((lock|rep|repe|repz|repne|repnz|data16|addr32|notrack|bnd|xacquire|xrelease|rex(\.\w+)?)\s+)*$/i.test(stmt);
}

export function lineOf(text: string, line: number): string {
  let start = 0;
  for (let k = 1; k < line; k++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}
