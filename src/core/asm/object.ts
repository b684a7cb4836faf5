/**
 * The in-memory object model between the assembler's stages: the GAS front end produces an
 * ObjectModule per source file (sections of bytes, symbols, fixups, line records); the linker
 * lays modules out and writes the ELF executable. It plays the role of a relocatable .o file
 * without the ELF encoding.
 */
import type { ExpansionFrame, SourceLocation } from './types.js';

/** A value an operand or data directive needs: a constant, or symbol + addend (resolved later). */
export type AsmValue = { kind: 'constant'; value: bigint } | { kind: 'symbol'; symbol: string; addend: bigint };

/** Where and how a symbolic value is patched once addresses are known. */
export interface Fixup {
  /** Byte offset in the section where the field starts. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /**
   * abs: S + A (unsigned range check); abs-signed: S + A must fit as signed (imm32/disp32 in
   * 64-bit code, R_X86_64_32S); pcrel: S + A − P, P = address of the field (R_X86_64_PC32 /
   * PC8 for short branches, with A = −(bytes from the field to the end of the instruction)).
   */
  kind: 'abs' | 'abs-signed' | 'pcrel';
  symbol: string;
  addend: bigint;
  /** Source of the instruction or directive, for link-time diagnostics. */
  location: SourceLocation;
}

export interface AsmSymbol {
  name: string;
  /** Section name, or undefined for absolute symbols (.set/.equ) and undefined (external) ones. */
  section?: string;
  /** Offset in the section, or the absolute value. */
  value: bigint;
  binding: 'local' | 'global' | 'weak';
  type: 'notype' | 'func' | 'object' | 'section' | 'file';
  size?: bigint;
  defined: boolean;
  location?: SourceLocation;
}

/** One emitted instruction or data item, for the debugger's line map. */
export interface LineRecord {
  section: string;
  offset: number;
  length: number;
  /** The source line of the instruction itself (inside a macro body if it came from one). */
  location: SourceLocation;
  /** Macro invocations / loop iterations / includes that produced it, innermost first. */
  chain: ExpansionFrame[];
  isInstruction: boolean;
}

export interface AsmSection {
  name: string;
  /** ELF sh_flags: SHF_WRITE 1, SHF_ALLOC 2, SHF_EXECINSTR 4 (others as GAS sets them). */
  flags: number;
  /** SHT_PROGBITS 1 or SHT_NOBITS 8. */
  type: number;
  alignment: number;
  /** Element size of an SHF_MERGE section (strings: 1; constants: their width). */
  entsize?: number;
  /** Contents (empty for NOBITS; `size` is authoritative). */
  bytes: Uint8Array;
  size: number;
  fixups: Fixup[];
}

export interface ObjectModule {
  fileName: string;
  sections: AsmSection[];
  symbols: AsmSymbol[];
  lines: LineRecord[];
}
