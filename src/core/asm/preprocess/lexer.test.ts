// The assembler-with-cpp lexer: token kinds, flags, positions, splices and comments.
import { strict as assert } from 'node:assert';
import { FileLexer, lexAll, lexWhole, type LexMode } from './lexer.js';
import { BOL, PREV_WHITE, type Token } from './tokens.js';

const NORMAL: LexMode = { inDirective: false, angledHeaders: false, parsingArgs: 0 };

function lexFile(text: string, mode: LexMode = NORMAL): { tokens: Token[]; diags: string[] } {
  const diags: string[] = [];
  const lx = new FileLexer('f.S', text, [], (sev, msg, pos) => diags.push(`${pos.line}:${pos.column}: ${sev}: ${msg}`));
  const tokens: Token[] = [];
  for (;;) {
    const t = lx.lex(mode);
    if (t.kind === 'eof') break;
    tokens.push(t);
  }
  return { tokens, diags };
}

const kinds = (text: string) => lexAll(text, 'f.S').map((t) => `${t.kind}:${t.text}`);

describe('preprocess lexer', () => {
  it('identifiers (no $), pp-numbers, punctuators, others', () => {
    assert.deepEqual(kinds('mov $0x1f, %rax'), ['name:mov', 'other:$', 'number:0x1f', 'punct:,', 'punct:%', 'name:rax']);
    assert.deepEqual(kinds('a$b 1b 1e+5 0x1p+3 .5 ..x ...'), [
      'name:a',
      'other:$',
      'name:b',
      'number:1b',
      'number:1e+5',
      'number:0x1p',
      'punct:+',
      'number:3',
      'number:.5',
      'punct:.',
      'punct:.',
      'name:x',
      'punct:...',
    ]);
    assert.deepEqual(kinds('<<= >>= -> ++ -- ## # %: <: @ \\ `'), [
      'punct:<<=',
      'punct:>>=',
      'punct:->',
      'punct:++',
      'punct:--',
      'punct:##',
      'punct:#',
      'punct:%',
      'punct::',
      'punct:<',
      'punct::',
      'other:@',
      'other:\\',
      'other:`',
    ]);
  });

  it("character and string literals; an unterminated quote runs to the end of the line", () => {
    assert.deepEqual(kinds(`'a' '\\'' "s\\"t" L'x' L"w" 'a, b`), ["char:'a'", "char:'\\''", 'string:"s\\"t"', "wchar:L'x'", 'wstring:L"w"', "other:'a, b"]);
    assert.deepEqual(kinds(`"open`), ['other:"open']);
  });

  it('header names only in #include mode', () => {
    assert.deepEqual(
      lexFile('<asm/x.h> <open', { ...NORMAL, angledHeaders: true }).tokens.map((t) => `${t.kind}:${t.text}`),
      ['header:<asm/x.h>', 'punct:<', 'name:open'],
    );
  });

  it('BOL and PREV_WHITE flags; comments count as whitespace', () => {
    const { tokens } = lexFile('a b/**/c\n  d // x\ne');
    assert.deepEqual(
      tokens.map((t) => [t.text, t.flags & (BOL | PREV_WHITE)]),
      [
        ['a', BOL],
        ['b', PREV_WHITE],
        ['c', PREV_WHITE],
        ['d', BOL | PREV_WHITE],
        ['e', BOL],
      ],
    );
  });

  it('a block comment spanning lines does not start a new line', () => {
    const { tokens } = lexFile('a /* 1\n2 */ b\n/* x\n */ c');
    assert.deepEqual(
      tokens.map((t) => [t.text, t.flags & BOL, t.pos.line, t.pos.column]),
      [
        ['a', BOL, 1, 1],
        ['b', 0, 2, 6],
        ['c', BOL, 4, 5],
      ],
    );
  });

  it('in a directive the end of the line is EOF, repeatedly', () => {
    const lx = new FileLexer('f.S', 'x y\nz', [], () => {});
    assert.equal(lx.lex(NORMAL).text, 'x');
    const dir = { ...NORMAL, inDirective: true };
    assert.equal(lx.lex(dir).text, 'y');
    assert.equal(lx.lex(dir).kind, 'eof');
    assert.equal(lx.lex(dir).kind, 'eof');
    const z = lx.lex(NORMAL);
    assert.equal(z.text, 'z');
    assert.ok(z.flags & BOL);
    const end = lx.lex(NORMAL);
    assert.equal(end.kind, 'eof');
    assert.equal(end.fileEnd, true);
  });

  it('new lines inside macro arguments count as whitespace', () => {
    const lx = new FileLexer('f.S', 'a\nb', [], () => {});
    lx.lex({ ...NORMAL, parsingArgs: 2 });
    assert.ok(lx.lex({ ...NORMAL, parsingArgs: 2 }).flags & PREV_WHITE);
  });

  it('backslash-newline splices, also inside tokens, with per-character positions', () => {
    const { tokens, diags } = lexFile('ab\\\ncd ef\\  \ngh\nlast\\');
    assert.deepEqual(
      tokens.map((t) => t.text),
      ['abcd', 'efgh', 'last'],
    );
    assert.deepEqual(
      tokens[0].chars!.map((c) => `${c.pos.line}:${c.pos.column}`),
      ['1:1', '1:2', '2:1', '2:2'],
    );
    assert.equal(tokens[2].chars, undefined);
    assert.deepEqual(diags, ['2:6: warning: backslash and newline separated by space', '4:5: warning: backslash-newline at end of file']);
  });

  it('// comments continue over a backslash-newline', () => {
    assert.deepEqual(
      lexFile('a // c \\\n still comment\nb').tokens.map((t) => t.text),
      ['a', 'b'],
    );
  });

  it('CRLF and CR line ends', () => {
    assert.deepEqual(
      lexFile('a\r\nb\rc').tokens.map((t) => [t.text, t.pos.line]),
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
    );
  });

  it('unterminated comment', () => {
    const { tokens, diags } = lexFile('a /* never\nclosed');
    assert.deepEqual(
      tokens.map((t) => t.text),
      ['a'],
    );
    assert.deepEqual(diags, ['1:3: error: unterminated comment']);
  });

  it('lexWhole: one token spelling the whole text (token pasting)', () => {
    assert.equal(lexWhole('ab')?.kind, 'name');
    assert.equal(lexWhole('+=')?.kind, 'punct');
    assert.equal(lexWhole('1.')?.kind, 'number');
    assert.equal(lexWhole('%rax'), undefined);
    assert.equal(lexWhole('/ /'), undefined);
    assert.equal(lexWhole("'a")?.kind, 'other');
  });
});
