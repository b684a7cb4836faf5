/**
 * The front end's working model, shaped like GNU as's: sections hold lists of fragments; a
 * fragment is either fixed (bytes known now, maybe with pending fixups) or variable (a relaxable
 * branch, an alignment, an .org, a .skip whose size is only known after layout). Consecutive
 * fixed fragments form a "run": label differences inside one run are constants at parse time,
 * which is what decides, as in GNU as, whether an operand gets a short or a full-width encoding.
 */
import type { AsmSymbol } from '../object.js';
import type { BinOp, Expr, UnOp } from './expr.js';
import type { EncodeRequest } from './encoder-api.js';
import type { Stmt } from './source.js';

/** A place in a statement, for diagnostics. */
export interface Where {
  stmt: Stmt;
  pos: number;
  end: number;
}

export interface Run {
  section: Section;
  id: number;
}

export interface FragBase {
  section: Section;
  run: Run;
  /** Offset of the fragment's start within its run (fixed-size fragments only before it). */
  runOffset: number;
  /** Section offset after layout. */
  address: number;
  /** Size in bytes (final after layout). */
  size: number;
}

export interface PendingFixup {
  /** Offset within the fragment. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  kind: 'abs' | 'abs-signed' | 'pcrel';
  expr: BExpr;
  /** Added to the expression's value (the encoder's adjustment for pc-relative fields). */
  adj: bigint;
  /** How a value resolved at assembly time is range-checked. */
  check: 'data' | 'signed' | 'unsigned' | 'either';
  where: Where;
}

export interface DataFrag extends FragBase {
  kind: 'data';
  bytes: number[];
  fixups: PendingFixup[];
}

/** A large fixed-size fill (e.g. `.skip 1<<20`), kept compact. */
export interface FillFrag extends FragBase {
  kind: 'fill';
  pattern: number[];
  count: number;
}

export interface BranchFrag extends FragBase {
  kind: 'branch';
  req: EncodeRequest;
  target: BExpr;
  form: 'short' | 'near';
  shortSize: number;
  nearSize: number;
  /** Decided when layout starts: the target is a label of this section that GNU as resolves. */
  local: boolean;
  where: Where;
}

export interface AlignFrag extends FragBase {
  kind: 'align';
  align: number;
  /** undefined: NOPs (code sections) or zeros. */
  fill?: { value: bigint; size: 1 | 2 | 4 };
  max: number;
  code: boolean;
  where: Where;
}

export interface OrgFrag extends FragBase {
  kind: 'org';
  target: BExpr;
  fill: number;
  where: Where;
}

/** `.skip`/`.fill` with a count known only after layout: `count` copies of `fill`. */
export interface SpaceFrag extends FragBase {
  kind: 'space';
  count: BExpr;
  fill: number[];
  where: Where;
}

export type Frag = DataFrag | FillFrag | BranchFrag | AlignFrag | OrgFrag | SpaceFrag;

type Init<T> = Omit<T, keyof FragBase>;
/** What a variable fragment is created from (the common fields are filled in on append). */
export type VariableInit = Init<BranchFrag> | Init<AlignFrag> | Init<OrgFrag> | Init<SpaceFrag>;

export interface Section {
  name: string;
  flags: number;
  type: number;
  entsize?: number;
  /** Largest alignment requested (bytes). */
  align: number;
  index: number;
  subsections: Map<number, Frag[]>;
  /** Final fragment order (filled at layout). */
  frags: Frag[];
  runCounter: number;
}

export type BExpr =
  | { k: 'num'; v: bigint; pos?: number; end?: number }
  | { k: 'sym'; sym: Sym; pos?: number; end?: number }
  | { k: 'un'; op: UnOp; e: BExpr; pos?: number; end?: number }
  | { k: 'bin'; op: BinOp; l: BExpr; r: BExpr; pos?: number; end?: number };

export type SymDef =
  | { kind: 'undef' }
  | { kind: 'label'; frag: DataFrag | FillFrag; offset: number }
  | { kind: 'equ'; expr: BExpr }
  | { kind: 'eqv'; ast: Expr; stmt: Stmt };

export interface Sym {
  name: string;
  def: SymDef;
  binding?: 'local' | 'global' | 'weak';
  type: AsmSymbol['type'];
  size?: { expr: BExpr; where: Where };
  referenced: boolean;
  /** Anonymous `.` symbols and numeric-label instances: never in the symbol table. */
  temp: boolean;
  /** Display name for numeric labels (`1`), for messages. */
  display?: string;
  where?: Where;
  /** The symbol was defined with .equiv (redefinition is an error) or is a label. */
  fixed?: boolean;
  evaluating?: boolean;
  /** A relocation refers to this symbol itself (so it must be in the symbol table). */
  usedInReloc?: boolean;
}

export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_GNU_RETAIN = 0x200000;
export const SHF_EXCLUDE = 0x80000000;
export const SHT_PROGBITS = 1;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
