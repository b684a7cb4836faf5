/**
 * The C type model of the debugger: the subset of C types found in kernel headers, with sizes and
 * alignments of the x86-64 System V ABI (LP64: long and pointers are 8 bytes, char is signed).
 *
 * Struct, union and enum objects are shared by identity: a forward declaration creates one
 * incomplete object and the later definition completes that same object, so pointers taken
 * before the definition (`struct task_struct *current_task`) see the fields.
 */

export interface CField {
  /** Undefined for an anonymous struct/union member (its fields are reachable through it) and unnamed bit-fields. */
  name?: string;
  /** Byte offset from the start of the enclosing struct (for bit-fields: of the byte holding the first bit). */
  offset: number;
  type: CType;
  /** Bit-fields only: first bit within the byte at `offset` (0 = least significant), and the width. */
  bitOffset?: number;
  bitWidth?: number;
}

interface Named {
  /** The typedef name this type was reached through, for display (`u64`, `pte_t`). */
  alias?: string;
  /** Alignment forced by `__attribute__((aligned(N)))` on a typedef; otherwise the natural one. */
  align?: number;
}

export interface CIntType extends Named {
  kind: 'int';
  size: number;
  signed: boolean;
  /** C spelling, or the typedef name for fixed-width types (`u64`, `uint32_t`). */
  name: string;
}
export interface CBoolType extends Named {
  kind: 'bool';
  size: 1;
}
export interface CFloatType extends Named {
  kind: 'float';
  size: number;
  name: string;
}
export interface CEnumType extends Named {
  kind: 'enum';
  tag?: string;
  size: number;
  signed: boolean;
  /** Enumerators in declaration order. */
  values: Array<{ name: string; value: bigint }>;
  complete: boolean;
}
export interface CPointerType extends Named {
  kind: 'pointer';
  to: CType;
}
export interface CArrayType extends Named {
  kind: 'array';
  of: CType;
  /** Undefined for `extern T name[]` and flexible array members. */
  length?: number;
}
export interface CRecordType extends Named {
  kind: 'struct' | 'union';
  tag?: string;
  size: number;
  align: number;
  fields: CField[];
  complete: boolean;
}
export interface CVoidType extends Named {
  kind: 'void';
}
export interface CFunctionType extends Named {
  kind: 'function';
}

export type CType = CIntType | CBoolType | CFloatType | CEnumType | CPointerType | CArrayType | CRecordType | CVoidType | CFunctionType;

export interface CVariable {
  type: CType;
  /** Declared with DECLARE_PER_CPU*(): the symbol is an offset into each CPU's per-CPU area. */
  perCpu: boolean;
}

/** Read-only lookups the parser needs to understand type names. */
export interface TypeScope {
  struct(tag: string): CRecordType | undefined;
  union(tag: string): CRecordType | undefined;
  enum(tag: string): CEnumType | undefined;
  typedef(name: string): CType | undefined;
  enumConstant(name: string): { value: bigint; type: CType } | undefined;
}

export const VOID: CVoidType = { kind: 'void' };
export const FUNCTION: CFunctionType = { kind: 'function' };
export const BOOL: CBoolType = { kind: 'bool', size: 1 };

export function intType(name: string, size: number, signed: boolean): CIntType {
  return { kind: 'int', name, size, signed };
}

export const INT = intType('int', 4, true);
export const UINT = intType('unsigned int', 4, false);
export const LONG = intType('long', 8, true);
export const ULONG = intType('unsigned long', 8, false);
export const CHAR = intType('char', 1, true);
export const U8 = intType('u8', 1, false);
export const U16 = intType('u16', 2, false);
export const U32 = intType('u32', 4, false);
export const U64 = intType('u64', 8, false);

/** Fixed-width and kernel integer typedefs every header may use without declaring them. */
export const BUILTIN_INT_TYPEDEFS: ReadonlyArray<readonly [string, number, boolean]> = [
  ['u8', 1, false], ['u16', 2, false], ['u32', 4, false], ['u64', 8, false],
  ['s8', 1, true], ['s16', 2, true], ['s32', 4, true], ['s64', 8, true],
  ['__u8', 1, false], ['__u16', 2, false], ['__u32', 4, false], ['__u64', 8, false],
  ['__s8', 1, true], ['__s16', 2, true], ['__s32', 4, true], ['__s64', 8, true],
  ['uint8_t', 1, false], ['uint16_t', 2, false], ['uint32_t', 4, false], ['uint64_t', 8, false],
  ['int8_t', 1, true], ['int16_t', 2, true], ['int32_t', 4, true], ['int64_t', 8, true],
  ['size_t', 8, false], ['ssize_t', 8, true], ['uintptr_t', 8, false], ['intptr_t', 8, true],
  ['ptrdiff_t', 8, true], ['phys_addr_t', 8, false], ['__le16', 2, false], ['__le32', 4, false], ['__le64', 8, false],
];

/** `sizeof`, or undefined for an incomplete type (incomplete struct, array without length). */
export function sizeOf(t: CType): number | undefined {
  switch (t.kind) {
    case 'int':
    case 'bool':
    case 'float':
    case 'enum':
      return t.size;
    case 'pointer':
      return 8;
    case 'array': {
      const of = sizeOf(t.of);
      return t.length === undefined || of === undefined ? undefined : t.length * of;
    }
    case 'struct':
    case 'union':
      return t.complete ? t.size : undefined;
    case 'void':
    case 'function':
      return 1; // GCC's extension: sizeof(void) == 1, and void * arithmetic steps by bytes.
  }
}

/** `_Alignof` as GCC computes it on x86-64 (long double and __int128 are 16-aligned). */
export function alignOf(t: CType): number {
  if (t.align !== undefined) return t.align;
  switch (t.kind) {
    case 'int':
    case 'bool':
    case 'float':
    case 'enum':
      return t.size;
    case 'pointer':
      return 8;
    case 'array':
      return alignOf(t.of);
    case 'struct':
    case 'union':
      return t.align;
    case 'void':
    case 'function':
      return 1;
  }
}

/** True for types whose value fits in `Value.bits` (integers, enums, bools, pointers). */
export function isScalar(t: CType): boolean {
  return t.kind === 'int' || t.kind === 'bool' || t.kind === 'enum' || t.kind === 'pointer';
}

export function isIntegral(t: CType): t is CIntType | CBoolType | CEnumType {
  return t.kind === 'int' || t.kind === 'bool' || t.kind === 'enum';
}

/** Signedness for arithmetic (pointers and bools are unsigned). */
export function isSigned(t: CType): boolean {
  return (t.kind === 'int' || t.kind === 'enum') && t.signed;
}

/** The C spelling of a type: `struct pt_regs *`, `u64 [7]`, `unsigned long`. */
export function formatType(t: CType): string {
  const { base, prefix, suffix } = spell(t);
  const decl = prefix + suffix;
  return decl ? `${base} ${decl}` : base;
}

function spell(t: CType): { base: string; prefix: string; suffix: string } {
  if (t.alias) return { base: t.alias, prefix: '', suffix: '' };
  switch (t.kind) {
    case 'pointer': {
      const inner = spell(t.to);
      // Pointer to array/function needs parentheses: `u8 (*)[16]`.
      if (inner.suffix) return { base: inner.base, prefix: `(*${inner.prefix}`, suffix: `)${inner.suffix}` };
      return { base: inner.base, prefix: `*${inner.prefix}`, suffix: '' };
    }
    case 'array': {
      const inner = spell(t.of);
      return { base: inner.base, prefix: inner.prefix, suffix: `[${t.length ?? ''}]${inner.suffix}` };
    }
    case 'struct':
    case 'union':
      return { base: `${t.kind} ${t.tag ?? '<anonymous>'}`, prefix: '', suffix: '' };
    case 'enum':
      return { base: `enum ${t.tag ?? '<anonymous>'}`, prefix: '', suffix: '' };
    case 'int':
    case 'float':
      return { base: t.name, prefix: '', suffix: '' };
    case 'bool':
      return { base: '_Bool', prefix: '', suffix: '' };
    case 'void':
      return { base: 'void', prefix: '', suffix: '' };
    case 'function':
      return { base: 'void', prefix: '', suffix: '(...)' };
  }
}

/** A field reached by name, with anonymous struct/union members searched as C does. */
export interface FieldPath {
  offset: number;
  field: CField;
}

export function findField(record: CRecordType, name: string): FieldPath | undefined {
  for (const f of record.fields) {
    if (f.name === name) return { offset: f.offset, field: f };
    if (f.name === undefined && (f.type.kind === 'struct' || f.type.kind === 'union')) {
      const inner = findField(f.type, name);
      if (inner) return { offset: f.offset + inner.offset, field: inner.field };
    }
  }
  return undefined;
}

/** The names `.` can reach in a record: named fields, with anonymous members flattened. */
export function visibleFields(record: CRecordType): Array<{ name: string; offset: number; field: CField }> {
  const out: Array<{ name: string; offset: number; field: CField }> = [];
  for (const f of record.fields) {
    if (f.name !== undefined) out.push({ name: f.name, offset: f.offset, field: f });
    else if (f.type.kind === 'struct' || f.type.kind === 'union') {
      for (const inner of visibleFields(f.type)) out.push({ ...inner, offset: f.offset + inner.offset });
    }
  }
  return out;
}

/** Strips the display alias (for comparing types by shape). */
export function unaliased<T extends CType>(t: T): T {
  if (t.alias === undefined) return t;
  if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'enum') return t;
  const { alias: _alias, ...rest } = t;
  return rest as T;
}
