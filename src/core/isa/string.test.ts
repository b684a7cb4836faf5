/**
 * MOVS STOS LODS CMPS SCAS (b/w/d/q) with REP/REPE/REPNE, DF = 0/1, 67h and FS/GS source
 * overrides, and XLAT, against an element-by-element reference of the SDM pseudo-code.
 */
import { strict as assert } from 'node:assert';
import { TEST_CODE, machineWithCode } from '../machine/bare-machine.js';
import { Access } from '../machine/paging.js';
import type { StopReason } from '../machine/cpu.js';
import { MAX_ITERATIONS } from './string.js';

const CF = 0x1;
const PF = 0x4;
const AF = 0x10;
const ZF = 0x40;
const SF = 0x80;
const OF = 0x800;
const DF = 0x400;
const STATUS = CF | PF | AF | ZF | SF | OF;
const RAX = 0;
const RCX = 1;
const RBX = 3;
const RSI = 6;
const RDI = 7;

const BASE = 0x1000000; // test region
const LEN = 0x30000;
/** The part of the region the reference model covers. */
const IMG = 0xc000;

const machine = machineWithCode(new Uint8Array(16));
machine.map(BASE, LEN, { write: true, user: true, exec: false });
const cpu = machine.cpu;
let loaded = '';

function load(code: number[]): void {
  const key = code.join(',');
  if (key !== loaded) {
    machine.load(TEST_CODE, Uint8Array.from(code));
    loaded = key;
  }
}

function start(code: number[], regs: Record<number, bigint>, flags: number): void {
  load(code);
  for (let s = 0; s < 16; s++) if (s !== 4) cpu.setReg(s, 0n);
  for (const [slot, v] of Object.entries(regs)) cpu.setReg(Number(slot), v);
  cpu.rflags = flags;
  cpu.rip = TEST_CODE;
}

/** Runs the instruction to completion (it may re-execute itself); returns the last stop. */
function finish(code: number[]): StopReason {
  let stop: StopReason = { kind: 'limit' };
  for (let i = 0; i < 100 && cpu.rip === TEST_CODE; i++) {
    stop = cpu.run(1);
    if (stop.kind !== 'limit') return stop;
  }
  assert.equal(cpu.rip, TEST_CODE + code.length, 'instruction finished');
  return stop;
}

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

let seed = 0x51f15eed;
function rand8(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) & 0xff;
}

const mask = (w: number) => (1n << BigInt(w)) - 1n;

/** Flags of CMP a, b at `bits` (a − b). */
function cmpFlags(a: bigint, b: bigint, bits: number): number {
  const m = mask(bits);
  const r = (a - b) & m;
  const sign = (v: bigint) => (v >> BigInt(bits - 1)) & 1n;
  let p = 0;
  for (let v = Number(r & 0xffn); v; v >>= 1) p += v & 1;
  return (
    (a < b ? CF : 0) |
    (p % 2 === 0 ? PF : 0) |
    (((a ^ b ^ r) >> 4n) & 1n ? AF : 0) |
    (r === 0n ? ZF : 0) |
    (sign(r) ? SF : 0) |
    (sign((a ^ b) & (a ^ r)) ? OF : 0)
  );
}

// ---- reference model on a byte image of [BASE, BASE+LEN) ----

type StrOp = 'movs' | 'stos' | 'lods' | 'cmps' | 'scas';

interface State {
  rax: bigint;
  rcx: bigint;
  rsi: bigint;
  rdi: bigint;
  flags: number;
  mem: Uint8Array;
}

function rd(mem: Uint8Array, a: bigint, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem[Number(a) - BASE + i]);
  return v;
}
function wr(mem: Uint8Array, a: bigint, n: number, v: bigint): void {
  for (let i = 0; i < n; i++) mem[Number(a) - BASE + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/** SDM semantics, 64-bit addressing: rep 0 none, 1 REP/REPE, 2 REPNE. */
function reference(op: StrOp, size: number, rep: number, s: State): State {
  const st = { ...s, mem: s.mem.slice() };
  const delta = BigInt(st.flags & DF ? -size : size);
  const bits = size * 8;
  const m64 = mask(64);
  const step = (): boolean => {
    // returns whether a REPE/REPNE condition stops the loop
    switch (op) {
      case 'movs':
        wr(st.mem, st.rdi, size, rd(st.mem, st.rsi, size));
        st.rsi = (st.rsi + delta) & m64;
        st.rdi = (st.rdi + delta) & m64;
        return false;
      case 'stos':
        wr(st.mem, st.rdi, size, st.rax & mask(bits));
        st.rdi = (st.rdi + delta) & m64;
        return false;
      case 'lods': {
        const v = rd(st.mem, st.rsi, size);
        st.rax = size >= 4 ? v : (st.rax & ~mask(bits)) | v;
        st.rsi = (st.rsi + delta) & m64;
        return false;
      }
      case 'cmps':
      case 'scas': {
        const a = op === 'cmps' ? rd(st.mem, st.rsi, size) : st.rax & mask(bits);
        const b = rd(st.mem, st.rdi, size);
        st.flags = (st.flags & ~STATUS) | cmpFlags(a, b, bits);
        if (op === 'cmps') st.rsi = (st.rsi + delta) & m64;
        st.rdi = (st.rdi + delta) & m64;
        const zf = (st.flags & ZF) !== 0;
        return rep === 1 ? !zf : rep === 2 ? zf : false;
      }
    }
  };
  if (rep === 0) {
    step();
    return st;
  }
  while (st.rcx !== 0n) {
    const stop = step();
    st.rcx = (st.rcx - 1n) & m64;
    if (stop) break;
  }
  return st;
}

const OPCODE: Record<StrOp, number> = { movs: 0xa4, stos: 0xaa, lods: 0xac, cmps: 0xa6, scas: 0xae };

function encode(op: StrOp, size: number, rep: number, extra: number[] = []): number[] {
  const out = [...extra];
  if (rep === 1) out.push(0xf3);
  if (rep === 2) out.push(0xf2);
  if (size === 2) out.push(0x66);
  if (size === 8) out.push(0x48);
  out.push(OPCODE[op] + (size === 1 ? 0 : 1));
  return out;
}

/** Physical address of a test-region page (the region is plain RAM: direct access is fine). */
function phys(linear: number): number {
  const pa = cpu.mem.inspectTranslate(linear, Access.Read);
  assert.ok(pa !== undefined);
  return pa;
}

function writeImage(img: Uint8Array): void {
  for (let off = 0; off < IMG; off += 0x1000) cpu.phys.bytes.set(img.subarray(off, off + 0x1000), phys(BASE + off));
}

function image(): Uint8Array {
  const out = new Uint8Array(IMG);
  for (let off = 0; off < IMG; off += 0x1000) out.set(cpu.phys.bytes.subarray(phys(BASE + off), phys(BASE + off) + 0x1000), off);
  return out;
}

function check(op: StrOp, size: number, rep: number, init: State, what: string): void {
  writeImage(init.mem);
  const code = encode(op, size, rep);
  start(code, { [RAX]: init.rax, [RCX]: init.rcx, [RSI]: init.rsi, [RDI]: init.rdi }, init.flags);
  const stop = finish(code);
  assert.equal(stop.kind, 'limit', `${what}: ${stop.kind === 'fault' ? stop.fault.describe() : stop.kind}`);
  const exp = reference(op, size, rep, init);
  assert.equal(cpu.getReg(RAX), exp.rax, `${what}: RAX`);
  assert.equal(cpu.getReg(RCX), exp.rcx, `${what}: RCX`);
  assert.equal(cpu.getReg(RSI), exp.rsi, `${what}: RSI`);
  assert.equal(cpu.getReg(RDI), exp.rdi, `${what}: RDI`);
  assert.equal(flagText(cpu.rflags & STATUS), flagText(exp.flags & STATUS), `${what}: flags`);
  assert.equal(cpu.rflags & DF, exp.flags & DF, `${what}: DF`);
  const got = image();
  for (let i = 0; i < IMG; i++) if (got[i] !== exp.mem[i]) assert.fail(`${what}: memory at BASE+0x${i.toString(16)}: ${got[i]} != ${exp.mem[i]}`);
}

function randomImage(equalRuns: boolean): Uint8Array {
  const img = new Uint8Array(IMG);
  for (let i = 0; i < IMG; i++) img[i] = equalRuns ? (rand8() < 4 ? rand8() : 0x41) : rand8();
  return img;
}

const SIZES = [1, 2, 4, 8];
const OPS: StrOp[] = ['movs', 'stos', 'lods', 'cmps', 'scas'];

describe('string: single and repeated MOVS STOS LODS CMPS SCAS', () => {
  for (const op of OPS) {
    for (const size of SIZES) {
      it(`${op} size ${size}: no prefix / REP(E) / REPNE, DF = 0 and 1, counts 0..300`, () => {
        for (const rep of [0, 1, 2]) {
          for (const df of [false, true]) {
            for (const count of [0, 1, 2, 3, 7, 33, 300]) {
              if (rep === 0 && count > 1) continue;
              const equalRuns = (op === 'cmps' || op === 'scas') && count !== 7;
              const mem = randomImage(equalRuns);
              const span = 300 * 8 + 64;
              const rsi = BigInt(BASE + 0x1000 + (df ? span : 0) + (rand8() & 15));
              const rdi = BigInt(BASE + 0x9000 + (df ? span : 0) + (rand8() & 15));
              const init: State = {
                rax: equalRuns ? 0x4141414141414141n : 0x1122334455667788n,
                rcx: BigInt(count),
                rsi,
                rdi,
                flags: 0x202 | (df ? DF : 0) | (count & 1 ? STATUS : 0),
                mem,
              };
              check(op, size, rep, init, `${op}${size} rep=${rep} df=${df} count=${count}`);
            }
          }
        }
      });
    }
  }

  it('REP with RCX = 0 changes nothing, flags included', () => {
    for (const op of OPS) {
      const init: State = { rax: 5n, rcx: 0n, rsi: BigInt(BASE), rdi: BigInt(BASE + 64), flags: 0x202 | CF | ZF, mem: randomImage(false) };
      check(op, 4, 1, init, `rep ${op} rcx=0`);
      assert.equal(flagText(cpu.rflags & STATUS), 'CF ZF');
    }
  });

  it('REPE CMPSB stops after the first difference; REPNE SCASB stops at the first match', () => {
    const mem = new Uint8Array(IMG);
    mem.set([1, 2, 3, 4, 5], 0);
    mem.set([1, 2, 3, 9, 5], 0x100);
    let init: State = { rax: 0n, rcx: 100n, rsi: BigInt(BASE), rdi: BigInt(BASE + 0x100), flags: 0x202, mem };
    check('cmps', 1, 1, init, 'repe cmpsb');
    assert.equal(cpu.getReg(RCX), 96n);
    assert.equal(cpu.getReg(RSI), BigInt(BASE + 4));
    assert.equal(flagText(cpu.rflags & STATUS), 'CF AF SF'); // 4 - 9 = 0xfb
    init = { ...init, rax: 0xff04n, rdi: BigInt(BASE) };
    check('scas', 1, 2, init, 'repne scasb');
    assert.equal(cpu.getReg(RCX), 96n);
    assert.equal(cpu.getReg(RDI), BigInt(BASE + 4));
    assert.equal(flagText(cpu.rflags & STATUS), 'PF ZF');
  });

  it('REP MOVS overlapping forward copies replicate like the element loop (all sizes, distances)', () => {
    for (const size of SIZES) {
      for (const dist of [1, 2, 3, 5, 8, 9, 64, 100]) {
        for (const count of [5, 200, 3000]) {
          const mem = randomImage(false);
          const rsi = BigInt(BASE + 0x2000 - 40);
          const init: State = { rax: 0n, rcx: BigInt(count), rsi, rdi: rsi + BigInt(dist), flags: 0x202, mem };
          check('movs', size, 1, init, `rep movs${size} overlap dist=${dist} count=${count}`);
        }
      }
    }
  });

  it('REP MOVS/STOS across several pages, unaligned, with source below and above the destination', () => {
    for (const size of SIZES) {
      for (const [src, dst] of [
        [0x0ffd, 0x8003],
        [0x8003, 0x0ffd],
        [0x1000, 0x5000],
        [0x4000, 0x3ffe],
      ]) {
        const count = Math.floor(0x3800 / size) + 3;
        const init: State = {
          rax: 0x8899aabbccddeeffn,
          rcx: BigInt(count),
          rsi: BigInt(BASE + src),
          rdi: BigInt(BASE + dst),
          flags: 0x202,
          mem: randomImage(false),
        };
        check('movs', size, 1, init, `rep movs${size} ${src.toString(16)}->${dst.toString(16)}`);
        check('stos', size, 1, init, `rep stos${size} at ${dst.toString(16)}`);
      }
    }
  });

  it('REPNE (F2) on MOVS/STOS/LODS acts as REP', () => {
    for (const op of ['movs', 'stos', 'lods'] as const) {
      const init: State = { rax: 7n, rcx: 9n, rsi: BigInt(BASE + 0x100), rdi: BigInt(BASE + 0x800), flags: 0x202, mem: randomImage(false) };
      check(op, 2, 2, init, `repne ${op}w`);
      assert.equal(cpu.getReg(RCX), 0n);
    }
  });
});

describe('string: restart, iteration limit and faults', () => {
  it(`a REP runs at most ${MAX_ITERATIONS} iterations per execution, then re-executes itself`, () => {
    const code = encode('stos', 1, 1);
    start(code, { [RAX]: 0x5an, [RCX]: BigInt(MAX_ITERATIONS + 10), [RDI]: BigInt(BASE) }, 0x202);
    let stop = cpu.run(1);
    assert.equal(stop.kind, 'limit');
    assert.equal(cpu.rip, TEST_CODE, 'RIP back at the instruction');
    assert.equal(cpu.getReg(RCX), 10n);
    assert.equal(cpu.getReg(RDI), BigInt(BASE + MAX_ITERATIONS));
    stop = cpu.run(1);
    assert.equal(cpu.rip, TEST_CODE + code.length);
    assert.equal(cpu.getReg(RCX), 0n);
    assert.equal(cpu.mem.peek(BASE + MAX_ITERATIONS + 9, 1)[0], 0x5a);
    // A 64-bit count above 2^32 is not truncated.
    start(code, { [RAX]: 1n, [RCX]: 0x1_0000_0003n, [RDI]: BigInt(BASE) }, 0x202);
    cpu.run(1);
    assert.equal(cpu.getReg(RCX), 0x1_0000_0003n - BigInt(MAX_ITERATIONS));
    assert.equal(cpu.rip, TEST_CODE);
  });

  it('REPE CMPS that stops early does not re-execute', () => {
    const mem = new Uint8Array(IMG);
    mem[0x10] = 1; // differs from the zero at the destination
    writeImage(mem);
    machine.load(BASE + 0x20000, new Uint8Array(0x20));
    const code = encode('cmps', 1, 1);
    start(code, { [RCX]: BigInt(MAX_ITERATIONS * 3), [RSI]: BigInt(BASE), [RDI]: BigInt(BASE + 0x20000) }, 0x202);
    cpu.run(1);
    assert.equal(cpu.rip, TEST_CODE + code.length);
    assert.equal(cpu.getReg(RCX), BigInt(MAX_ITERATIONS * 3 - 0x11));
  });

  for (const name of ['source', 'destination'] as const) {
    for (const size of [1, 8]) {
      it(`a #PF on the ${name} in the middle of REP MOVS (size ${size}) leaves RSI/RDI/RCX at the faulting element; the restart completes`, () => {
        // 1006 bytes before the end of the mapped region on one side; the next page is unmapped.
        const near = BASE + LEN - 1006;
        const rsi = name === 'source' ? near : BASE + 0x1000;
        const rdi = name === 'source' ? BASE + 0x1000 : near;
        const src = Uint8Array.from({ length: 1006 }, () => rand8());
        machine.load(rsi, src);
        const code = encode('movs', size, 1);
        const count = 2000 / size;
        start(code, { [RCX]: BigInt(count), [RSI]: BigInt(rsi), [RDI]: BigInt(rdi) }, 0x202);
        const stop = cpu.run(1);
        assert.equal(stop.kind, 'fault');
        if (stop.kind === 'fault') assert.equal(stop.fault.vector, 14);
        assert.equal(cpu.rip, TEST_CODE);
        // Elements wholly inside the mapped region were copied; the first one reaching past it faulted.
        const doneElems = Math.floor(1006 / size);
        assert.equal(cpu.getReg(RCX), BigInt(count - doneElems));
        assert.equal(cpu.getReg(RSI), BigInt(rsi + doneElems * size));
        assert.equal(cpu.getReg(RDI), BigInt(rdi + doneElems * size));
        assert.deepEqual(Array.from(cpu.mem.peek(rdi, doneElems * size)), Array.from(src.subarray(0, doneElems * size)));
        // Map the next page and resume: the instruction restarts where it stopped.
        machine.map(BASE + LEN, 0x1000, { write: true, user: true, exec: false });
        try {
          assert.equal(finish(code).kind, 'limit');
          assert.equal(cpu.getReg(RCX), 0n);
          assert.equal(cpu.getReg(RSI), BigInt(rsi + 2000));
          assert.equal(cpu.getReg(RDI), BigInt(rdi + 2000));
        } finally {
          machine.unmap(BASE + LEN, 0x1000);
        }
      });
    }
  }

  it('REPE CMPSQ faulting on the destination keeps the flags of the last completed compare', () => {
    machine.load(BASE, new Uint8Array(16));
    machine.load(BASE + LEN - 16, new Uint8Array(16));
    const code = encode('cmps', 8, 1);
    start(code, { [RCX]: 10n, [RSI]: BigInt(BASE), [RDI]: BigInt(BASE + LEN - 16) }, 0x202 | CF);
    const stop = cpu.run(1);
    assert.equal(stop.kind, 'fault');
    assert.equal(cpu.getReg(RCX), 8n);
    assert.equal(flagText(cpu.rflags & STATUS), 'PF ZF');
  });

  it('SSE2 movsd/cmpsd (same mnemonics as the string forms) raise #UD naming them', () => {
    for (const code of [
      [0xf2, 0x0f, 0x10, 0xc1], // movsd %xmm1, %xmm0
      [0xf2, 0x0f, 0xc2, 0xc1, 0x00], // cmpeqsd %xmm1, %xmm0
    ]) {
      start(code, {}, 0x202);
      const stop = cpu.run(1);
      assert.equal(stop.kind, 'fault');
      if (stop.kind === 'fault') {
        assert.equal(stop.fault.vector, 6);
        assert.match(stop.fault.detail ?? '', /sd/);
      }
    }
  });
});

describe('string: address size and segment overrides', () => {
  before(() => {
    machine.map(0xfffff000, 0x1000, { write: true, user: true, exec: false });
    machine.map(0, 0x1000, { write: true, user: true, exec: false });
  });
  after(() => {
    machine.unmap(0xfffff000, 0x1000);
    machine.unmap(0, 0x1000);
  });

  it('67h: ESI/EDI/ECX are used zero-extended, wrap at 4 GiB, and are written back as 32-bit registers', () => {
    machine.load(0xfffffffe, Uint8Array.from([0x11, 0x22]));
    machine.load(0, Uint8Array.from([0x33, 0x44, 0x55]));
    // 67 f3 a4: rep movsb with ESI = 0xfffffffe, EDI = BASE; upper halves are garbage.
    const code = [0x67, 0xf3, 0xa4];
    start(code, { [RSI]: 0xdead_0000_ffff_fffen, [RDI]: 0xbeef_0000_0000_0000n | BigInt(BASE), [RCX]: 0x7777_0000_0000_0005n }, 0x202);
    assert.equal(finish(code).kind, 'limit');
    assert.deepEqual(Array.from(cpu.mem.peek(BASE, 5)), [0x11, 0x22, 0x33, 0x44, 0x55]);
    assert.equal(cpu.getReg(RSI), 3n);
    assert.equal(cpu.getReg(RDI), BigInt(BASE + 5));
    assert.equal(cpu.getReg(RCX), 0n);
    // DF = 1 going down through 0: 67 ac (lodsb) at ESI = 0 then 0xffffffff.
    machine.load(0xffffffff, Uint8Array.from([0x99]));
    const lods = [0x67, 0xac];
    start(lods, { [RSI]: 0x1234_0000_0000_0000n }, 0x202 | DF);
    assert.equal(finish(lods).kind, 'limit');
    assert.equal(cpu.getReg(RAX) & 0xffn, 0x33n);
    assert.equal(cpu.getReg(RSI), 0xffffffffn);
    cpu.rip = TEST_CODE;
    assert.equal(finish(lods).kind, 'limit');
    assert.equal(cpu.getReg(RAX) & 0xffn, 0x99n);
    assert.equal(cpu.getReg(RSI), 0xfffffffen);
  });

  it('FS/GS override applies to the source of LODS and CMPS (not to the ES destination)', () => {
    machine.load(BASE + 0x2000, Uint8Array.from([0xab, 0xcd]));
    machine.load(BASE + 0x100, Uint8Array.from([0xab, 0xcd]));
    cpu.fsBase = BASE + 0x2000;
    cpu.gsBase = BASE + 0x1000;
    try {
      // 64 66 ad: lodsw %fs:(%rsi)
      start([0x64, 0x66, 0xad], { [RSI]: 0n }, 0x202);
      assert.equal(finish([0x64, 0x66, 0xad]).kind, 'limit');
      assert.equal(cpu.getReg(RAX), 0xcdabn);
      assert.equal(cpu.getReg(RSI), 2n);
      // 65 a6: cmpsb %gs:(%rsi), %es:(%rdi): GS base + 0x1000 = BASE + 0x2000 vs BASE + 0x100
      start([0x65, 0xa6], { [RSI]: 0x1000n, [RDI]: BigInt(BASE + 0x100) }, 0x202);
      assert.equal(finish([0x65, 0xa6]).kind, 'limit');
      assert.equal(flagText(cpu.rflags & STATUS), 'PF ZF');
    } finally {
      cpu.fsBase = 0;
      cpu.gsBase = 0;
    }
  });

  it('MOVS: an FS override applies to the [RSI] source, not to ES:[RDI]', () => {
    // fs rep movsb
    machine.load(BASE + 0x3000, Uint8Array.from([1, 2, 3]));
    cpu.fsBase = BASE + 0x3000;
    try {
      start([0x64, 0xf3, 0xa4], { [RSI]: 0n, [RDI]: BigInt(BASE + 0x10), [RCX]: 3n }, 0x202);
      assert.equal(finish([0x64, 0xf3, 0xa4]).kind, 'limit');
      assert.deepEqual(Array.from(cpu.mem.peek(BASE + 0x10, 3)), [1, 2, 3]);
      assert.equal(cpu.getReg(RSI), 3n);
      assert.equal(cpu.getReg(RDI), BigInt(BASE + 0x13));
    } finally {
      cpu.fsBase = 0;
    }
  });


  it('XLAT: AL = [RBX + zero-extended AL], with FS override', () => {
    const table = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    machine.load(BASE + 0x4000, table);
    start([0xd7], { [RAX]: 0x1234_56f0n, [RBX]: BigInt(BASE + 0x4000) }, 0x202);
    assert.equal(finish([0xd7]).kind, 'limit');
    assert.equal(cpu.getReg(RAX), 0x1234_560fn);
    cpu.fsBase = BASE;
    try {
      start([0x64, 0xd7], { [RAX]: 0x80n, [RBX]: 0x4000n }, 0x202);
      assert.equal(finish([0x64, 0xd7]).kind, 'limit');
      assert.equal(cpu.getReg(RAX), 0x7fn);
    } finally {
      cpu.fsBase = 0;
    }
  });

  it('XLAT with 67h wraps EBX + AL at 4 GiB', () => {
    machine.load(0, Uint8Array.from([0x5c]));
    // addr32 xlat: EBX + AL = 0xffffff80 + 0x80 = 2^32 → wraps to 0
    start([0x67, 0xd7], { [RBX]: 0xaaaa_bbbb_ffff_ff80n, [RAX]: 0x180n }, 0x202);
    assert.equal(finish([0x67, 0xd7]).kind, 'limit');
    assert.equal(cpu.getReg(RAX), 0x15cn);
  });
});
