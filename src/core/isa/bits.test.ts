/**
 * BT BTS BTR BTC (register/imm offsets, register and memory destinations, bit-string
 * addressing) and BSF BSR TZCNT LZCNT POPCNT against BigInt references, with every defined flag
 * and the documented values of the undefined ones (see bits.ts).
 */
import { strict as assert } from 'node:assert';
import { TEST_CODE, TEST_DATA, machineWithCode } from '../machine/bare-machine.js';
import type { Cpu } from '../machine/cpu.js';

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

const machine = machineWithCode(new Uint8Array(16));
const cpu = machine.cpu;
let loaded = '';

function load(code: number[]): void {
  const key = code.join(',');
  if (key !== loaded) {
    machine.load(TEST_CODE, Uint8Array.from(code));
    loaded = key;
  }
}

function exec(code: number[], regs: Record<number, bigint>, flags: number): Cpu {
  load(code);
  for (let s = 0; s < 16; s++) if (s !== 4) cpu.setReg(s, 0n);
  for (const [slot, v] of Object.entries(regs)) cpu.setReg(Number(slot), v);
  cpu.rflags = flags;
  cpu.rip = TEST_CODE;
  const stop = cpu.run(1);
  assert.equal(stop.kind, 'limit', `stopped: ${JSON.stringify(stop, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
  return cpu;
}

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const GARBAGE = 0xfedcba9876543210n;

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

let seed = 0x9e3779b9;
function rand32(): bigint {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return BigInt(seed >>> 0);
}
const rand64 = () => (rand32() << 32n) | rand32();

function prefixes(w: number, f3 = false): number[] {
  const out: number[] = [];
  if (w === 16) out.push(0x66);
  if (f3) out.push(0xf3);
  if (w === 64) out.push(0x48);
  return out;
}

const WIDTHS = [16, 32, 64];
const FLAG_INPUTS = [0x202, 0x202 | STATUS];

// ---- BT BTS BTR BTC ----

type BitOp = 'bt' | 'bts' | 'btr' | 'btc';
const REG_OPCODE: Record<BitOp, number> = { bt: 0xa3, bts: 0xab, btr: 0xb3, btc: 0xbb };
const IMM_EXT: Record<BitOp, number> = { bt: 4, bts: 5, btr: 6, btc: 7 };

function applyBit(op: BitOp, v: bigint, bit: bigint): bigint {
  const b = 1n << bit;
  switch (op) {
    case 'bt':
      return v;
    case 'bts':
      return v | b;
    case 'btr':
      return v & ~b;
    default:
      return v ^ b;
  }
}

/** Expected flags: CF = the bit, everything else unchanged. */
function btFlags(flagsIn: number, bit: number): number {
  return (flagsIn & ~CF) | bit;
}

const BUF = 512; // bytes around RBX that the bit-string tests look at
const BUF_BASE = TEST_DATA + 0x100;
const MID = BUF_BASE + 256; // RBX for bit-string tests

function randomBuffer(): number[] {
  return Array.from({ length: BUF }, () => Number(rand32() & 0xffn));
}

function readBuffer(): number[] {
  return Array.from(cpu.mem.peek(BUF_BASE, BUF));
}

describe('bits: BT BTS BTR BTC', () => {
  for (const op of ['bt', 'bts', 'btr', 'btc'] as const) {
    for (const w of WIDTHS) {
      it(`${op} ${w}-bit register destination: register and imm8 offsets taken modulo ${w}`, () => {
        const values = [0n, mask(w), 0x8000000000000001n & mask(w), rand64() & mask(w), rand64() & mask(w)];
        const offsets = [0n, 1n, BigInt(w - 1), BigInt(w), BigInt(w + 3), 255n, mask(w), rand64() & mask(w), (rand64() & mask(w)) | 1n];
        for (const v of values) {
          for (const off of offsets) {
            for (const flagsIn of FLAG_INPUTS) {
              const bit = off & BigInt(w - 1);
              const exp = applyBit(op, v, bit);
              const expCf = Number((v >> bit) & 1n);
              // register offset: bt %rax, %rdx (0f a3 c2)
              let c = exec([...prefixes(w), 0x0f, REG_OPCODE[op], 0xc2], { [RDX]: (GARBAGE & ~mask(w)) | v, [RAX]: off }, flagsIn);
              const keepUpper = w === 16 || op === 'bt' ? GARBAGE & ~mask(w) : 0n; // 32-bit writes zero-extend
              assert.equal(c.getReg(RDX), (w === 64 ? 0n : keepUpper) | exp, `${op}${w} reg v=${v} off=${off}`);
              assert.equal(flagText(c.rflags & STATUS), flagText(btFlags(flagsIn, expCf)), `${op}${w} reg flags`);
              // imm8 offset: 0f ba /n ib (imm8 raw byte)
              const imm = Number(off & 0xffn);
              const ibit = BigInt(imm & (w - 1));
              c = exec([...prefixes(w), 0x0f, 0xba, 0xc0 | (IMM_EXT[op] << 3) | RDX, imm], { [RDX]: (GARBAGE & ~mask(w)) | v }, flagsIn);
              assert.equal(c.getReg(RDX), (w === 64 ? 0n : keepUpper) | applyBit(op, v, ibit), `${op}${w} imm v=${v} imm=${imm}`);
              assert.equal(flagText(c.rflags & STATUS), flagText(btFlags(flagsIn, Number((v >> ibit) & 1n))), `${op}${w} imm flags`);
            }
          }
        }
      });

      it(`${op} ${w}-bit memory destination, imm8 offset: modulo ${w}, only the operand is touched`, () => {
        for (const imm of [0, 1, 7, 8, w - 1, w, w + 5, 200, 255]) {
          for (const flagsIn of FLAG_INPUTS) {
            const buf = randomBuffer();
            machine.load(BUF_BASE, Uint8Array.from(buf));
            const c = exec([...prefixes(w), 0x0f, 0xba, (IMM_EXT[op] << 3) | RBX, imm], { [RBX]: BigInt(MID) }, flagsIn);
            const bit = imm & (w - 1);
            const byte = 256 + (bit >> 3);
            const expCf = (buf[byte] >> (bit & 7)) & 1;
            const exp = buf.slice();
            exp[byte] = Number(applyBit(op, BigInt(buf[byte]), BigInt(bit & 7)));
            assert.deepEqual(readBuffer(), exp, `${op}${w} [rbx], ${imm}`);
            assert.equal(flagText(c.rflags & STATUS), flagText(btFlags(flagsIn, expCf)));
          }
        }
      });

      it(`${op} ${w}-bit memory destination, register offset: signed bit string relative to the address`, () => {
        const offsets = [0, 1, w - 1, w, w + 1, -1, -2, -w, -w - 1, 2 * w + 3, -3 * w + 5, 100, -100, 1000, -1000, 1023, -1024];
        for (const disp of [0, 8, -8]) {
          for (const off of offsets) {
            for (const flagsIn of FLAG_INPUTS) {
              const buf = randomBuffer();
              machine.load(BUF_BASE, Uint8Array.from(buf));
              // bt %rax, disp8(%rbx): 0f a3 43 disp8 ; or (%rbx): 0f a3 03
              const modrm = disp === 0 ? [0x03] : [0x43, disp & 0xff];
              const c = exec(
                [...prefixes(w), 0x0f, REG_OPCODE[op], ...modrm],
                { [RBX]: BigInt(MID), [RAX]: (GARBAGE & ~mask(w)) | BigInt.asUintN(w, BigInt(off)) },
                flagsIn,
              );
              // Reference: bit `off` of the bit string starting at EA, byte granular.
              const abs = (256 + disp) * 8 + off;
              const byte = Math.floor(abs / 8);
              const bit = ((abs % 8) + 8) % 8;
              const expCf = (buf[byte] >> bit) & 1;
              const exp = buf.slice();
              exp[byte] = Number(applyBit(op, BigInt(buf[byte]), BigInt(bit)));
              assert.deepEqual(readBuffer(), exp, `${op}${w} off=${off} disp=${disp}`);
              assert.equal(flagText(c.rflags & STATUS), flagText(btFlags(flagsIn, expCf)), `${op}${w} off=${off} flags`);
              assert.equal(c.getReg(RAX), (GARBAGE & ~mask(w)) | BigInt.asUintN(w, BigInt(off)), 'offset register unchanged');
            }
          }
        }
      });
    }
  }

  it('bit-string access is operand-size granular: a dword unit that crosses into an unmapped page faults', () => {
    // RBX = 2 bytes before the end of the mapped data area; bit 0 lives in a mapped byte, but the
    // 4-byte unit at EA + 4*floor(0/32) = EA crosses the page boundary.
    const end = TEST_DATA + 0x10000;
    load([0x0f, 0xa3, 0x03]); // bt %eax, (%rbx)
    cpu.setReg(RBX, BigInt(end - 2));
    cpu.setReg(RAX, 0n);
    cpu.rip = TEST_CODE;
    const stop = cpu.run(1);
    assert.equal(stop.kind, 'fault');
    if (stop.kind === 'fault') assert.equal(stop.fault.vector, 14);
    // The 16-bit form with a negative offset reads the word at EA - 2: fine.
    const c = exec([0x66, 0x0f, 0xa3, 0x03], { [RBX]: BigInt(end - 2), [RAX]: 0xfff0n }, 0x202); // offset -16
    assert.equal(c.rip, TEST_CODE + 4);
  });

  it('with 67h the bit-string address wraps at 4 GiB like the effective address', () => {
    machine.map(0xfffff000, 0x1000, { write: true, user: true, exec: false });
    machine.load(0xfffffffc, Uint8Array.from([0, 0, 0, 0x80]));
    // 67 0f ab 03: bts %eax, (%ebx); EBX = 0, EAX = -1 -> dword at (0 - 4) mod 2^32, bit 31.
    const c = exec([0x67, 0x0f, 0xab, 0x03], { [RBX]: 0xffffffff_00000000n, [RAX]: 0xffffffffn }, 0x202);
    assert.equal(flagText(c.rflags & STATUS), 'CF');
    assert.deepEqual(Array.from(cpu.mem.peek(0xfffffffc, 4)), [0, 0, 0, 0x80]);
    const c2 = exec([0x67, 0x0f, 0xab, 0x03], { [RBX]: 0n, [RAX]: 0xfffffffen }, 0x202); // bit 30
    assert.equal(flagText(c2.rflags & STATUS), '-');
    assert.deepEqual(Array.from(cpu.mem.peek(0xfffffffc, 4)), [0, 0, 0, 0xc0]);
  });

  it('bts with a 64-bit register offset far outside the operand (2^40 bits) addresses 2^37 bytes away (#PF)', () => {
    load([0x48, 0x0f, 0xab, 0x03]); // bts %rax, (%rbx)
    cpu.setReg(RBX, BigInt(TEST_DATA));
    cpu.setReg(RAX, 1n << 40n);
    cpu.rip = TEST_CODE;
    const stop = cpu.run(1);
    assert.equal(stop.kind, 'fault');
    if (stop.kind === 'fault') {
      assert.equal(stop.fault.vector, 14);
      assert.equal(stop.fault.address, BigInt(TEST_DATA) + (1n << 37n));
    }
  });
});

// ---- BSF BSR TZCNT LZCNT POPCNT ----

type ScanOp = 'bsf' | 'bsr' | 'tzcnt' | 'lzcnt' | 'popcnt';

function scanCode(op: ScanOp, w: number, memory: boolean): number[] {
  const f3 = op === 'tzcnt' || op === 'lzcnt' || op === 'popcnt';
  const opcode = op === 'bsf' || op === 'tzcnt' ? 0xbc : op === 'bsr' || op === 'lzcnt' ? 0xbd : 0xb8;
  // dst = rdx (reg field), src = rax or (%rbx)
  return [...prefixes(w, f3), 0x0f, opcode, memory ? (RDX << 3) | RBX : 0xc0 | (RDX << 3) | RAX];
}

function scanValues(w: number): bigint[] {
  const vals = [0n, 1n, mask(w), 1n << BigInt(w - 1), 0x8001n, (0x0f0f0f0f0f0f0f0fn & mask(w))];
  for (let b = 0; b < w; b += 3) vals.push(1n << BigInt(b));
  for (let i = 0; i < 8; i++) vals.push(rand64() & mask(w));
  return vals;
}

function lowest(v: bigint): number {
  let i = 0;
  while (((v >> BigInt(i)) & 1n) === 0n) i++;
  return i;
}
function highest(v: bigint): number {
  let i = 0;
  while (v >> BigInt(i + 1)) i++;
  return i;
}
function popcount(v: bigint): number {
  let n = 0;
  for (; v; v >>= 1n) n += Number(v & 1n);
  return n;
}

/** Expected destination (undefined = unchanged) and flags. */
function refScan(op: ScanOp, w: number, v: bigint, flagsIn: number): { dst: bigint | undefined; flags: number } {
  switch (op) {
    case 'bsf':
    case 'bsr':
      if (v === 0n) return { dst: undefined, flags: flagsIn | ZF };
      return { dst: BigInt(op === 'bsf' ? lowest(v) : highest(v)), flags: flagsIn & ~ZF };
    case 'tzcnt':
    case 'lzcnt': {
      const n = v === 0n ? w : op === 'tzcnt' ? lowest(v) : w - 1 - highest(v);
      return { dst: BigInt(n), flags: (flagsIn & ~(CF | ZF)) | (v === 0n ? CF : 0) | (n === 0 ? ZF : 0) };
    }
    default: {
      const n = popcount(v);
      return { dst: BigInt(n), flags: (flagsIn & ~STATUS) | (v === 0n ? ZF : 0) };
    }
  }
}

describe('bits: BSF BSR TZCNT LZCNT POPCNT', () => {
  for (const op of ['bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt'] as const) {
    for (const w of WIDTHS) {
      it(`${op} ${w}-bit, register and memory sources, zero source`, () => {
        for (const memory of [false, true]) {
          const code = scanCode(op, w, memory);
          for (const v of scanValues(w)) {
            for (const flagsIn of FLAG_INPUTS) {
              const before = GARBAGE;
              if (memory) {
                const bytes = Array.from({ length: w / 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
                machine.load(TEST_DATA, Uint8Array.from(bytes));
              }
              const c = exec(code, { [RDX]: before, [RAX]: (GARBAGE & ~mask(w)) | v, [RBX]: BigInt(TEST_DATA) }, flagsIn);
              const exp = refScan(op, w, v, flagsIn);
              const what = `${op}${w} ${memory ? 'mem' : 'reg'} v=0x${v.toString(16)}`;
              let expDst: bigint;
              if (exp.dst === undefined) expDst = before; // BSF/BSR with a zero source: not written at all
              else if (w === 16) expDst = (before & ~0xffffn) | exp.dst;
              else expDst = exp.dst; // 32-bit writes zero-extend
              assert.equal(c.getReg(RDX), expDst, `${what}: destination`);
              assert.equal(flagText(c.rflags & STATUS), flagText(exp.flags & STATUS), `${what}: flags`);
            }
          }
        }
      });
    }
  }

  it('bsf/bsr with a zero source keep the whole 64-bit destination, 32-bit form included (documented)', () => {
    const c = exec([0x0f, 0xbc, 0xd0], { [RDX]: 0x1122334455667788n, [RAX]: 0xffffffff00000000n }, 0x202); // bsf %eax, %edx
    assert.equal(c.getReg(RDX), 0x1122334455667788n);
    assert.equal(flagText(c.rflags & STATUS), 'ZF');
  });

  it('hand-checked: tzcnt %ax,%dx (66 f3 0f bc d0) of 0 -> 16, CF=1; lzcnt of 1 (64-bit) -> 63', () => {
    let c = exec([0x66, 0xf3, 0x0f, 0xbc, 0xd0], { [RDX]: 0xaaaa_0000n, [RAX]: 0xffff_0000n }, 0x202);
    assert.equal(c.getReg(RDX), 0xaaaa_0010n);
    assert.equal(flagText(c.rflags & STATUS), 'CF');
    c = exec([0xf3, 0x48, 0x0f, 0xbd, 0xd0], { [RAX]: 1n }, 0x202 | ZF | CF);
    assert.equal(c.getReg(RDX), 63n);
    assert.equal(flagText(c.rflags & STATUS), '-');
  });

  it('hand-checked: popcnt %rax,%rdx (f3 48 0f b8 d0) clears OF SF AF CF PF', () => {
    const c = exec([0xf3, 0x48, 0x0f, 0xb8, 0xd0], { [RAX]: 0xf000_0000_0000_0003n }, 0x202 | STATUS);
    assert.equal(c.getReg(RDX), 6n);
    assert.equal(flagText(c.rflags & STATUS), '-');
  });
});
