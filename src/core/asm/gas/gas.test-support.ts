/**
 * Helpers for the front end's unit tests (pure: no Node imports, so it may live in src/core).
 *
 * Golden diagnostics: a test source states what it expects on the line itself, as comments
 * (which the assembler strips): `.foo   # error: unknown pseudo-op: `.foo'`. Several may follow
 * each other (`# warning: a # error: b`). `checkGolden` lists every difference.
 */
import type { Diagnostic } from '../types.js';
import { assembleText, type AssembleOptions, type AssembleResult } from './index.js';
import { stubEncode } from './stub-encoder.js';

export function asm(src: string, options: Partial<AssembleOptions> = {}): AssembleResult {
  return assembleText(src, { fileName: 't.s', encoder: stubEncode, ...options });
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Bytes of a section as hex (throws with the diagnostics if assembly failed). */
export function sectionHex(src: string, section = '.data', options: Partial<AssembleOptions> = {}): string {
  const r = asm(src, options);
  if (!r.module) throw new Error(`assembly failed:\n${r.diagnostics.map((d) => `${d.location.line}: ${d.severity}: ${d.message}`).join('\n')}`);
  const s = r.module.sections.find((x) => x.name === section);
  if (!s) throw new Error(`no section ${section}`);
  return hex(s.bytes);
}

export function errorsOf(r: AssembleResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

interface Expected {
  line: number;
  severity: Diagnostic['severity'];
  message: string;
}

function expectations(src: string): Expected[] {
  const out: Expected[] = [];
  src.split('\n').forEach((text, i) => {
    const re = /#\s*(error|warning|note):\s*(.*?)\s*(?=#\s*(?:error|warning|note):|$)/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push({ line: i + 1, severity: m[1] as Diagnostic['severity'], message: m[2] });
    }
  });
  return out;
}

/** Differences between the diagnostics and the `# error: ...` comments (empty when equal). */
export function checkGolden(src: string, options: Partial<AssembleOptions> = {}): string[] {
  const r = asm(src, options);
  const want = expectations(src);
  const got = r.diagnostics.map((d) => ({ line: d.location.line, severity: d.severity, message: d.message }));
  const key = (e: Expected) => `${e.line}: ${e.severity}: ${e.message}`;
  const w = want.map(key);
  const g = got.map(key);
  const problems: string[] = [];
  for (const x of g) if (!w.includes(x)) problems.push(`unexpected ${x}`);
  for (const x of w) if (!g.includes(x)) problems.push(`missing ${x}`);
  if (r.diagnostics.some((d) => d.severity === 'error') && r.module) problems.push('a module was produced despite errors');
  return problems;
}
