// Compares encodeInstruction with GNU as, line by line: bytes, relocations (as fixups), and
// which lines are rejected.
import { encodeInstruction, type EncodeResult } from '../../src/core/asm/encoder/index.js';
import { assembleLines, lineLabel, type GasLine, type GasReloc } from './gas.js';
import { parseLine } from './parse.js';

export interface CompareStats {
  /** Lines GAS assembled. */
  instructions: number;
  /** Lines GAS rejected. */
  rejected: number;
  mismatches: number;
  /** Rejected by both, with the same message. */
  sameMessage: number;
  fixups: number;
  /** Lines GAS crashed on (internal error), not compared. */
  crashed: number;
  /**
   * Direct branches to absolute constant addresses: GAS emits a relocation against the section
   * (the address is only known at link time), the encoder takes the constant as the final
   * address. Not compared.
   */
  absoluteBranches: number;
  lines: string[];
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

function relocKind(r: GasReloc): string {
  switch (r.typeName) {
    case 'R_X86_64_PC32':
    case 'R_X86_64_PLT32':
    case 'R_X86_64_PC8':
    case 'R_X86_64_PC16':
    case 'R_X86_64_PC64':
      return 'pcrel';
    case 'R_X86_64_32S':
      return 'abs-signed';
    default:
      return 'abs';
  }
}

function describe(res: EncodeResult): string {
  if (!res.ok) return `ERROR ${res.message}`;
  const fx = res.fixups.map((f) => `${f.kind}${f.size * 8}@${f.offset} ${f.symbol}${f.addend >= 0n ? '+' : ''}${f.addend}`);
  return hex(res.bytes) + (fx.length ? `  [${fx.join(', ')}]` : '');
}

function describeGas(g: GasLine): string {
  if (g.error !== undefined) return `ERROR ${g.error}`;
  const rx = (g.relocs ?? []).map((r) => `${relocKind(r)}${r.size * 8}@${r.offset} ${r.symbol}${r.addend >= 0n ? '+' : ''}${r.addend} (${r.typeName})`);
  return hex(g.bytes!) + (rx.length ? `  [${rx.join(', ')}]` : '');
}

/** Same bytes and same relocations (order-insensitive). */
function same(g: GasLine, res: EncodeResult): boolean {
  if (g.error !== undefined) return !res.ok;
  if (!res.ok) return false;
  if (hex(g.bytes!) !== hex(res.bytes)) return false;
  const a = (g.relocs ?? []).map((r) => `${relocKind(r)}/${r.size}/${r.offset}/${r.symbol}/${r.addend}`).sort();
  const b = res.fixups.map((f) => `${f.kind}/${f.size}/${f.offset}/${f.symbol}/${f.addend}`).sort();
  return a.join(';') === b.join(';');
}

/**
 * Assembles `lines` with GAS and encodes each with encodeInstruction (at the address GAS gave
 * it; label operands L__<n> become constants). Mismatches are listed in `lines`.
 */
export function compareLines(lines: string[], opts: { log?: (l: string) => void; all?: boolean } = {}): CompareStats {
  const gas = assembleLines(lines);
  const labels = new Map<string, bigint>();
  gas.forEach((g, i) => {
    if (g.offset !== undefined) labels.set(lineLabel(i), BigInt(g.offset));
  });
  const stats: CompareStats = { instructions: 0, rejected: 0, mismatches: 0, sameMessage: 0, fixups: 0, crashed: 0, absoluteBranches: 0, lines: [] };
  gas.forEach((g, i) => {
    if (g.crashed) {
      stats.crashed++;
      return;
    }
    if (g.relocs?.some((r) => /^section\d+$|^\*ABS\*$/.test(r.symbol) && (r.type === 2 || r.type === 4 || r.type === 13 || r.type === 15))) {
      stats.absoluteBranches++;
      return;
    }
    let res: EncodeResult;
    try {
      res = encodeInstruction(parseLine(lines[i], BigInt(g.offset ?? 0), labels));
    } catch (e) {
      res = { ok: false, message: `test parser: ${(e as Error).message}` };
    }
    if (g.error !== undefined) stats.rejected++;
    else stats.instructions++;
    if (res.ok) stats.fixups += res.fixups.length;
    if (g.error !== undefined && !res.ok && res.message === g.error) stats.sameMessage++;
    const ok = same(g, res);
    if (!ok) stats.mismatches++;
    if (!ok || opts.all) {
      const l = `${ok ? 'ok      ' : 'MISMATCH'} ${lines[i]}\n    gas: ${describeGas(g)}\n    we:  ${describe(res)}`;
      stats.lines.push(l);
      opts.log?.(l);
    }
  });
  return stats;
}
