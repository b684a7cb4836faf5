/**
 * Assembler diagnostics → LSP diagnostics. A problem inside a macro body or an included file is
 * reported where it is, with the expansion/include chain as related information, and again at
 * the place in the unit's main file that led to it (the outermost invocation or #include), so
 * the user sees it in the file they are editing.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Diagnostic, ExpansionFrame } from '../core/asm/types.js';
import { isRealFile, toLocation, toRange } from './positions.js';

export interface FileDiagnostic {
  file: string;
  diagnostic: LspDiagnostic;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  note: DiagnosticSeverity.Information,
};

export function describeFrame(f: ExpansionFrame): string {
  switch (f.kind) {
    case 'include': return 'included from here';
    case 'define': return `in expansion of #define ${f.name}`;
    case 'macro': return `in expansion of macro ${f.name}`;
    default: return `in .${f.kind} ${f.name}`;
  }
}

function related(frames: ExpansionFrame[]): DiagnosticRelatedInformation[] {
  return frames.filter((f) => isRealFile(f.location.file)).map((f) => ({ location: toLocation(f.location), message: describeFrame(f) }));
}

export function toLspDiagnostics(d: Diagnostic, main: string): FileDiagnostic[] {
  const out: FileDiagnostic[] = [];
  const severity = SEVERITY[d.severity];
  if (isRealFile(d.location.file)) {
    out.push({
      file: d.location.file,
      diagnostic: { range: toRange(d.location), severity, source: 'x64emu', message: d.message, relatedInformation: related(d.chain) },
    });
  }
  if (d.location.file !== main) {
    const k = d.chain.findIndex((f) => f.location.file === main);
    if (k >= 0) {
      const at = d.chain[k];
      const inner = d.chain.slice(0, k);
      const where = isRealFile(d.location.file) ? [{ location: toLocation(d.location), message: `${d.severity} here` }] : [];
      out.push({
        file: main,
        diagnostic: {
          range: toRange(at.location),
          severity,
          source: 'x64emu',
          message: `${d.message} (${describeFrame(at).replace(/ from here$/, '')})`,
          relatedInformation: [...where, ...related(inner), ...related(d.chain.slice(k + 1))],
        },
      });
    }
  }
  return out;
}
