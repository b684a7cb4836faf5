/**
 * What an editor needs to navigate a source the way the assembler read it: every macro
 * definition and invocation, every symbol definition and reference, every statement that was
 * assembled (after macro and loop expansion) and every `.include`. Recorded by the front end
 * while it assembles (AssembleOptions.recordIndex), so that a language server answers from the
 * assembler's own reading of the text instead of parsing it a second time.
 *
 * Locations are where the characters are in the user's files (inside a macro body for text
 * that came from one); `chain` says how that text was reached (innermost first).
 */
import type { ExpansionFrame, SourceLocation } from '../types.js';
import { originAt, spanAt, type Stmt } from './source.js';

export interface IndexedMacroDefinition {
  name: string;
  /** The name in the `.macro` line. */
  location: SourceLocation;
  /** The `.macro` directive word (start of the definition). */
  start: SourceLocation;
}

export interface IndexedMacroCall {
  /** Lower-case macro name. */
  name: string;
  /** The macro name as written at the call (with endColumn). */
  location: SourceLocation;
  chain: ExpansionFrame[];
  /** The macro's name in its `.macro` line. */
  definition: SourceLocation;
  /** Actual values by parameter name (defaults not applied). */
  args: Map<string, string>;
  /**
   * The frame that statements of this expansion carry in their chains (compare by identity to
   * find the statements this call produced).
   */
  frame: ExpansionFrame;
}

export interface IndexedSymbolUse {
  /** Symbol name; numeric local labels use their unique internal name and set `display`. */
  name: string;
  display?: string;
  kind: 'label' | 'set' | 'reference';
  location: SourceLocation;
  chain: ExpansionFrame[];
}

export interface IndexedStatement {
  /** The statement as assembled (comments removed, macro parameters substituted). */
  text: string;
  location: SourceLocation;
  chain: ExpansionFrame[];
  /** A conditional-assembly directive (.if/.else/.endif ...), kept for listings. */
  conditional: boolean;
}

export interface IndexedInclude {
  path: string;
  location: SourceLocation;
}

export interface SourceIndex {
  macroDefinitions: IndexedMacroDefinition[];
  macroCalls: IndexedMacroCall[];
  symbolUses: IndexedSymbolUse[];
  statements: IndexedStatement[];
  includes: IndexedInclude[];
}

/** Collects the index during a front-end run; locations are resolved when the run ends. */
export class IndexRecorder {
  private readonly macroDefs: Array<{ name: string; stmt: Stmt; pos: number; end: number; start: number }> = [];
  private readonly calls: Array<{ name: string; stmt: Stmt; pos: number; end: number; definition: SourceLocation; args: Map<string, string>; frame: ExpansionFrame }> = [];
  private readonly uses: Array<{ name: string; display?: string; kind: IndexedSymbolUse['kind']; stmt: Stmt; pos: number; end: number }> = [];
  private readonly stmts: Array<{ stmt: Stmt; conditional: boolean }> = [];
  private readonly includes: IndexedInclude[] = [];

  macroDefinition(name: string, stmt: Stmt, pos: number, end: number, start: number): void {
    this.macroDefs.push({ name, stmt, pos, end, start });
  }
  macroCall(name: string, stmt: Stmt, pos: number, end: number, definition: SourceLocation, args: Map<string, string>, frame: ExpansionFrame): void {
    this.calls.push({ name, stmt, pos, end, definition, args, frame });
  }
  symbol(name: string, kind: IndexedSymbolUse['kind'], stmt: Stmt, pos: number, end: number, display?: string): void {
    this.uses.push({ name, kind, stmt, pos, end, ...(display !== undefined ? { display } : {}) });
  }
  statement(stmt: Stmt, conditional: boolean): void {
    this.stmts.push({ stmt, conditional });
  }
  include(path: string, location: SourceLocation): void {
    this.includes.push({ path, location });
  }

  finish(): SourceIndex {
    return {
      macroDefinitions: this.macroDefs.map((d) => ({
        name: d.name,
        location: spanAt(d.stmt, d.pos, d.end).location,
        start: originAt(d.stmt, d.start).location,
      })),
      macroCalls: this.calls.map((c) => {
        const o = spanAt(c.stmt, c.pos, c.end);
        return { name: c.name, location: o.location, chain: o.chain, definition: c.definition, args: c.args, frame: c.frame };
      }),
      symbolUses: this.uses.map((u) => {
        const o = spanAt(u.stmt, u.pos, u.end);
        return { name: u.name, ...(u.display !== undefined ? { display: u.display } : {}), kind: u.kind, location: o.location, chain: o.chain };
      }),
      statements: this.stmts.map((s) => {
        const o = originAt(s.stmt, 0);
        return { text: s.stmt.text, location: o.location, chain: o.chain, conditional: s.conditional };
      }),
      includes: this.includes,
    };
  }
}
