// Lock-prefixed read-modify-write forms and no-op-like instructions.
import { CaseBuilder, operandValue } from '../case.js';
import { Rng } from '../prng.js';
import { WIDTHS, suffix, type Width } from '../layout.js';
import { applyFlags, cycle, cycle2, imm, immediate, memAt, valueOperand, type Family } from './common.js';

const LOCKED = ['add', 'adc', 'sub', 'sbb', 'and', 'or', 'xor', 'inc', 'dec', 'neg', 'not', 'xadd', 'cmpxchg', 'bts', 'btr', 'btc', 'xchg', 'cmpxchg8b', 'cmpxchg16b'] as const;

function genLock(rng: Rng, index: number) {
  const op = cycle(index, LOCKED);
  const bitop = op === 'bts' || op === 'btr' || op === 'btc';
  const widths: readonly Width[] = bitop ? [16, 32, 64] : WIDTHS;
  const width = cycle2(index, LOCKED.length, widths);
  const cb = new CaseBuilder(rng, 'lock');
  const s = suffix(width);
  if (op === 'cmpxchg8b' || op === 'cmpxchg16b') {
    const w: Width = op === 'cmpxchg8b' ? 32 : 64;
    cb.useMem(64);
    const off = op === 'cmpxchg16b' ? 16 : 8 * rng.range(1, 4);
    const lo = operandValue(rng, w);
    const hi = operandValue(rng, w);
    cb.setMem(off, w, lo);
    cb.setMem(off + w / 8, w, hi);
    cb.reserve(0, 1, 2, 3);
    const equal = rng.bool();
    cb.setOperand(cb.fixedOperand(0, w), equal ? lo : operandValue(rng, w));
    cb.setOperand(cb.fixedOperand(2, w), equal ? hi : operandValue(rng, w));
    cb.op(`lock ${op} ${cb.memOperand(off)}`, { mnemonic: op, width: w });
    return cb.build();
  }
  if (op === 'cmpxchg') cb.reserve(0);
  const m = memAt(cb);
  const v = operandValue(rng, width);
  cb.setMem(m.offset, width, v);
  if (op === 'cmpxchg') cb.setOperand(cb.fixedOperand(0, width), rng.bool() ? v : operandValue(rng, width));
  let line: string;
  if (op === 'inc' || op === 'dec' || op === 'neg' || op === 'not') {
    line = `lock ${op}${s} ${m.text}`;
  } else if (bitop && rng.bool()) {
    line = `lock ${op}${s} $${rng.int(width)}, ${m.text}`;
  } else if (bitop) {
    const r = cb.pickOperand(width);
    cb.setOperand(r, BigInt(rng.range(-64, 64)) & ((1n << BigInt(width)) - 1n));
    line = `lock ${op}${s} ${r.name}, ${m.text}`;
  } else if (op === 'xchg') {
    line = `xchg${s} ${valueOperand(cb, width).name}, ${m.text}`;
  } else if (op === 'xadd' || op === 'cmpxchg' || rng.bool()) {
    line = `lock ${op}${s} ${valueOperand(cb, width).name}, ${m.text}`;
  } else {
    line = `lock ${op}${s} ${imm(immediate(rng, width))}, ${m.text}`;
  }
  cb.op(line, { mnemonic: op, width });
  applyFlags(cb, op, width);
  return cb.build();
}

const NOPS = [
  'nop', 'nopw 0x0(%rax,%rax,1)', 'nopl 0x0(%rax)', 'nopl 0x12345678(%rax,%rbx,8)', 'nopq %rax', 'xchgw %ax, %ax',
  'endbr64', 'pause', 'lfence', 'mfence', 'sfence', '.byte 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0',
] as const;

function genMisc(rng: Rng, index: number) {
  const cb = new CaseBuilder(rng, 'misc');
  cb.op(cycle(index, NOPS));
  return cb.build();
}

export const MISC_FAMILIES: Family[] = [
  { name: 'lock', count: 1000, gen: genLock, description: 'lock add adc sub sbb and or xor inc dec neg not xadd cmpxchg bts btr btc cmpxchg8b/16b on memory, xchg with memory' },
  { name: 'misc', count: 120, gen: genMisc, description: 'nop (multi-byte), endbr64, pause, lfence, mfence, sfence' },
];

const PREFIX_OPS = ['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor'] as const;

/**
 * Legal but unusual prefixes on ordinary instructions: 66 together with REX.W (REX.W wins), a REX
 * prefix without bits on legacy 8-bit registers, segment overrides (ignored in 64-bit mode),
 * 67 on register-only instructions, doubled 66.
 */
function genPrefix(rng: Rng, index: number) {
  const op = cycle(index, PREFIX_OPS);
  const form = cycle2(index, PREFIX_OPS.length, ['data16+rexw', 'rex', 'seg', 'addr32', 'data16x2'] as const);
  const cb = new CaseBuilder(rng, 'prefix');
  let width: Width;
  switch (form) {
    case 'data16+rexw': {
      width = 64;
      const a = valueOperand(cb, 64);
      const b = valueOperand(cb, 64);
      cb.op(`data16 ${op}q ${a.name}, ${b.name}`, { mnemonic: op, width });
      break;
    }
    case 'rex': {
      width = 8;
      const a = valueOperand(cb, 8, { exclude: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] });
      const b = valueOperand(cb, 8, { exclude: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] });
      cb.op(`rex ${op}b ${a.name}, ${b.name}`, { mnemonic: op, width });
      break;
    }
    case 'seg': {
      width = rng.pick(WIDTHS);
      const r = valueOperand(cb, width);
      const m = memAt(cb);
      cb.setMem(m.offset, width, operandValue(rng, width));
      const bare = m.text.replace(/^%[cse]s:/, '');
      const seg = rng.pick(['ds', '%cs:', '%ss:', '%es:']);
      const mem = seg === 'ds' ? bare : seg + bare;
      cb.op(`${seg === 'ds' ? 'ds ' : ''}${op}${suffix(width)} ${mem}, ${r.name}`, { mnemonic: op, width });
      break;
    }
    case 'addr32': {
      width = rng.pick([16, 32, 64] as const);
      const a = valueOperand(cb, width);
      const b = valueOperand(cb, width);
      cb.op(`addr32 ${op}${suffix(width)} ${a.name}, ${b.name}`, { mnemonic: op, width });
      break;
    }
    case 'data16x2': {
      // 66 66 <op> /r with a 16-bit operand (the ModRM form "op r16, r/m16").
      width = 16;
      const a = valueOperand(cb, 16, { exclude: [8, 9, 10, 11, 12, 13, 14, 15] });
      const b = valueOperand(cb, 16, { exclude: [8, 9, 10, 11, 12, 13, 14, 15] });
      cb.op(`.byte 0x66; ${op}w ${a.name}, ${b.name}`, { mnemonic: op, width });
      break;
    }
  }
  applyFlags(cb, op, width);
  return cb.build();
}

MISC_FAMILIES.push({
  name: 'prefix', count: 600, gen: genPrefix,
  description: 'unusual legal prefixes: 66+REX.W, bare REX, segment overrides, 67 on register forms, 66 66',
});
