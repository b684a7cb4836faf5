/**
 * Folding ranges for the block structure of the document: `.macro`/`.endm`, `.rept`/`.irp`/
 * `.irpc`/`.endr`, `.if*`/`.endif`, `#if*`/`#endif` (including groups the preprocessor skipped,
 * which the assembler never sees) and block comments. Works on the document's lines, because
 * folding is about the text as written.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';

const OPENERS: Array<[RegExp, string]> = [
  [/^\s*(?:[\w.$]+:\s*)*\.macro\b/i, 'macro'],
  [/^\s*(?:[\w.$]+:\s*)*\.(rept|irpc?)\b/i, 'loop'],
  [/^\s*(?:[\w.$]+:\s*)*\.if\w*\b/i, 'gas-if'],
  [/^\s*#\s*if(n?def)?\b/, 'cpp-if'],
];
const CLOSERS: Array<[RegExp, string]> = [
  [/^\s*(?:[\w.$]+:\s*)*\.endm\b/i, 'macro'],
  [/^\s*(?:[\w.$]+:\s*)*\.endr\b/i, 'loop'],
  [/^\s*(?:[\w.$]+:\s*)*\.endif\b/i, 'gas-if'],
  [/^\s*#\s*endif\b/, 'cpp-if'],
];
const MIDDLES: Array<[RegExp, string]> = [
  [/^\s*\.(else|elseif)\b/i, 'gas-if'],
  [/^\s*#\s*(else|elif|elifdef|elifndef)\b/, 'cpp-if'],
];

export function foldingRanges(text: string): FoldingRange[] {
  const lines = text.split('\n');
  const out: FoldingRange[] = [];
  const stack: Array<{ kind: string; line: number }> = [];
  let commentStart = -1;
  lines.forEach((raw, n) => {
    const line = raw.replace(/\r$/, '');
    if (commentStart < 0 && /\/\*/.test(line) && !/\*\//.test(line.slice(line.indexOf('/*') + 2))) commentStart = n;
    else if (commentStart >= 0 && /\*\//.test(line)) {
      if (n > commentStart) out.push({ startLine: commentStart, endLine: n, kind: FoldingRangeKind.Comment });
      commentStart = -1;
      return;
    }
    if (commentStart >= 0) return;
    for (const [re, kind] of MIDDLES) {
      if (!re.test(line)) continue;
      const top = stack[stack.length - 1];
      if (top?.kind === kind) {
        if (n - 1 > top.line) out.push({ startLine: top.line, endLine: n - 1, kind: FoldingRangeKind.Region });
        top.line = n;
      }
      return;
    }
    for (const [re, kind] of CLOSERS) {
      if (!re.test(line)) continue;
      for (let k = stack.length - 1; k >= 0; k--) {
        if (stack[k].kind !== kind) continue;
        const open = stack[k];
        stack.length = k;
        if (n > open.line) out.push({ startLine: open.line, endLine: n, kind: FoldingRangeKind.Region });
        break;
      }
      return;
    }
    for (const [re, kind] of OPENERS) {
      if (re.test(line)) {
        stack.push({ kind, line: n });
        return;
      }
    }
  });
  return out;
}
