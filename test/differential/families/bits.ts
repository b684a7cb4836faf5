// Bit test and bit scan: bt bts btr btc (reg/imm offsets, register and memory operands including
// bit-string addressing with a register offset outside the operand), bsf bsr tzcnt lzcnt popcnt.
import { CaseBuilder, operandValue } from '../case.js';
import { Rng, mask } from '../prng.js';
import { suffix, type Width } from '../layout.js';
import { applyFlags, cycle, cycle2, memAt, valueOperand, type Family } from './common.js';

const BT = ['bt', 'bts', 'btr', 'btc'] as const;
const W3 = [16, 32, 64] as const;

function genBitTest(rng: Rng, index: number) {
  const op = cycle(index, BT);
  const width = cycle2(index, BT.length, W3) as Width;
  const form = cycle2(index, BT.length * 3, ['rr', 'ir', 'im', 'rm', 'rm'] as const);
  const cb = new CaseBuilder(rng, 'bittest');
  const s = suffix(width);
  switch (form) {
    case 'rr': {
      const dst = valueOperand(cb, width, { allowRsp: true });
      const bit = rng.int(4) === 0 ? operandValue(rng, width) : BigInt(rng.int(width));
      // Register destination: the offset is taken modulo the operand width; upper bits are random.
      const src = rng.int(10) === 0 ? dst : valueOperand(cb, width, { value: bit | (rng.bits(width) & ~mask(6)) });
      cb.op(`${op}${s} ${src.name}, ${dst.name}`, { mnemonic: op, width });
      break;
    }
    case 'ir': {
      const dst = valueOperand(cb, width, { allowRsp: true });
      cb.op(`${op}${s} $${rng.int(3) === 0 ? rng.int(256) : rng.int(width)}, ${dst.name}`, { mnemonic: op, width });
      break;
    }
    case 'im': {
      const m = memAt(cb);
      cb.setMem(m.offset, width, operandValue(rng, width));
      cb.op(`${op}${s} $${rng.int(3) === 0 ? rng.int(256) : rng.int(width)}, ${m.text}`, { mnemonic: op, width });
      break;
    }
    case 'rm': {
      // Bit-string addressing: the signed register offset may select a bit far outside the
      // operand (before or after it). Only the low `width` bits of the register count.
      cb.useMem(160);
      const base = 72 + rng.int(16);
      const off = BigInt(rng.int(3) === 0 ? rng.range(-8, width + 8) : rng.range(-512, 511));
      const src = cb.pickOperand(width);
      cb.setOperand(src, off & mask(width));
      const m = cb.memOperand(base);
      cb.op(`${op}${s} ${src.name}, ${m}`, { mnemonic: op, width });
      break;
    }
  }
  applyFlags(cb, op, width);
  return cb.build();
}

const SCAN = ['bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt'] as const;

function genBitScan(rng: Rng, index: number) {
  const op = cycle(index, SCAN);
  const width = cycle2(index, SCAN.length, W3) as Width;
  const cb = new CaseBuilder(rng, 'bitscan');
  const s = suffix(width);
  const value = rng.int(6) === 0 ? 0n : operandValue(rng, width);
  const dst = valueOperand(cb, width, { allowRsp: true });
  if (rng.int(3) === 0) {
    const m = memAt(cb);
    cb.setMem(m.offset, width, value);
    cb.op(`${op}${s} ${m.text}, ${dst.name}`, { mnemonic: op, width });
  } else {
    const src = rng.int(10) === 0 ? dst : valueOperand(cb, width, { allowRsp: true, value });
    if (src === dst) cb.setOperand(dst, value);
    cb.op(`${op}${s} ${src.name}, ${dst.name}`, { mnemonic: op, width });
  }
  // BSF/BSR with a zero source: the SDM leaves the destination undefined. AMD documents (and
  // Intel implements) "unchanged"; for the 32-bit form CPUs differ on the upper half (AMD keeps
  // it, Intel is reported to zero it), so only the low 32 bits are compared there.
  if ((op === 'bsf' || op === 'bsr') && value === 0n && width === 32) {
    cb.ignoreRegBits(dst.reg, 0xffffffff00000000n);
  }
  applyFlags(cb, op, width);
  return cb.build();
}

export const BIT_FAMILIES: Family[] = [
  { name: 'bittest', count: 1500, gen: genBitTest, description: 'bt bts btr btc: reg/imm offsets on registers and memory, bit-string addressing' },
  { name: 'bitscan', count: 1200, gen: genBitScan, description: 'bsf bsr tzcnt lzcnt popcnt (16/32/64, register and memory sources, zero sources)' },
];
