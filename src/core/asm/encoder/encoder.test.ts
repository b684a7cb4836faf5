// Unit tests of the instruction encoder: API shape, error messages, fixups and branch forms.
// (The byte-for-byte comparison with GNU as is test/asm-encoder.test.ts.)
import { strict as assert } from 'node:assert';
import type { AsmValue } from '../object.js';
import { encodeInstruction, type AsmOperand, type EncodeRequest, type EncodeResult } from './index.js';

const C = (value: bigint | number): AsmValue => ({ kind: 'constant', value: BigInt(value) });
const S = (symbol: string, addend = 0n): AsmValue => ({ kind: 'symbol', symbol, addend });
const reg = (name: string): AsmOperand => ({ kind: 'reg', name });
const imm = (v: AsmValue | number): AsmOperand => ({ kind: 'imm', value: typeof v === 'number' ? C(v) : v });
const mem = (m: Omit<Extract<AsmOperand, { kind: 'mem' }>, 'kind'>): AsmOperand => ({ kind: 'mem', ...m });
const target = (v: AsmValue | number): AsmOperand => ({ kind: 'target', value: typeof v === 'number' ? C(v) : v });

function enc(mnemonic: string, operands: AsmOperand[] = [], extra: Partial<EncodeRequest> = {}): EncodeResult {
  return encodeInstruction({ mnemonic, prefixes: [], operands, indirect: false, address: 0n, ...extra });
}

function hex(r: EncodeResult): string {
  if (!r.ok) throw new Error(`expected success, got: ${r.message}`);
  return Array.from(r.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function error(r: EncodeResult): string {
  assert.equal(r.ok, false, 'expected an error');
  return (r as { message: string }).message;
}

describe('asm encoder', () => {
  describe('encodings', () => {
    it('picks the forms GAS picks', () => {
      assert.equal(hex(enc('add', [reg('eax'), reg('ebx')])), '01 c3');
      assert.equal(hex(enc('add', [imm(0x80), reg('eax')])), '05 80 00 00 00');
      assert.equal(hex(enc('add', [imm(1), reg('ax')])), '66 83 c0 01');
      assert.equal(hex(enc('movq', [imm(1), reg('rax')])), '48 c7 c0 01 00 00 00');
      assert.equal(hex(enc('mov', [imm(0xffffffff), reg('rax')])), '48 b8 ff ff ff ff 00 00 00 00');
      assert.equal(hex(enc('mov', [imm(1), reg('r9d')])), '41 b9 01 00 00 00');
      assert.equal(hex(enc('shl', [imm(1), reg('eax')])), 'd1 e0');
      assert.equal(hex(enc('int', [imm(3)])), 'cc');
      assert.equal(hex(enc('xchg', [reg('eax'), reg('eax')])), '87 c0');
      assert.equal(hex(enc('nopl', [mem({ disp: C(0), base: 'rax' })])), '0f 1f 00');
      assert.equal(hex(enc('mov', [mem({ base: 'rbp' }), reg('eax')])), '8b 45 00');
      assert.equal(hex(enc('mov', [mem({ base: 'r12', index: 'rcx', scale: 8, disp: C(-8) }), reg('r8')])), '4d 8b 44 cc f8');
      assert.equal(hex(enc('mov', [mem({ segment: 'fs', disp: C(0x28) }), reg('rax')])), '64 48 8b 04 25 28 00 00 00');
      assert.equal(hex(enc('movzbl', [mem({ base: 'rsi' }), reg('eax')])), '0f b6 06');
      assert.equal(hex(enc('cltq')), '48 98');
      assert.equal(hex(enc('sysretq')), '48 0f 07');
      assert.equal(hex(enc('swapgs')), '0f 01 f8');
      assert.equal(hex(enc('mov', [reg('cr3'), reg('rax')])), '0f 20 d8');
      assert.equal(hex(enc('lgdt', [mem({ base: 'rip', disp: C(0x10) })])), '0f 01 15 10 00 00 00');
      assert.equal(hex(enc('jmp', [reg('rax')], { indirect: true })), 'ff e0');
      assert.equal(hex(enc('call', [mem({ base: 'rbx', disp: C(8) })], { indirect: true })), 'ff 53 08');
      // SSE (legacy encoding) is covered too.
      assert.equal(hex(enc('movaps', [reg('xmm0'), reg('xmm9')])), '44 0f 28 c8');
      assert.equal(hex(enc('movq', [reg('rax'), reg('xmm1')])), '66 48 0f 6e c8');
      assert.equal(hex(enc('cmpltsd', [mem({ base: 'rdi' }), reg('xmm2')])), 'f2 0f c2 17 01');
    });

    it('orders prefixes as GAS does and drops default segments', () => {
      assert.equal(hex(enc('addw', [imm(1), mem({ segment: 'fs', base: 'eax' })], { prefixes: ['lock'] })), '64 67 66 f0 83 00 01');
      assert.equal(hex(enc('movsb', [], { prefixes: ['rep'] })), 'f3 a4');
      assert.equal(hex(enc('mov', [mem({ segment: 'ds', base: 'rax' }), reg('eax')])), '8b 00');
      assert.equal(hex(enc('mov', [mem({ segment: 'ss', base: 'rbp' }), reg('eax')])), '8b 45 00');
      assert.equal(hex(enc('mov', [mem({ segment: 'ds', base: 'rbp' }), reg('eax')])), '3e 8b 45 00');
    });

    it('emits a prefix written alone', () => {
      assert.equal(hex(enc('lock')), 'f0');
      assert.equal(hex(enc('rex.w')), '48');
    });

    it('reports truncated immediates as warnings, like GAS', () => {
      const r = enc('movb', [imm(0x100), reg('al')]);
      assert.equal(hex(r), 'b0 00');
      assert.deepEqual(r.ok && r.warnings, ['0x100 shortened to 0x0']);
    });
  });

  describe('fixups', () => {
    it('uses the field width and signedness of the form', () => {
      const r1 = enc('movl', [imm(S('sym')), reg('eax')]);
      assert.equal(hex(r1), 'b8 00 00 00 00');
      assert.deepEqual(r1.ok && r1.fixups, [{ offset: 1, size: 4, kind: 'abs', symbol: 'sym', addend: 0n }]);
      const r2 = enc('movq', [imm(S('sym', 8n)), reg('rax')]);
      assert.equal(hex(r2), '48 c7 c0 00 00 00 00');
      assert.deepEqual(r2.ok && r2.fixups, [{ offset: 3, size: 4, kind: 'abs-signed', symbol: 'sym', addend: 8n }]);
      const r3 = enc('movabs', [imm(S('sym')), reg('rax')]);
      assert.deepEqual(r3.ok && r3.fixups, [{ offset: 2, size: 8, kind: 'abs', symbol: 'sym', addend: 0n }]);
      const r4 = enc('mov', [mem({ disp: S('sym') }), reg('eax')]);
      assert.deepEqual(r4.ok && r4.fixups, [{ offset: 3, size: 4, kind: 'abs-signed', symbol: 'sym', addend: 0n }]);
      const r5 = enc('int', [imm(S('vec'))]);
      assert.deepEqual(r5.ok && r5.fixups, [{ offset: 1, size: 1, kind: 'abs', symbol: 'vec', addend: 0n }]);
    });

    it('gives pc-relative fixups the addend GAS uses (minus the bytes after the field)', () => {
      const r1 = enc('mov', [mem({ base: 'rip', disp: S('x') }), reg('eax')]);
      assert.deepEqual(r1.ok && r1.fixups, [{ offset: 2, size: 4, kind: 'pcrel', symbol: 'x', addend: -4n }]);
      const r2 = enc('movl', [imm(5), mem({ base: 'rip', disp: S('x', 16n) })]);
      assert.equal(hex(r2), 'c7 05 00 00 00 00 05 00 00 00');
      assert.deepEqual(r2.ok && r2.fixups, [{ offset: 2, size: 4, kind: 'pcrel', symbol: 'x', addend: 8n }]);
      const r3 = enc('call', [target(S('f'))]);
      assert.equal(hex(r3), 'e8 00 00 00 00');
      assert.deepEqual(r3.ok && r3.fixups, [{ offset: 1, size: 4, kind: 'pcrel', symbol: 'f', addend: -4n }]);
    });
  });

  describe('branches and relaxation', () => {
    it('picks short for a constant target in range, near otherwise', () => {
      const short = enc('jmp', [target(0x1010)], { address: 0x1000n });
      assert.equal(hex(short), 'eb 0e');
      assert.equal(short.ok && short.relaxable, true);
      assert.equal(hex(enc('jne', [target(0x1000)], { address: 0x1000n })), '75 fe');
      assert.equal(hex(enc('jmp', [target(0x2000)], { address: 0x1000n })), 'e9 fb 0f 00 00');
      assert.equal(hex(enc('je', [target(0x800)], { address: 0x1000n })), '0f 84 fa f7 ff ff');
    });

    it('honours the form the caller asks for', () => {
      assert.equal(hex(enc('jmp', [target(0x1010)], { address: 0x1000n, branch: 'near' })), 'e9 0b 00 00 00');
      assert.equal(hex(enc('jg', [target(0x1010)], { address: 0x1000n, branch: 'near' })), '0f 8f 0a 00 00 00');
      assert.match(error(enc('jmp', [target(0x2000)], { address: 0x1000n, branch: 'short' })), /out of range/);
    });

    it('encodes symbolic targets near by default, short (PC8) on request', () => {
      const near = enc('jmp', [target(S('L'))]);
      assert.equal(hex(near), 'e9 00 00 00 00');
      assert.deepEqual(near.ok && near.fixups, [{ offset: 1, size: 4, kind: 'pcrel', symbol: 'L', addend: -4n }]);
      const short = enc('je', [target(S('L', 2n))], { branch: 'short' });
      assert.equal(hex(short), '74 00');
      assert.deepEqual(short.ok && short.fixups, [{ offset: 1, size: 1, kind: 'pcrel', symbol: 'L', addend: 1n }]);
      assert.equal(short.ok && short.relaxable, true);
    });

    it('marks only jmp/jcc with a direct target as relaxable', () => {
      const call = enc('call', [target(0x10)]);
      assert.equal(call.ok && call.relaxable, false);
      const loop = enc('loop', [target(0x10)]);
      assert.equal(hex(loop), 'e2 0e');
      assert.equal(loop.ok && loop.relaxable, false);
      const ind = enc('jmp', [reg('rax')], { indirect: true });
      assert.equal(ind.ok && ind.relaxable, false);
    });

    it('rejects rel8-only branches whose target is out of range', () => {
      assert.match(error(enc('loop', [target(0x1000)], { address: 0n })), /jump target out of range for `loop'/);
      assert.match(error(enc('jrcxz', [target(-0x100)], { address: 0n })), /out of range/);
      assert.equal(hex(enc('jecxz', [target(2)])), '67 e3 ff');
    });
  });

  describe('errors (GAS messages, never an exception)', () => {
    it('unknown and unsupported instructions', () => {
      assert.equal(error(enc('foo')), "no such instruction: `foo'");
      assert.match(error(enc('fadd', [reg('st')])), /^unsupported instruction `fadd'/);
      assert.match(error(enc('vaddps', [reg('xmm0'), reg('xmm1'), reg('xmm2')])), /^unsupported instruction `vaddps'/);
      assert.match(error(enc('paddb', [reg('mm0'), reg('mm1')])), /^unsupported register `%mm0'/);
      assert.equal(error(enc('add', [reg('foo'), reg('eax')])), "bad register name `%foo'");
    });

    it('suffixes and operand sizes', () => {
      assert.equal(error(enc('pushl', [reg('eax')])), "invalid instruction suffix for `push'");
      assert.equal(error(enc('addq', [reg('eax'), reg('ebx')])), "incorrect register `%ebx' used with `q' suffix");
      assert.equal(error(enc('add', [reg('eax'), reg('rax')])), "register type mismatch for `add'");
      assert.equal(error(enc('ud0')), "number of operands mismatch for `ud0'");
      assert.equal(error(enc('add', [imm(0x100000000), reg('rax')])), "operand type mismatch for `add'");
      assert.equal(error(enc('mov', [reg('cr0'), reg('eax')])), "operand type mismatch for `mov'");
    });

    it('prefixes', () => {
      assert.equal(error(enc('mov', [reg('eax'), mem({ base: 'rax' })], { prefixes: ['lock'] })), "expecting lockable instruction after `lock'");
      assert.equal(error(enc('add', [reg('eax'), mem({ base: 'rax' })], { prefixes: ['lock', 'lock'] })), 'same type of prefix used twice');
      assert.equal(error(enc('add', [reg('eax'), mem({ base: 'rax' })], { prefixes: ['rep'] })), "invalid instruction `add' after `rep'");
      assert.equal(error(enc('movb', [reg('ah'), reg('r8b')])), "can't encode register '%ah' in an instruction requiring REX prefix.");
      assert.equal(error(enc('push', [reg('ds')])), "operand type mismatch for `push'");
    });

    it('operands', () => {
      assert.equal(error(enc('mov', [reg('foo'), reg('eax')])), "bad register name `%foo'");
      assert.equal(error(enc('mov', [mem({ base: 'eax', index: 'rbx' }), reg('eax')])), "`(%eax,%rbx)' is not a valid base/index expression");
      assert.equal(error(enc('mov', [mem({ base: 'rax', disp: C(0xffffffff) }), reg('eax')])), '0xffffffff out of range of signed 32bit displacement');
    });

    it('never throws on nonsense', () => {
      const weird: EncodeRequest[] = [
        { mnemonic: '', prefixes: [], operands: [], indirect: false, address: 0n },
        { mnemonic: 'mov', prefixes: ['bogus'], operands: [], indirect: false, address: 0n },
        { mnemonic: 'mov', prefixes: [], operands: [imm(C(1n << 80n)), reg('rax')], indirect: true, address: -1n },
        { mnemonic: 'jmp', prefixes: [], operands: [target(C(1n << 70n))], indirect: false, address: 0n },
        { mnemonic: 'lea', prefixes: [], operands: [mem({ scale: 3 as 2 }), reg('eax')], indirect: false, address: 0n },
        { mnemonic: 'in', prefixes: [], operands: [mem({ base: 'dx' }), reg('al')], indirect: false, address: 0n },
      ];
      for (const w of weird) {
        const r = encodeInstruction(w);
        assert.equal(typeof r.ok, 'boolean');
      }
    });
  });
});
