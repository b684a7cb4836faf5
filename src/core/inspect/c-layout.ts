/**
 * Struct and union layout as GCC computes it for x86-64 System V (verified against gcc by
 * ctypes.test.ts): members at their natural alignment unless packed; `aligned(N)` raises a
 * member's or the record's alignment (even inside a packed record); bit-fields share the storage
 * unit of their declared type and move to the next unit only when they would straddle one;
 * unnamed bit-fields do not affect the record's alignment; a zero-width bit-field moves to the
 * next unit of its type; the size is rounded up to the alignment.
 */
import { alignOf, sizeOf, type CField, type CType } from './ctype-model.js';

export interface MemberDeclaration {
  name?: string;
  type: CType;
  bitWidth?: number;
  /** From `__attribute__((aligned(N)))` on the member. */
  alignAttribute?: number;
  /** From `__attribute__((packed))` on the member. */
  packed?: boolean;
}

export interface RecordLayout {
  size: number;
  align: number;
  fields: CField[];
}

export interface RecordAttributes {
  packed: boolean;
  alignAttribute?: number;
}

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Lays out members; `problem` is told about members whose size is unknown (they get size 0). */
export function layoutRecord(kind: 'struct' | 'union', members: MemberDeclaration[], attrs: RecordAttributes): RecordLayout {
  let bit = 0; // struct: next free bit; union: largest member end in bits
  let align = 1;
  const fields: CField[] = [];
  for (const m of members) {
    const size = sizeOf(m.type) ?? 0;
    const natural = alignOf(m.type);
    const packed = attrs.packed || m.packed === true;
    let fieldAlign = packed ? 1 : natural;
    if (m.alignAttribute !== undefined) fieldAlign = Math.max(fieldAlign, m.alignAttribute);
    const start = kind === 'union' ? 0 : bit;
    if (m.bitWidth !== undefined) {
      const width = m.bitWidth;
      let at = start;
      if (m.alignAttribute !== undefined) at = roundUp(at, m.alignAttribute * 8);
      if (width === 0) {
        // `int : 0` closes the current unit: the next bit-field starts at a fresh `int`.
        if (kind === 'struct') bit = roundUp(at, natural * 8);
        continue;
      }
      if (!packed && size > 0 && Math.floor(at / (size * 8)) !== Math.floor((at + width - 1) / (size * 8))) at = roundUp(at, natural * 8);
      if (m.name !== undefined && !packed) align = Math.max(align, natural);
      if (m.alignAttribute !== undefined) align = Math.max(align, m.alignAttribute);
      fields.push({ name: m.name, offset: Math.floor(at / 8), type: m.type, bitOffset: at % 8, bitWidth: width });
      bit = kind === 'union' ? Math.max(bit, width) : at + width;
    } else {
      const at = roundUp(start, fieldAlign * 8);
      align = Math.max(align, fieldAlign);
      fields.push({ name: m.name, offset: at / 8, type: m.type });
      bit = kind === 'union' ? Math.max(bit, size * 8) : at + size * 8;
    }
  }
  if (attrs.alignAttribute !== undefined) align = Math.max(align, attrs.alignAttribute);
  return { size: roundUp(Math.ceil(bit / 8), align), align, fields };
}
