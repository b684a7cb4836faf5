import { strict as assert } from 'node:assert';
import { asm, errorsOf, sectionHex } from './gas.test-support.js';

const bytes = (src: string) => sectionHex(`.data\n${src}`);

describe('gas conditionals', () => {
  it('.if / .elseif / .else / .endif, nested, with skipped branches not evaluated', () => {
    assert.equal(bytes('X = 3\n.if X == 3\n.byte 1\n.elseif X == 4\n.byte 2\n.else\n.byte 3\n.endif\n'), '01');
    assert.equal(bytes('.if 0\n.byte 1\n.elseif 1\n.byte 2\n.if 0\n.byte 3\n.else\n.byte 4\n.endif\n.else\n.byte 5\n.endif\n'), '0204');
    assert.equal(bytes('.if 0\n.if undefined_symbol\n.byte 1\n.endif\n.unknown_directive\n.else\n.byte 2\n.endif\n'), '02');
  });
  it('compares with zero: .ifeq .ifne .ifgt .ifge .iflt .ifle', () => {
    assert.equal(bytes('.ifeq 0\n.byte 1\n.endif\n.ifne 0\n.byte 2\n.endif\n.ifgt 1\n.byte 3\n.endif\n.ifge -1\n.byte 4\n.endif\n.iflt -1\n.byte 5\n.endif\n.ifle 1\n.byte 6\n.endif\n'), '010305');
  });
  it('tests definitions, blanks and strings', () => {
    assert.equal(bytes('X = 1\n.ifdef X\n.byte 1\n.endif\n.ifndef Y\n.byte 2\n.endif\n.long Z\n.ifdef Z\n.byte 3\n.endif\n'), '0102' + '00000000');
    assert.equal(bytes('.ifb\n.byte 1\n.endif\n.ifnb x\n.byte 2\n.endif\n.ifc a,a\n.byte 3\n.endif\n.ifnc a,b\n.byte 4\n.endif\n.ifeqs "x", "x"\n.byte 5\n.endif\n.ifnes "x", "y"\n.byte 6\n.endif\n'), '010203040506');
  });
  it('works inside macros (.ifc on a register argument)', () => {
    assert.equal(bytes('.macro pick r\n.ifc \\r, %rsp\n.byte 1\n.else\n.byte 2\n.endif\n.endm\npick %rsp\npick %rax\n'), '0102');
  });
  it('needs constants and balanced directives', () => {
    assert.deepEqual(errorsOf(asm('.if x\n.endif\n')), ['non-constant expression in ".if" statement']);
    assert.deepEqual(errorsOf(asm('.else\n.endif\n.elseif 1\n')), ['".else" without matching ".if"', '".endif" without ".if"', '".elseif" without matching ".if"']);
    assert.deepEqual(errorsOf(asm('.if 1\n.byte 1\n')), ['end of file inside conditional']);
    assert.deepEqual(errorsOf(asm('.macro m\n.if 1\n.endm\nm\n')), ['end of macro inside conditional']);
  });
});

describe('gas numeric local labels', () => {
  it('resolves Nb to the latest and Nf to the next definition', () => {
    assert.equal(bytes('b: 1: .byte 1\n.byte 1b - b, 1f - b\n1: .byte 2\n.byte 1b - b, 2f - 1b\n2: .byte 3\n'), '01' + '0003' + '02' + '0303' + '03');
  });
  it('gives each macro expansion its own instance', () => {
    assert.equal(bytes('base:\n.macro m\n1: .byte 1b - base\n.endm\nm\nm\n.rept 2\n2: .byte 2b - base\n.endr\n'), '00010203');
  });
  it('reports unknown references', () => {
    assert.deepEqual(errorsOf(asm('.data\n.byte 3b\n')), ['backward ref to unknown label "3:"']);
    assert.deepEqual(errorsOf(asm('.data\n.byte 4f\n')), ["local label `\"4\" (instance number 1 of a fb label)' is not defined"]);
  });
  it('keeps .L and numeric labels out of the symbol table', () => {
    const r = asm('.data\n1: .Lx: y: .byte 0\n.long 1b, .Lx, y\n');
    assert.deepEqual(r.module!.symbols.filter((s) => s.type !== 'section').map((s) => s.name), ['y']);
    assert.equal(r.symbols.get('.Lx')?.kind, 'label');
  });
});
