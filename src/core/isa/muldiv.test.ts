/**
 * MUL, IMUL (1/2/3 operands), DIV, IDIV at every operand size against BigInt references:
 * exact products and quotients, CF/OF, the documented SF ZF PF AF values (low half of the
 * result, AF = 0; division leaves all flags unchanged) and #DE with registers untouched.
 */
import { strict as assert } from 'node:assert';
import { TEST_CODE, TEST_DATA, machineWithCode } from '../machine/bare-machine.js';
import type { Cpu, StopReason } from '../machine/cpu.js';

const CF = 0x1;
const PF = 0x4;
const AF = 0x10;
const ZF = 0x40;
const SF = 0x80;
const OF = 0x800;
const STATUS = CF | PF | AF | ZF | SF | OF;
const RAX = 0;
const RDX = 2;
const RBX = 3;
const RDI = 7;

const machine = machineWithCode(new Uint8Array(16));
const cpu = machine.cpu;
let loaded = '';

function run(code: number[], regs: Record<number, bigint>, flags: number, mem?: bigint, memBytes = 8): StopReason {
  const key = code.join(',');
  if (key !== loaded) {
    machine.load(TEST_CODE, Uint8Array.from(code));
    loaded = key;
  }
  for (let s = 0; s < 16; s++) if (s !== 4) cpu.setReg(s, 0n);
  for (const [slot, v] of Object.entries(regs)) cpu.setReg(Number(slot), v);
  if (mem !== undefined) {
    machine.load(TEST_DATA, Uint8Array.from({ length: memBytes }, (_, i) => Number((mem >> BigInt(8 * i)) & 0xffn)));
  }
  cpu.rflags = flags;
  cpu.rip = TEST_CODE;
  return cpu.run(1);
}

function exec(code: number[], regs: Record<number, bigint>, flags: number, mem?: bigint, memBytes = 8): Cpu {
  const stop = run(code, regs, flags, mem, memBytes);
  assert.equal(stop.kind, 'limit', `stopped: ${stop.kind === 'fault' ? stop.fault.describe() : stop.kind}`);
  return cpu;
}

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const sx = (v: bigint, w: number) => BigInt.asIntN(w, v);
const GARBAGE = 0x0123456789abcdefn;

function flagText(f: number): string {
  const names: [number, string][] = [
    [CF, 'CF'],
    [PF, 'PF'],
    [AF, 'AF'],
    [ZF, 'ZF'],
    [SF, 'SF'],
    [OF, 'OF'],
  ];
  return names.filter(([b]) => f & b).map(([, n]) => n).join(' ') || '-';
}

function parity(v: bigint): number {
  let n = 0;
  for (let b = Number(v & 0xffn); b; b >>= 1) n += b & 1;
  return n % 2 === 0 ? PF : 0;
}

/** Documented MUL/IMUL flags: CF = OF = `overflow`; SF ZF PF from the low half `lo`; AF = 0. */
function mulFlags(lo: bigint, w: number, overflow: boolean): number {
  return (overflow ? CF | OF : 0) | parity(lo) | (lo === 0n ? ZF : 0) | ((lo >> BigInt(w - 1)) & 1n ? SF : 0);
}

let seed = 0x1234567;
function rand32(): bigint {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return BigInt(seed >>> 0);
}
const rand64 = () => (rand32() << 32n) | rand32();

function values(w: number): bigint[] {
  const m = mask(w);
  const h = 1n << BigInt(w - 1);
  const v = [0n, 1n, 2n, 3n, 7n, m, m - 1n, h, h - 1n, h + 1n, 0xffffn & m, 0x10000n & m, 0xffffffffn & m, 0x100000000n & m];
  for (let i = 0; i < 6; i++) v.push(rand64() & m);
  v.push(rand32() & 0xffn, (rand32() & 0x1fffffn) << 32n & m);
  return v;
}

function prefixes(w: number): number[] {
  return w === 16 ? [0x66] : w === 64 ? [0x48] : [];
}

/** F6/F7 /ext with RBX (BL) or [RDI] as the operand. */
function group3(ext: number, w: number, memory: boolean): number[] {
  return [...prefixes(w), w === 8 ? 0xf6 : 0xf7, memory ? (ext << 3) | RDI : 0xc0 | (ext << 3) | RBX];
}

/** Accumulator halves for size w: [low register, high register]; 8-bit uses AL and AH. */
function writeAcc(w: number, lo: bigint, hi: bigint): Record<number, bigint> {
  if (w === 8) return { [RAX]: (GARBAGE & ~0xffffn) | (hi << 8n) | lo, [RDX]: GARBAGE };
  return { [RAX]: (GARBAGE & ~mask(w)) | lo, [RDX]: (GARBAGE & ~mask(w)) | hi };
}

function expectAcc(c: Cpu, w: number, lo: bigint, hi: bigint, what: string): void {
  if (w === 8) {
    assert.equal(c.getReg(RAX), (GARBAGE & ~0xffffn) | (hi << 8n) | lo, `${what}: AX`);
    assert.equal(c.getReg(RDX), GARBAGE, `${what}: RDX untouched`);
    return;
  }
  const keep = w === 16 ? GARBAGE & ~mask(w) : 0n; // 32-bit writes zero-extend
  assert.equal(c.getReg(RAX), keep | lo, `${what}: low half`);
  assert.equal(c.getReg(RDX), keep | hi, `${what}: high half`);
}

const WIDTHS = [8, 16, 32, 64];
const FLAG_INPUTS = [0x202, 0x202 | STATUS];

describe('muldiv: MUL and one-operand IMUL', () => {
  for (const signed of [false, true]) {
    for (const w of WIDTHS) {
      it(`${signed ? 'imul' : 'mul'} ${w}-bit: register and memory operands`, () => {
        for (const memory of [false, true]) {
          const code = group3(signed ? 5 : 4, w, memory);
          for (const a of values(w)) {
            for (const b of values(w)) {
              const flagsIn = FLAG_INPUTS[Number(a & 1n)];
              const regs = writeAcc(w, a, 0n);
              regs[RBX] = memory ? GARBAGE : (GARBAGE & ~mask(w)) | b;
              regs[RDI] = BigInt(TEST_DATA);
              const c = exec(code, regs, flagsIn, memory ? b : undefined, w / 8);
              const p = signed ? sx(a, w) * sx(b, w) : a * b;
              const lo = p & mask(w);
              const hi = (p >> BigInt(w)) & mask(w);
              const overflow = signed ? p !== sx(lo, w) : hi !== 0n;
              const what = `${signed ? 'imul' : 'mul'}${w} ${memory ? 'mem' : 'reg'} 0x${a.toString(16)} * 0x${b.toString(16)}`;
              expectAcc(c, w, lo, hi, what);
              assert.equal(flagText(c.rflags & STATUS), flagText(mulFlags(lo, w, overflow)), `${what}: flags`);
            }
          }
        }
      });
    }
  }

  it('mul bh (f6 e7): AX = AL * BH', () => {
    const c = exec([0xf6, 0xe7], { [RAX]: 0xff_1234_00fen, [RBX]: 0x0300n }, 0x202);
    assert.equal(c.getReg(RAX), 0xff_1234_02fan);
    assert.equal(flagText(c.rflags & STATUS), 'CF PF SF OF');
  });

  it('imul %rbx (48 f7 eb): -1 * -1 = 1 with RDX = 0, no overflow', () => {
    const c = exec([0x48, 0xf7, 0xeb], { [RAX]: mask(64), [RBX]: mask(64) }, 0x202 | CF | OF);
    assert.equal(c.getReg(RAX), 1n);
    assert.equal(c.getReg(RDX), 0n);
    assert.equal(flagText(c.rflags & STATUS), '-');
  });

  it('mul %rbx (48 f7 e3): (2^64-1)^2 = 2^128 - 2^65 + 1', () => {
    const c = exec([0x48, 0xf7, 0xe3], { [RAX]: mask(64), [RBX]: mask(64) }, 0x202);
    assert.equal(c.getReg(RAX), 1n);
    assert.equal(c.getReg(RDX), mask(64) - 1n);
    assert.equal(flagText(c.rflags & STATUS), 'CF OF');
  });
});

describe('muldiv: two- and three-operand IMUL', () => {
  for (const w of [16, 32, 64]) {
    it(`imul r${w}, r/m${w}: register and memory sources`, () => {
      for (const memory of [false, true]) {
        // 0f af /r: dst = RDX (reg), src = RBX or [RDI]
        const code = [...prefixes(w), 0x0f, 0xaf, memory ? (RDX << 3) | RDI : 0xc0 | (RDX << 3) | RBX];
        for (const a of values(w)) {
          for (const b of values(w)) {
            const c = exec(
              code,
              { [RDX]: (GARBAGE & ~mask(w)) | a, [RBX]: memory ? 0n : (GARBAGE & ~mask(w)) | b, [RDI]: BigInt(TEST_DATA) },
              FLAG_INPUTS[Number(b & 1n)],
              memory ? b : undefined,
              w / 8,
            );
            const p = sx(a, w) * sx(b, w);
            const lo = p & mask(w);
            const what = `imul${w} 0x${a.toString(16)} * 0x${b.toString(16)}`;
            assert.equal(c.getReg(RDX), (w === 16 ? GARBAGE & ~mask(w) : 0n) | lo, what);
            assert.equal(flagText(c.rflags & STATUS), flagText(mulFlags(lo, w, p !== sx(lo, w))), `${what}: flags`);
          }
        }
      }
    });

    it(`imul r${w}, r/m${w}, imm8 and imm${w === 16 ? 16 : 32} (sign-extended)`, () => {
      const imms = [0n, 1n, -1n, 127n, -128n, 2n, -2n, 0x7fffn, -0x8000n, 0x1234n];
      if (w !== 16) imms.push(0x7fffffffn, -0x80000000n, 0x12345678n, -0x789abcden);
      for (const imm of imms) {
        const small = imm >= -128n && imm <= 127n;
        const immBytes = small ? 1 : w === 16 ? 2 : 4;
        const code = [
          ...prefixes(w),
          small ? 0x6b : 0x69,
          0xc0 | (RDX << 3) | RBX,
          ...Array.from({ length: immBytes }, (_, i) => Number((BigInt.asUintN(32, imm) >> BigInt(8 * i)) & 0xffn)),
        ];
        for (const a of values(w)) {
          const c = exec(code, { [RDX]: GARBAGE, [RBX]: (GARBAGE & ~mask(w)) | a }, 0x202);
          const p = sx(a, w) * imm;
          const lo = p & mask(w);
          const what = `imul${w} 0x${a.toString(16)}, ${imm}`;
          assert.equal(c.getReg(RDX), (w === 16 ? GARBAGE & ~mask(w) : 0n) | lo, what);
          assert.equal(c.getReg(RBX), (GARBAGE & ~mask(w)) | a, `${what}: source unchanged`);
          assert.equal(flagText(c.rflags & STATUS), flagText(mulFlags(lo, w, p !== sx(lo, w))), `${what}: flags`);
        }
      }
    });
  }

  it('imul %eax,%eax (0f af c0): 0x10000 squared overflows to 0 with CF=OF=1, ZF=1 (documented)', () => {
    const c = exec([0x0f, 0xaf, 0xc0], { [RAX]: 0xffff_ffff_0001_0000n }, 0x202);
    assert.equal(c.getReg(RAX), 0n);
    assert.equal(flagText(c.rflags & STATUS), 'CF PF ZF OF');
  });
});

// ---- division ----

function dividends(w: number): [bigint, bigint][] {
  // [high, low] halves
  const out: [bigint, bigint][] = [];
  const hv = [0n, 1n, 2n, mask(w), mask(w) - 1n, 1n << BigInt(w - 1), (1n << BigInt(w - 1)) - 1n, 0x1fffffn & mask(w), 0x200000n & mask(w)];
  for (let i = 0; i < 3; i++) hv.push(rand64() & mask(w));
  for (const h of hv) for (const l of values(w)) out.push([h, l]);
  return out;
}

function divisors(w: number): bigint[] {
  const v = values(w).filter((x) => x !== 0n);
  v.push(0n, 10n, mask(w) - 9n, 0x1234567n & mask(w), (0x1_0000_0000n + 3n) & mask(w), (0xffff_ffff_0000_0001n) & mask(w));
  return v;
}

type DivResult = { fault: true } | { fault: false; q: bigint; r: bigint };

function refDiv(signed: boolean, w: number, hi: bigint, lo: bigint, d: bigint): DivResult {
  if (d === 0n) return { fault: true };
  if (!signed) {
    const x = (hi << BigInt(w)) | lo;
    const q = x / d;
    if (q > mask(w)) return { fault: true };
    return { fault: false, q, r: x % d };
  }
  const x = BigInt.asIntN(2 * w, (hi << BigInt(w)) | lo);
  const ds = sx(d, w);
  const q = x / ds; // truncates toward zero
  if (q > mask(w - 1) || q < -(1n << BigInt(w - 1))) return { fault: true };
  return { fault: false, q: q & mask(w), r: (x - q * ds) & mask(w) };
}

describe('muldiv: DIV and IDIV', () => {
  for (const signed of [false, true]) {
    for (const w of WIDTHS) {
      it(`${signed ? 'idiv' : 'div'} ${w}-bit: quotient, remainder, #DE on zero and overflow, flags unchanged`, () => {
        let faults = 0;
        let ok = 0;
        for (const memory of [false, true]) {
          const code = group3(signed ? 7 : 6, w, memory);
          for (const [hi, lo] of dividends(w)) {
            for (const d of divisors(w)) {
              if (memory && ((hi + lo + d) & 3n) !== 0n) continue; // keep the run short
              const flagsIn = FLAG_INPUTS[Number((lo ^ d) & 1n)];
              const regs = writeAcc(w, lo, hi);
              regs[RBX] = memory ? GARBAGE : (GARBAGE & ~mask(w)) | d;
              regs[RDI] = BigInt(TEST_DATA);
              const stop = run(code, regs, flagsIn, memory ? d : undefined, w / 8);
              const exp = refDiv(signed, w, hi, lo, d);
              const what = `${signed ? 'idiv' : 'div'}${w} ${memory ? 'mem' : 'reg'} 0x${hi.toString(16)}:${lo.toString(16)} / 0x${d.toString(16)}`;
              if (exp.fault) {
                faults++;
                assert.equal(stop.kind, 'fault', `${what}: expected #DE`);
                if (stop.kind === 'fault') assert.equal(stop.fault.vector, 0, `${what}: vector`);
                assert.equal(cpu.rip, TEST_CODE, `${what}: RIP at the instruction`);
                const acc = writeAcc(w, lo, hi);
                assert.equal(cpu.getReg(RAX), acc[RAX], `${what}: RAX untouched`);
                assert.equal(cpu.getReg(RDX), acc[RDX], `${what}: RDX untouched`);
              } else {
                ok++;
                assert.equal(stop.kind, 'limit', `${what}: unexpected ${stop.kind === 'fault' ? stop.fault.describe() : stop.kind}`);
                if (w === 8) expectAcc(cpu, 8, exp.q, exp.r, what);
                else expectAcc(cpu, w, exp.q, exp.r, what);
              }
              assert.equal(cpu.rflags & STATUS, flagsIn & STATUS, `${what}: flags unchanged`);
            }
          }
        }
        assert.ok(faults > 10 && ok > 100, `coverage: ${faults} faults, ${ok} divisions`);
      });
    }
  }

  it('idiv: the most negative dividend by -1 raises #DE at every size', () => {
    for (const w of WIDTHS) {
      // The dividend is -2^(w-1) sign-extended over AX (8-bit), DX:AX, EDX:EAX or RDX:RAX;
      // the quotient 2^(w-1) does not fit.
      const min = 1n << BigInt(w - 1);
      const regs: Record<number, bigint> = w === 8 ? { [RAX]: 0xff80n, [RBX]: 0xffn } : { [RAX]: min, [RDX]: mask(w), [RBX]: mask(w) };
      const stop = run(group3(7, w, false), regs, 0x202);
      assert.equal(stop.kind, 'fault', `idiv${w}`);
      if (stop.kind === 'fault') assert.equal(stop.fault.vector, 0);
    }
  });

  it('idiv %rbx (48 f7 fb): -2^63 / 1, -2^63 / -2^63 and -2^63 / 2 are fine', () => {
    let c = exec([0x48, 0xf7, 0xfb], { [RAX]: 1n << 63n, [RDX]: mask(64), [RBX]: 1n }, 0x202);
    assert.equal(c.getReg(RAX), 1n << 63n);
    assert.equal(c.getReg(RDX), 0n);
    c = exec([0x48, 0xf7, 0xfb], { [RAX]: 1n << 63n, [RDX]: mask(64), [RBX]: 1n << 63n }, 0x202);
    assert.equal(c.getReg(RAX), 1n);
    assert.equal(c.getReg(RDX), 0n);
    c = exec([0x48, 0xf7, 0xfb], { [RAX]: 1n << 63n, [RDX]: mask(64), [RBX]: 2n }, 0x202);
    assert.equal(c.getReg(RAX), BigInt.asUintN(64, -(1n << 62n)));
    assert.equal(c.getReg(RDX), 0n);
  });

  it('div %rcx with a quotient needing all 64 bits (48 f7 f1): 2^128-1 / 2^64-1 overflows, (2^64-2):(2^64-1) / (2^64-1) does not', () => {
    let stop = run([0x48, 0xf7, 0xf1], { [RAX]: mask(64), [RDX]: mask(64), 1: mask(64) }, 0x202);
    assert.equal(stop.kind, 'fault');
    stop = run([0x48, 0xf7, 0xf1], { [RAX]: mask(64), [RDX]: mask(64) - 1n, 1: mask(64) }, 0x202);
    assert.equal(stop.kind, 'limit');
    assert.equal(cpu.getReg(RAX), mask(64));
    assert.equal(cpu.getReg(RDX), mask(64) - 1n);
  });

  it('div %cl (f6 f1): AX / CL with AL = quotient, AH = remainder', () => {
    const c = exec([0xf6, 0xf1], { [RAX]: 0xaaaa_0000_03e8n, 1: 7n }, 0x202); // 1000 / 7 = 142 r 6
    assert.equal(c.getReg(RAX), 0xaaaa_0000_068en);
  });
});
