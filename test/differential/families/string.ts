// String instructions: movs stos lods cmps scas (b/w/l/q), without prefix and with rep/repe/repne,
// DF=0 and DF=1, counts 0..9, overlapping moves, buffers where repe/repne stop early, and a few
// 32-bit address-size forms (ESI/EDI/ECX).
import { CaseBuilder, operandValue } from '../case.js';
import { Rng, mask } from '../prng.js';
import { DF, MEM, suffix, type Width } from '../layout.js';
import { cycle, cycle2, type Family } from './common.js';

const OPS = ['movs', 'stos', 'lods', 'cmps', 'scas'] as const;
const A = 16; // source buffer [16, 240)
const B = 256; // destination buffer [256, 480)
const BUF = 224;

function genString(rng: Rng, index: number) {
  const op = cycle(index, OPS);
  const width = cycle2(index, OPS.length, [8, 16, 32, 64] as const) as Width;
  const e = width / 8;
  const cb = new CaseBuilder(rng, 'string');
  cb.useMem(488);
  cb.reserve(0, 1, 6, 7);
  const down = rng.bool();
  cb.flags = down ? cb.flags | DF : cb.flags & ~DF;
  const prefixes = op === 'cmps' || op === 'scas' ? ['', 'repe', 'repne', 'rep'] : ['', 'rep', 'rep'];
  const prefix = rng.pick(prefixes);
  // Mostly small counts (0..9); sometimes as many elements as fit (bulk-copy paths in emulators).
  const maxN = Math.floor((BUF - 40) / e);
  const n = !prefix ? 1 : rng.int(8) === 0 ? 0 : rng.int(6) === 0 ? rng.range(10, maxN) : rng.range(1, 9);
  const addr32 = rng.int(10) === 0;

  // Starting pointers: at the low end of the buffers going up, at the high end going down.
  const start = (buf: number): number => {
    const slack = rng.int(8);
    return down ? buf + BUF - e - slack : buf + slack;
  };
  let si = start(A);
  let di = start(B);
  if (op === 'movs' && rng.int(4) === 0) {
    // Overlapping move inside the source buffer: destination a few bytes before/after the source.
    const delta = rng.pick([1, -1, e, -e, 2 * e, -2 * e, 3]);
    si = down ? A + BUF - e - 24 : A + 24;
    // keep both ends inside the source buffer
    if (n * e + 24 > BUF - e) si = down ? A + BUF - e - 8 : A + 8;
    di = si + delta;
  }
  const step = down ? -e : e;
  const elems = (p: number): number[] => Array.from({ length: Math.max(n, 1) }, (_, i) => p + i * step);

  // Data for the compare forms: make repe/repne stop at a chosen element (or run out).
  const stopAt = rng.int(n + 2);
  if (op === 'cmps') {
    const srcEl = elems(si);
    const dstEl = elems(di);
    srcEl.forEach((p, i) => {
      const v = operandValue(rng, width);
      cb.setMem(p, width, v);
      const same = prefix === 'repne' ? i === stopAt : i !== stopAt;
      cb.setMem(dstEl[i]!, width, same ? v : (v ^ (1n << BigInt(rng.int(width)))));
    });
  } else if (op === 'scas') {
    const v = operandValue(rng, width);
    cb.setOperand(cb.fixedOperand(0, width), v);
    elems(di).forEach((p, i) => {
      const same = prefix === 'repne' ? i === stopAt : i !== stopAt;
      cb.setMem(p, width, same ? v : (v ^ (1n << BigInt(rng.int(width)))) & mask(width));
    });
  }
  const hi = (): bigint => (addr32 ? rng.u64() & 0xffffffff00000000n : 0n);
  cb.setReg(6, hi() | BigInt(MEM + si));
  cb.setReg(7, hi() | BigInt(MEM + di));
  cb.setReg(1, prefix ? hi() | BigInt(n) : rng.u64());
  const insn = `${addr32 ? 'addr32 ' : ''}${prefix ? prefix + ' ' : ''}${op}${suffix(width)}`;
  cb.op(insn, op === 'cmps' || op === 'scas' ? { mnemonic: op, width } : undefined);
  cb.steps = 2 + n;
  return cb.build();
}

export const STRING_FAMILIES: Family[] = [
  { name: 'string', count: 2000, gen: genString, description: 'movs stos lods cmps scas (b/w/l/q), rep/repe/repne, DF=0/1, counts 0..9 and up to 184 bytes, overlap, addr32' },
];
