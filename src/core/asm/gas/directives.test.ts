import { strict as assert } from 'node:assert';
import { asm, errorsOf, hex, sectionHex } from './gas.test-support.js';

describe('gas data directives', () => {
  it('emits integers of every size, little-endian', () => {
    assert.equal(sectionHex('.data\n.byte 1, -1\n.word 0x1234\n.short 1\n.value 2\n.2byte 3\n.long 0xdeadbeef\n.int 4\n.4byte 5\n.quad -2\n.8byte 6\n'),
      '01ff' + '3412' + '0100' + '0200' + '0300' + 'efbeadde' + '04000000' + '05000000' + 'feffffffffffffff' + '0600000000000000');
    assert.equal(sectionHex('.data\n.octa 0x0102030405060708090a0b0c0d0e0f10\n'), '100f0e0d0c0b0a090807060504030201');
  });
  it('warns like GNU as when a value is truncated', () => {
    const r = asm('.data\n.byte 256, -255, -256\n.word 70000\n');
    assert.deepEqual(r.diagnostics.map((d) => d.message), [
      'value 0x100 truncated to 0x0',
      'value 0xffffffffffffff00 truncated to 0x0',
      'value 0x11170 truncated to 0x1170',
    ]);
  });
  it('handles strings and escapes', () => {
    assert.equal(sectionHex('.data\n.ascii "a\\tb\\n\\\\\\"\\101\\x42"\n'), '6109620a5c224142');
    assert.equal(sectionHex('.data\n.asciz "ab", "c"\n.string "d"\n.ascii "x" "y"\n'), '6162006300640078' + '79');
    assert.equal(sectionHex('.data\n.ascii "\\x414\\q"\n'), '1471');
  });
  it('fills: .zero .skip .space .fill', () => {
    assert.equal(sectionHex('.data\n.zero 2\n.skip 2, 0xaa\n.space 1\n.fill 2, 2, 0x0102\n.fill 1, 8, 0x11223344\n.fill 2\n'),
      '0000aaaa00' + '02010201' + '4433221100000000' + '0000');
  });
  it('keeps huge fills compact and in .bss only counts them', () => {
    const r = asm('.bss\nbuf: .skip 1 << 24\nend:\n.data\n.quad end - buf\n');
    const bss = r.module!.sections.find((s) => s.name === '.bss')!;
    assert.equal(bss.size, 1 << 24);
    assert.equal(bss.bytes.length, 0);
    assert.equal(hex(r.module!.sections.find((s) => s.name === '.data')!.bytes), '0000000100000000');
  });
  it('refuses non-zero data in a nobits section', () => {
    assert.deepEqual(errorsOf(asm('.bss\n.byte 1\n')), ["attempt to store non-zero value in section `.bss'"]);
  });
});

describe('gas alignment', () => {
  it('pads data with zeros or the fill, honouring the maximum', () => {
    assert.equal(sectionHex('.data\n.byte 1\n.align 4\n.byte 2\n.balign 4, 0xee\n.byte 3\n.p2align 3, 0x55, 2\n.byte 4\n.p2align 2,,3\n'),
      '01000000' + '02eeeeee' + '03' + '04' + '0000');
  });
  it('pads code with GNU as NOP patterns (also for a 0x90 fill)', () => {
    assert.equal(sectionHex('.text\n.byte 0xc3\n.p2align 4\n', '.text'), 'c3' + '66662e0f1f840000000000' + '0f1f4000');
    assert.equal(sectionHex('.text\n.byte 0xc3\n.p2align 3, 0x90\n', '.text'), 'c30f1f8000000000');
    assert.equal(sectionHex('.text\n.byte 0xc3\n.p2align 2, 0xcc\n', '.text'), 'c3cccccc');
  });
  it('fills with 2- and 4-byte patterns', () => {
    assert.equal(sectionHex('.data\n.short 1\n.balignw 4, 0xbeef\n'), '0100efbe');
    assert.equal(sectionHex('.data\n.long 1\n.balignl 8, 0x11223344\n'), '0100000044332211');
  });
  it('records the section alignment', () => {
    const r = asm('.data\n.p2align 5\n.text\n.balign 8\n');
    assert.equal(r.module!.sections.find((s) => s.name === '.data')!.alignment, 32);
    assert.equal(r.module!.sections.find((s) => s.name === '.text')!.alignment, 8);
  });
  it('checks alignment arguments', () => {
    assert.deepEqual(errorsOf(asm('.align 3\n')), ['alignment not a power of 2']);
  });
});

describe('gas sections', () => {
  it('creates .text .data .bss and assigns default attributes by name', () => {
    const r = asm('.section .rodata.x\n.section .text.y\n.section .bss.z\n.section .note.n\n.section plain\n.section .tbss\n');
    const attr = Object.fromEntries(r.module!.sections.map((s) => [s.name, [s.type, s.flags]]));
    assert.deepEqual(attr, {
      '.text': [1, 6], '.data': [1, 3], '.bss': [8, 3], '.rodata.x': [1, 2], '.text.y': [1, 6], '.bss.z': [8, 3],
      '.note.n': [7, 0], plain: [1, 0], '.tbss': [8, 0x403],
    });
  });
  it('parses flags, types and quoted names', () => {
    const r = asm('.section "__ex_table", "a"\n.section .foo, "awx", @nobits\n.section .m, "aMS", @progbits, 1\n.section .k, "axR"\n');
    const attr = Object.fromEntries(r.module!.sections.map((s) => [s.name, [s.type, s.flags]]));
    assert.deepEqual(attr['__ex_table'], [1, 2]);
    assert.deepEqual(attr['.foo'], [8, 7]);
    assert.deepEqual(attr['.m'], [1, 0x32]);
    assert.deepEqual(attr['.k'], [1, 0x200006]);
  });
  it('switches with .previous, .pushsection/.popsection and subsections', () => {
    const r = asm('.text\n.byte 1\n.data\n.byte 2\n.previous\n.byte 3\n.pushsection .data\n.byte 4\n.popsection\n.byte 5\n.text 1\n.byte 0x11\n.text 0\n.byte 6\n');
    const bytes = Object.fromEntries(r.module!.sections.map((s) => [s.name, hex(s.bytes)]));
    assert.equal(bytes['.text'], '0103050611');
    assert.equal(bytes['.data'], '0204');
  });
  it('rejects bad flags', () => {
    assert.deepEqual(errorsOf(asm('.section .a, "q"\n')), ['bad .section directive: want a,l,w,x,M,S,G,T in string']);
  });
});

describe('gas symbols', () => {
  it('records binding, type and size', () => {
    const r = asm('.text\n.globl f\n.type f, @function\nf: ret\n.size f, . - f\n.weak w\nw: ret\nl: ret\n.data\n.type o, %object\no: .long 0\n.size o, 4\n.Lhidden: .byte 0\n');
    const syms = Object.fromEntries(r.module!.symbols.filter((s) => s.type !== 'section').map((s) => [s.name, `${s.section}:${s.value}:${s.binding}:${s.type}:${s.size ?? '-'}`]));
    assert.deepEqual(syms, { f: '.text:0:global:func:1', w: '.text:1:weak:notype:-', l: '.text:2:local:notype:-', o: '.data:0:local:object:4' });
  });
  it('lists undefined references as global undefined symbols and .set values as absolute', () => {
    const r = asm('.data\n.long ext\nK = 5\n.globl G\nG = 7\n');
    const syms = r.module!.symbols.filter((s) => s.type !== 'section').map((s) => `${s.name}:${s.defined}:${s.section ?? 'abs'}:${s.value}:${s.binding}`);
    assert.deepEqual(syms.sort(), ['G:true:abs:7:global', 'K:true:abs:5:local', 'ext:false:abs:0:global']);
  });
  it('reports redefinitions', () => {
    assert.deepEqual(errorsOf(asm('a: nop\na: nop\n.equiv b, 1\n.equiv b, 2\nc = 1\nc: nop\n')), [
      "symbol `a' is already defined", "symbol `b' is already defined", "symbol `c' is already defined",
    ]);
  });
  it('turns `. = expr` into .org and refuses to move backwards', () => {
    assert.equal(sectionHex('.data\n.byte 1\n. = 4\n.byte 2\n.org 6, 0xff\n.byte 3\n'), '01000000' + '02ff03');
    assert.deepEqual(errorsOf(asm('.data\n.skip 8\n.org 4\n')), ['attempt to move .org backwards']);
  });
  it('provides .file as a file symbol', () => {
    const r = asm('.file "prog.c"\n');
    assert.ok(r.module!.symbols.some((s) => s.type === 'file' && s.name === 'prog.c'));
  });
});
