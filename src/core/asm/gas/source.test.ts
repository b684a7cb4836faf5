import { strict as assert } from 'node:assert';
import { linesOfText, Scrubber, splitStatements, type Stmt } from './source.js';

function scrub(text: string): string[] {
  const s = new Scrubber();
  const out: Stmt[] = [];
  for (const l of linesOfText(text, 'x.s')) s.scrub(l, out);
  return out.map((x) => x.text);
}

describe('gas scrubber (GNU as app.c rules)', () => {
  it('collapses blanks, keeping one only between symbol characters in operands', () => {
    assert.deepEqual(scrub('  mov   %rax ,  %rbx'), ['mov %rax,%rbx']);
    assert.deepEqual(scrub('m a + b'), ['m a+b']);
    assert.deepEqual(scrub('m a -b'), ['m a -b']);
    assert.deepEqual(scrub('m (1, 2) [3 4] 5'), ['m (1,2)[3 4]5']);
    assert.deepEqual(scrub('m x \\y'), ['m x \\y']);
    assert.deepEqual(scrub('m x "s" y'), ['m x "s" y']);
  });
  it('drops blanks after a label colon and splits statements at ;', () => {
    assert.deepEqual(scrub('foo:   nop ; ret'), ['foo:nop', 'ret']);
    assert.deepEqual(scrub('lock ; incl (%rax)'), ['lock', 'incl (%rax)']);
  });
  it('removes # comments, / comments at line start, and /* */ comments across lines', () => {
    assert.deepEqual(scrub('nop # comment ; not a statement'), ['nop']);
    assert.deepEqual(scrub('/ whole line\n  / also\nret'), ['ret']);
    assert.deepEqual(scrub('nop /* a\n b */ ret\n.byte 1 /* x */ + 2'), ['nop', 'ret', '.byte 1+2']);
  });
  it('keeps strings verbatim and turns character constants into numbers', () => {
    assert.deepEqual(scrub('.ascii "a  #;b"  # c'), ['.ascii "a  #;b"']);
    assert.deepEqual(scrub(".byte 'a, '\\n, '#, '\\\\, 'b'"), ['.byte 97,10,35,92,98']);
  });
  it('maps every character back to its column', () => {
    const s = new Scrubber();
    const out: Stmt[] = [];
    s.scrub(linesOfText('  mov   %rax ,  %rbx', 'x.s')[0], out);
    const st = out[0];
    assert.equal(st.cols[st.text.indexOf('%rbx')], 17);
    assert.equal(st.src.locate(st.cols[0]).location.column, 3);
  });
  it('warns about unterminated strings', () => {
    const s = new Scrubber();
    s.scrub(linesOfText('.ascii "abc', 'x.s')[0], []);
    assert.equal(s.warnings[0].message, 'unterminated string; newline inserted');
  });
  it('splits expanded text at ; outside strings', () => {
    const src = linesOfText('x', 'x.s')[0];
    const t = 'nop; .ascii "a;b" ;ret';
    const st: Stmt = { text: t, cols: [...Array(t.length + 1).keys()].map((i) => i + 1), src };
    assert.deepEqual(splitStatements(st).map((x) => x.text), ['nop', '.ascii "a;b"', 'ret']);
  });
});
