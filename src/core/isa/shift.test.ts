/**
 * SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD against a BigInt reference that runs the SDM's
 * one-bit-at-a-time pseudo-code (plus the documented choices for undefined flags, see shift.ts),
 * over every operand size, the imm8 / CL / implicit-1 forms, register and memory destinations.
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
const RCX = 1;
const RDX = 2;
const RBX = 3;

// ---- test rig: one machine, code reloaded only when it changes ----

const machine = machineWithCode(new Uint8Array(16));
const cpu = machine.cpu;
let loaded = '';

function exec(code: number[], regs: Record<number, bigint>, flags: number, mem?: { at: number; bytes: number[] }): Cpu {
  const key = code.join(',');
  if (key !== loaded) {
    machine.load(TEST_CODE, Uint8Array.from(code));
    loaded = key;
  }
  for (let s = 0; s < 16; s++) if (s !== 4) cpu.setReg(s, 0n);
  for (const [slot, v] of Object.entries(regs)) cpu.setReg(Number(slot), v);
  if (mem) machine.load(mem.at, Uint8Array.from(mem.bytes));
  cpu.rflags = flags;
  cpu.rip = TEST_CODE;
  const stop = cpu.run(1);
  assert.equal(stop.kind, 'limit', `stopped: ${JSON.stringify(stop)}`);
  assert.equal(cpu.rip, TEST_CODE + code.length);
  return cpu;
}

function readMemValue(addr: number, bytes: number): bigint {
  const b = cpu.mem.peek(addr, bytes);
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function leBytes(v: bigint, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

function parity(v: bigint): number {
  let n = 0;
  for (let b = Number(v & 0xffn); b; b >>= 1) n += b & 1;
  return n % 2 === 0 ? PF : 0;
}

function flagText(f: number): string {
  return (
    [
      [CF, 'CF'],
      [PF, 'PF'],
      [AF, 'AF'],
      [ZF, 'ZF'],
      [SF, 'SF'],
      [OF, 'OF'],
    ] as const
  )
    .filter(([b]) => f & b)
    .map(([, n]) => n)
    .join(' ') || '-';
}

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const msbOf = (v: bigint, w: number) => Number((v >> BigInt(w - 1)) & 1n);

/** SF ZF PF of a w-bit result (AF = 0, our documented value for shifts). */
function szp(v: bigint, w: number): number {
  return (msbOf(v, w) ? SF : 0) | (v === 0n ? ZF : 0) | parity(v);
}

// ---- reference: the SDM pseudo-code, one bit per step ----

type ShiftOp = 'shl' | 'sal' | 'shr' | 'sar' | 'rol' | 'ror' | 'rcl' | 'rcr';

function refShift(op: ShiftOp, w: number, a: bigint, count: number, flagsIn: number): { r: bigint; flags: number } {
  const m = mask(w);
  const masked = count & (w === 64 ? 63 : 31);
  let steps = masked;
  if (op === 'rcl' || op === 'rcr') steps = w === 8 ? masked % 9 : w === 16 ? masked % 17 : masked;
  // Count 0 (and RCL/RCR counts that are 0 modulo 9/17): nothing changes.
  if (steps === 0) return { r: a, flags: flagsIn };
  let v = a;
  let prev = a;
  let cf = BigInt(flagsIn & CF);
  const top = BigInt(w - 1);
  for (let i = 0; i < steps; i++) {
    prev = v;
    const msb = (v >> top) & 1n;
    const lsb = v & 1n;
    switch (op) {
      case 'shl':
      case 'sal':
        cf = msb;
        v = (v << 1n) & m;
        break;
      case 'shr':
        cf = lsb;
        v >>= 1n;
        break;
      case 'sar':
        cf = lsb;
        v = (v >> 1n) | (msb << top);
        break;
      case 'rol':
        v = ((v << 1n) & m) | msb;
        cf = v & 1n;
        break;
      case 'ror':
        v = (v >> 1n) | (lsb << top);
        cf = (v >> top) & 1n;
        break;
      case 'rcl':
        v = ((v << 1n) & m) | cf;
        cf = msb;
        break;
      case 'rcr':
        v = (v >> 1n) | (cf << top);
        cf = lsb;
        break;
    }
  }
  // OF: the count-1 definition applied to the last step (= the SDM's value for count 1).
  const of = msbOf(v, w) ^ msbOf(prev, w);
  const c = Number(cf);
  if (op === 'rol' || op === 'ror' || op === 'rcl' || op === 'rcr') {
    return { r: v, flags: (flagsIn & ~(CF | OF)) | c | (of ? OF : 0) };
  }
  return { r: v, flags: (flagsIn & ~STATUS) | c | szp(v, w) | (of ? OF : 0) };
}

/**
 * SHLD/SHRD one bit per step. For 16-bit operands the bit stream is DEST:SRC:DEST (the
 * documented model for counts above 16); for 32/64 it is DEST:SRC.
 */
function refDouble(op: 'shld' | 'shrd', w: number, d: bigint, s: bigint, count: number, flagsIn: number): { r: bigint; flags: number } {
  const masked = count & (w === 64 ? 63 : 31);
  if (masked === 0) return { r: d, flags: flagsIn };
  const W = BigInt(w);
  let v: bigint;
  let len: number;
  if (w === 16) {
    v = (d << 32n) | (s << 16n) | d;
    len = 48;
  } else {
    v = op === 'shld' ? (d << W) | s : (s << W) | d;
    len = 2 * w;
  }
  const result = (x: bigint) => (op === 'shld' ? x >> BigInt(len - w) : x & mask(w));
  let prev = result(v);
  let cf = 0n;
  for (let i = 0; i < masked; i++) {
    prev = result(v);
    if (op === 'shld') {
      cf = (v >> BigInt(len - 1)) & 1n;
      v = (v << 1n) & mask(len);
    } else {
      cf = v & 1n;
      v >>= 1n;
    }
  }
  const r = result(v);
  const of = msbOf(r, w) ^ msbOf(prev, w);
  return { r, flags: (flagsIn & ~STATUS) | Number(cf) | szp(r, w) | (of ? OF : 0) };
}

// ---- encodings ----

const EXT: Record<ShiftOp, number> = { rol: 0, ror: 1, rcl: 2, rcr: 3, shl: 4, shr: 5, sal: 6, sar: 7 };
type Form = 'imm' | 'cl' | 'one';

/** `op` on DL/DX/EDX/RDX (or [RBX]) by imm8 (C0/C1), CL (D2/D3) or 1 (D0/D1). */
function encShift(op: ShiftOp, w: number, form: Form, memory: boolean, count: number): number[] {
  const out: number[] = [];
  if (w === 16) out.push(0x66);
  if (w === 64) out.push(0x48);
  const base = (form === 'imm' ? 0xc0 : form === 'one' ? 0xd0 : 0xd2) + (w === 8 ? 0 : 1);
  out.push(base, memory ? (EXT[op] << 3) | RBX : 0xc0 | (EXT[op] << 3) | RDX);
  if (form === 'imm') out.push(count & 0xff);
  return out;
}

/** SHLD/SHRD dst=DX/EDX/RDX or [RBX], src=AX/EAX/RAX (slot 0); imm8 (0F A4/AC) or CL (0F A5/AD). */
function encDouble(op: 'shld' | 'shrd', w: number, cl: boolean, memory: boolean, count: number): number[] {
  const out: number[] = [];
  if (w === 16) out.push(0x66);
  if (w === 64) out.push(0x48);
  out.push(0x0f, (op === 'shld' ? 0xa4 : 0xac) + (cl ? 1 : 0), memory ? (0 << 3) | RBX : 0xc0 | (0 << 3) | RDX);
  if (!cl) out.push(count & 0xff);
  return out;
}

// ---- value sets ----

let seed = 0x2545f491;
function rand32(): bigint {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return BigInt(seed >>> 0);
}
function randomValue(w: number): bigint {
  return ((rand32() << 32n) | rand32()) & mask(w);
}

function valuesFor(w: number): bigint[] {
  const m = mask(w);
  const h = 1n << BigInt(w - 1);
  const vals = [0n, 1n, 2n, 3n, h, h - 1n, h + 1n, m, m - 1n, (0x5555555555555555n & m), (0xaaaaaaaaaaaaaaaan & m), 0x81n & m];
  for (let i = 0; i < 6; i++) vals.push(randomValue(w));
  return vals;
}

const COUNTS = [...Array(71).keys(), 95, 96, 127, 128, 129, 191, 200, 255];
const WIDTHS = [8, 16, 32, 64];
const FLAG_INPUTS = [0x202, 0x202 | STATUS];
const GARBAGE = 0x0123456789abcdefn; // upper register bits that must survive (8/16) or be cleared (32)

function expectedRegister(w: number, r: bigint): bigint {
  if (w >= 32) return r;
  return (GARBAGE & ~mask(w)) | r;
}

function checkShift(op: ShiftOp, w: number, form: Form, memory: boolean): number {
  let checks = 0;
  const counts = form === 'one' ? [1] : COUNTS;
  for (const count of counts) {
    const code = encShift(op, w, form, memory, count);
    for (const a of valuesFor(w)) {
      for (const flagsIn of FLAG_INPUTS) {
        const regs: Record<number, bigint> = { [RCX]: form === 'cl' ? 0xffffff00n | BigInt(count) : 0xdeadn, [RBX]: BigInt(TEST_DATA) };
        if (!memory) regs[RDX] = (GARBAGE & ~mask(w)) | a;
        const c = exec(code, regs, flagsIn, memory ? { at: TEST_DATA, bytes: [...leBytes(a, w / 8), 0xee] } : undefined);
        const exp = refShift(op, w, a, count, flagsIn);
        const what = `${op}${w} ${form} ${memory ? 'mem' : 'reg'} count=${count} a=0x${a.toString(16)} flagsIn=${flagText(flagsIn)}`;
        if (memory) {
          assert.equal(readMemValue(TEST_DATA, w / 8), exp.r, `${what}: result`);
          assert.equal(readMemValue(TEST_DATA + w / 8, 1), 0xeen, `${what}: byte after the operand`);
        } else {
          assert.equal(c.getReg(RDX), expectedRegister(w, exp.r), `${what}: register`);
        }
        assert.equal(flagText(c.rflags & STATUS), flagText(exp.flags & STATUS), `${what}: flags`);
        checks++;
      }
    }
  }
  return checks;
}

describe('shift/rotate: SHL SAL SHR SAR ROL ROR RCL RCR', () => {
  for (const op of ['shl', 'sal', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr'] as const) {
    for (const w of WIDTHS) {
      it(`${op} ${w}-bit: imm8, CL and 1 forms, register and memory, counts 0..70 and beyond the mask`, () => {
        let n = 0;
        for (const form of ['imm', 'cl', 'one'] as const) {
          n += checkShift(op, w, form, false);
          n += checkShift(op, w, form, true);
        }
        assert.ok(n > 1000);
      });
    }
  }
});

describe('shift/rotate: SHLD SHRD', () => {
  for (const op of ['shld', 'shrd'] as const) {
    for (const w of [16, 32, 64]) {
      it(`${op} ${w}-bit: imm8 and CL, register and memory destinations, counts 0..70 and beyond`, () => {
        for (const cl of [false, true]) {
          for (const memory of [false, true]) {
            for (const count of COUNTS) {
              const code = encDouble(op, w, cl, memory, count);
              const ds = valuesFor(w);
              const ss = valuesFor(w).reverse();
              for (let i = 0; i < ds.length; i++) {
                const d = ds[i];
                const s = ss[(i * 5) % ss.length];
                for (const flagsIn of FLAG_INPUTS) {
                  const regs: Record<number, bigint> = {
                    0: (GARBAGE & ~mask(w)) | s,
                    [RCX]: cl ? 0xabcd00n | BigInt(count) : 0n,
                    [RBX]: BigInt(TEST_DATA),
                  };
                  if (!memory) regs[RDX] = (GARBAGE & ~mask(w)) | d;
                  const c = exec(code, regs, flagsIn, memory ? { at: TEST_DATA, bytes: [...leBytes(d, w / 8), 0xee] } : undefined);
                  const exp = refDouble(op, w, d, s, count, flagsIn);
                  const what = `${op}${w} ${cl ? 'cl' : 'imm'} ${memory ? 'mem' : 'reg'} count=${count} d=0x${d.toString(16)} s=0x${s.toString(16)}`;
                  if (memory) assert.equal(readMemValue(TEST_DATA, w / 8), exp.r, `${what}: result`);
                  else assert.equal(c.getReg(RDX), expectedRegister(w, exp.r), `${what}: register`);
                  assert.equal(c.getReg(0), (GARBAGE & ~mask(w)) | s, `${what}: source unchanged`);
                  assert.equal(flagText(c.rflags & STATUS), flagText(exp.flags & STATUS), `${what}: flags`);
                }
              }
            }
          }
        }
      });
    }
  }
});

describe('shift/rotate: hand-checked cases (bytes from GNU as)', () => {
  it('shl al,1 (d0 e0): 0x80 -> 0, CF=1 OF=1 ZF=1 PF=1, AF=0', () => {
    const c = exec([0xd0, 0xe0], { 0: 0x80n }, 0x202 | AF);
    assert.equal(c.getReg(0), 0n);
    assert.equal(flagText(c.rflags & STATUS), 'CF PF ZF OF');
  });

  it('shl al,1: 0x40 -> 0x80, CF=0 OF=1 SF=1', () => {
    const c = exec([0xd0, 0xe0], { 0: 0x40n }, 0x202);
    assert.equal(c.getReg(0), 0x80n);
    assert.equal(flagText(c.rflags & STATUS), 'SF OF');
  });

  it('shlb (%rbx) (d0 23) shifts the byte in memory', () => {
    exec([0xd0, 0x23], { [RBX]: BigInt(TEST_DATA) }, 0x202, { at: TEST_DATA, bytes: [0xc1, 0x77] });
    assert.equal(readMemValue(TEST_DATA, 2), 0x7782n);
    assert.equal(flagText(cpu.rflags & STATUS), 'CF PF SF');
  });

  it('shl rax,cl (48 d3 e0) masks the count to 6 bits: cl=64 changes nothing, cl=65 shifts by 1', () => {
    let c = exec([0x48, 0xd3, 0xe0], { 0: 0x8000000000000001n, [RCX]: 64n }, 0x202 | OF | SF);
    assert.equal(c.getReg(0), 0x8000000000000001n);
    assert.equal(flagText(c.rflags & STATUS), 'SF OF');
    c = exec([0x48, 0xd3, 0xe0], { 0: 0x8000000000000001n, [RCX]: 65n }, 0x202);
    assert.equal(c.getReg(0), 2n);
    assert.equal(flagText(c.rflags & STATUS), 'CF OF');
  });

  it('sar eax,31 (c1 f8 1f): sign fill, CF = bit 30, OF = 0', () => {
    const c = exec([0xc1, 0xf8, 0x1f], { 0: 0xffffffff_c0000000n }, 0x202 | OF);
    assert.equal(c.getReg(0), 0xffffffffn); // 32-bit write clears the upper half
    assert.equal(flagText(c.rflags & STATUS), 'CF PF SF');
  });

  it('shl eax,0 (c1 e0 00): no flag changes, but the 32-bit write clears the upper half', () => {
    const c = exec([0xc1, 0xe0, 0x00], { 0: 0x1234567800000000n | 0x80n }, 0x202 | CF | ZF | AF);
    assert.equal(c.getReg(0), 0x80n);
    assert.equal(flagText(c.rflags & STATUS), 'CF AF ZF');
  });

  it('rcl dl,9 (c0 d2 09): 9 mod 9 = 0, nothing changes (CF and OF kept)', () => {
    const c = exec([0xc0, 0xd2, 0x09], { [RDX]: 0x80n }, 0x202 | OF);
    assert.equal(c.getReg(RDX), 0x80n);
    assert.equal(flagText(c.rflags & STATUS), 'OF');
  });

  it('rcl dl,1 with CF=1: 0x80 -> 0x01, CF=1, OF = MSB(result) ^ CF = 1', () => {
    const c = exec([0xd0, 0xd2], { [RDX]: 0x80n }, 0x202 | CF);
    assert.equal(c.getReg(RDX), 0x01n);
    assert.equal(flagText(c.rflags & STATUS), 'CF OF');
  });

  it('rol bl,8 (c0 c3 08): value unchanged, CF = LSB, OF = MSB ^ CF; SF ZF PF AF untouched', () => {
    const c = exec([0xc0, 0xc3, 0x08], { [RBX]: 0x81n }, 0x202 | ZF | PF | AF);
    assert.equal(c.getReg(RBX), 0x81n);
    assert.equal(flagText(c.rflags & STATUS), 'CF PF AF ZF');
  });

  it('rcr r9w,cl (66 41 d3 d9) with cl=17: 17 mod 17 = 0, nothing changes', () => {
    const c = exec([0x66, 0x41, 0xd3, 0xd9], { 9: 0xffff_0000_1234n, [RCX]: 17n }, 0x202 | CF);
    assert.equal(c.getReg(9), 0xffff_0000_1234n);
    assert.equal(flagText(c.rflags & STATUS), 'CF');
  });

  it('rcr r9w,cl with cl=1 and CF=1: 0x0001 -> 0x8000, CF=1, OF=1', () => {
    const c = exec([0x66, 0x41, 0xd3, 0xd9], { 9: 0x5555_0000_0001n, [RCX]: 1n }, 0x202 | CF);
    assert.equal(c.getReg(9), 0x5555_0000_8000n);
    assert.equal(flagText(c.rflags & STATUS), 'CF OF');
  });

  it('shr dh,1 (d0 ee) works on the high byte register', () => {
    const c = exec([0xd0, 0xee], { [RDX]: 0x1234_81ffn }, 0x202);
    assert.equal(c.getReg(RDX), 0x1234_40ffn);
    assert.equal(flagText(c.rflags & STATUS), 'CF OF');
  });

  it('shld ax,bx,20 (66 0f a4 d8 14): 16-bit count > 16 uses DEST:SRC:DEST (documented model)', () => {
    // DEST:SRC:DEST = 1234:abcd:1234; << 20, top 16 bits = bits 12..27 of abcd1234 -> 0xbcd1.
    const c = exec([0x66, 0x0f, 0xa4, 0xd8, 0x14], { 0: 0x1234n, [RBX]: 0xabcdn }, 0x202);
    assert.equal(c.getReg(0), 0xbcd1n);
    // CF = bit 48-20 = 28 of the 48-bit value = bit 12 of SRC (0xabcd: 0); OF = MSB ^ CF = 1.
    assert.equal(flagText(c.rflags & STATUS), 'PF SF OF');
  });

  it('shrd ax,bx,20 (66 0f ac d8 14): 16-bit count > 16 uses DEST:SRC:DEST (documented model)', () => {
    // bits 20..35 of 1234:abcd:1234 = bits 4..19 of 1234abcd -> 0x4abc.
    const c = exec([0x66, 0x0f, 0xac, 0xd8, 0x14], { 0: 0x1234n, [RBX]: 0xabcdn }, 0x202);
    assert.equal(c.getReg(0), 0x4abcn);
    // CF = bit 19 of the 48-bit value = bit 3 of SRC (0xabcd: 1); OF = bit15 ^ bit14 = 0 ^ 1.
    assert.equal(flagText(c.rflags & STATUS), 'CF OF');
  });

  it('shld rax,rbx,cl (48 0f a5 d8) with cl=64 changes nothing; cl=8 shifts in the top byte of rbx', () => {
    let c = exec([0x48, 0x0f, 0xa5, 0xd8], { 0: 0x1122334455667788n, [RBX]: 0x99aabbccddeeff00n, [RCX]: 64n }, 0x202 | ZF);
    assert.equal(c.getReg(0), 0x1122334455667788n);
    assert.equal(flagText(c.rflags & STATUS), 'ZF');
    c = exec([0x48, 0x0f, 0xa5, 0xd8], { 0: 0x1122334455667788n, [RBX]: 0x99aabbccddeeff00n, [RCX]: 8n }, 0x202);
    assert.equal(c.getReg(0), 0x2233445566778899n);
    // CF = last bit out = bit 56 of rax (0x11: 1); OF = MSB(result) ^ CF = 0 ^ 1.
    assert.equal(flagText(c.rflags & STATUS), 'CF PF OF');
  });

  it('shrd $7,%ebx,(%rbx) (0f ac 1b 07) on memory', () => {
    exec([0x0f, 0xac, 0x1b, 0x07], { [RBX]: BigInt(TEST_DATA) }, 0x202, { at: TEST_DATA, bytes: [0x80, 0x00, 0x00, 0x00] });
    // 0x00000080 >> 7 with EBX's low 7 bits (0x00) entering at the top: EBX = 0x600000.
    assert.equal(readMemValue(TEST_DATA, 4), 1n);
    assert.equal(flagText(cpu.rflags & STATUS), '-');
  });
});
