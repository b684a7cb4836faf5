import { strict as assert } from 'node:assert';
import { asm, errorsOf, sectionHex } from './gas.test-support.js';

/** The .data section as text. */
function text(src: string): string {
  const h = sectionHex(`.data\n${src}`);
  return Buffer.from(h, 'hex').toString('latin1');
}

const SHOW = '.macro show a, b=7, c:vararg\n.ascii "[\\a|\\b|\\c|\\@]"\n.endm\n';

describe('gas macros', () => {
  it('splits arguments the GNU as way (blanks, commas, quotes, brackets)', () => {
    assert.equal(text(`${SHOW}show x y z w\nshow "p q", ,r\nshow (1, 2) [3 4] 5\n`), '[x|y|z w|0][p q|7|r|1][(1|2)[3 4]5||2]');
    assert.equal(text(`${SHOW}show a + b\nshow a -b\n`), '[a+b|7||0][a|-b||1]');
  });
  it('takes keyword arguments, defaults for empty values, and required parameters', () => {
    assert.equal(text(`${SHOW}show b=3 a=1\nshow a=, b=\n`), '[1|3||0][|7||1]');
    assert.equal(text('.macro r x:req, y=def\n.ascii "\\x-\\y;"\n.endm\nr 1\nr x=2, y=3\n'), '1-def;2-3;');
    assert.deepEqual(errorsOf(asm('.macro r x:req\n.endm\nr\n')), ["Missing value for required parameter `x' of macro `r'"]);
  });
  it('substitutes \\() as a separator and \\(text) literally', () => {
    assert.equal(text('.macro cat p, s\n.ascii "\\p\\()_\\s/\\p\\(lit)\\s"\n.endm\ncat foo, bar\n'), 'foo_bar/foolitbar');
  });
  it('leaves unknown \\names alone (so string escapes survive)', () => {
    assert.equal(text('.macro m x\n.ascii "\\x\\n"\n.endm\nm a\n'), 'a\n');
  });
  it('counts invocations with \\@ (loops inside macros see the macro value)', () => {
    assert.equal(text('.macro m\n.ascii "\\@"\n.irp q, 1 2\n.ascii "<\\q>"\n.endr\n.endm\nm\nm\n'), '0<1><2>1<1><2>');
  });
  it('supports nested definitions, .purgem and redefinition after purging', () => {
    assert.equal(
      text('.macro outer n, v\n.macro inner_\\n w\n.byte \\v, \\w\n.endm\n.endm\nouter one, 1\ninner_one 5\n.purgem inner_one\n.macro inner_one\n.byte 9\n.endm\ninner_one\n'),
      '\x01\x05\x09',
    );
  });
  it('recurses, exits early with .exitm, and stops runaway recursion', () => {
    assert.equal(sectionHex('.data\n.macro c n\n.byte \\n\n.if \\n\nc "(\\n-1)"\n.endif\n.endm\nc 3\n'), '03020100');
    assert.equal(sectionHex('.data\n.macro e n\n.byte 1\n.if \\n\n.exitm\n.endif\n.byte 2\n.endm\ne 0\ne 1\ne 0\n'), '0102' + '01' + '0102');
    const r = asm('.macro inf\ninf\n.endm\ninf\n', { maxMacroDepth: 20 });
    assert.deepEqual(errorsOf(r), ['macros nested too deeply (more than 20 levels; endless recursion?)']);
    assert.equal(r.diagnostics[0].chain.length, 20);
  });
  it('passes the rest of the line to :vararg', () => {
    assert.equal(sectionHex('.data\n.macro va a, rest:vararg\n.byte \\a\n.ifnb \\rest\nva \\rest\n.endif\n.endm\nva 1, 2, 3\n'), '010203');
  });
  it('matches macro names case-insensitively and re-splits expanded text at ;', () => {
    assert.equal(sectionHex('.data\n.macro Two\n.byte 1; .byte 2\n.endm\ntwo\nTWO\n'), '01020102');
    assert.equal(sectionHex('.data\n.macro alt o\n\\o\n.endm\nalt ".byte 3; .byte 4"\n'), '0304');
  });
  it('reports misuse like GNU as', () => {
    assert.deepEqual(errorsOf(asm('.macro m a\n.endm\nm 1, 2\nm c=1\nm a=1 2\n.macro m\n.endm\n')), [
      'too many positional arguments',
      "Parameter named `c' does not exist for macro `m'",
      "can't mix positional and keyword arguments",
      "Macro `m' was already defined",
    ]);
    assert.deepEqual(errorsOf(asm('.macro m\n.byte 1\n')), ["unexpected end of file in macro `m' definition"]);
    assert.deepEqual(errorsOf(asm('.altmacro\n')), ["`.altmacro' is not supported (only the default GNU as macro syntax is)"]);
  });
});

describe('gas .rept .irp .irpc', () => {
  it('repeats, iterates over values and characters', () => {
    assert.equal(text('.rept 3\n.ascii "r"\n.endr\n.irp x, a, b c\n.ascii "\\x"\n.endr\n.irpc c, xyz\n.ascii "\\c\\c"\n.endr\n'), 'rrrabcxxyyzz');
  });
  it('nests loops and expands an empty .irp once', () => {
    assert.equal(sectionHex('.data\n.rept 2\n.irp x, 1, 2\n.byte \\x\n.endr\n.endr\n.irp v\n.byte 9\n.endr\n.rept 0\n.byte 8\n.endr\n'), '0102010209');
  });
  it('updates symbols between iterations', () => {
    assert.equal(sectionHex('.data\nv = 0\n.rept 4\n.byte v\nv = v + 1\n.endr\n'), '00010203');
  });
  it('reports a missing .endr', () => {
    assert.deepEqual(errorsOf(asm('.rept 2\n.byte 1\n')), ['.rept without .endr']);
  });
});
