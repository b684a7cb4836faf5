/**
 * Positions between the assembler (1-based line and column, file paths) and LSP (0-based line
 * and UTF-16 character, URIs). The assembler's columns count characters of the line as written
 * (a tab is one column), which is what LSP's character offset counts too.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Location, Position, Range } from 'vscode-languageserver';
import type { SourceLocation } from '../core/asm/types.js';

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The LSP range of an assembler location (one character when its end is unknown). */
export function toRange(l: SourceLocation): Range {
  const line = Math.max(0, l.line - 1);
  const start = Math.max(0, l.column - 1);
  const end = Math.max(start, (l.endColumn ?? l.column + 1) - 1);
  return { start: { line, character: start }, end: { line, character: end } };
}

export function toLocation(l: SourceLocation): Location {
  return { uri: pathToUri(l.file), range: toRange(l) };
}

/** 1-based line and column of an LSP position. */
export function fromPosition(p: Position): { line: number; column: number } {
  return { line: p.line + 1, column: p.character + 1 };
}

/** Files the assembler names but that are not on disk (`<built-in>`, `<command-line>`). */
export function isRealFile(path: string): boolean {
  return !path.startsWith('<');
}
