/**
 * Types shared by the assembler's stages (preprocessor, GAS front end, encoder, linker). The
 * assembler is pure TypeScript: host files come through an injected SourceFileSystem, and no
 * stage throws on bad input — problems become Diagnostics.
 */

/** 1-based line and column, as editors and GCC-style messages show them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Exclusive end column on the same line (column + length), when known. */
  endColumn?: number;
}

/** One step of "how did we get here": an include, a macro expansion, an .irp/.rept iteration. */
export interface ExpansionFrame {
  kind: 'include' | 'macro' | 'irp' | 'irpc' | 'rept' | 'define';
  /** Macro or #define name; the included file for includes. */
  name: string;
  /** Where the include directive / macro invocation / loop directive is. */
  location: SourceLocation;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'note';
  message: string;
  location: SourceLocation;
  /** Innermost first: the expansion this location was produced by, then its caller, ... */
  chain: ExpansionFrame[];
}

/** Host file access, injected (Node in the CLI, the editor's documents in the language server). */
export interface SourceFileSystem {
  /** File contents, or undefined if it does not exist. */
  readFile(path: string): string | undefined;
  /** Joins a directory and a relative path the host's way. */
  resolve(dir: string, relative: string): string;
  /** Directory part of a path. */
  dirname(path: string): string;
}

/** GCC-style one-line form: `file:line:col: error: message`, then `note:` lines for the chain. */
export function formatDiagnostic(d: Diagnostic): string {
  const at = (l: SourceLocation) => `${l.file}:${l.line}:${l.column}`;
  const lines = [`${at(d.location)}: ${d.severity}: ${d.message}`];
  for (const frame of d.chain) {
    const what =
      frame.kind === 'include'
        ? `included from here`
        : frame.kind === 'define'
          ? `in expansion of #define ${frame.name}`
          : `in expansion of ${frame.kind === 'macro' ? 'macro' : '.' + frame.kind} ${frame.name}`;
    lines.push(`${at(frame.location)}: note: ${what}`);
  }
  return lines.join('\n');
}

/** Where a column of a (possibly preprocessed) line came from. */
export interface Origin {
  location: SourceLocation;
  chain: ExpansionFrame[];
}

/**
 * One logical source line as the GAS front end sees it: the text after C preprocessing (for
 * `.S`) or as written (for `.s`), and a way back from any column to the user's text.
 */
export interface SourceLine {
  text: string;
  /** Origin of the character at 1-based `column` (columns past the end map to the line end). */
  locate(column: number): Origin;
}
