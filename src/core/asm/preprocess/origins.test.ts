// SourceLine.locate(): every output character maps back to the user's text, with the chain of
// #define expansions and #includes that produced it (innermost first).
import { strict as assert } from 'node:assert';
import type { Origin, SourceLine } from '../types.js';
import { memoryFileSystem } from './memfs.js';
import { preprocess } from './index.js';

function lines(files: Record<string, string> | string, main = 'a.S'): SourceLine[] {
  const fsFiles = typeof files === 'string' ? { [main]: files } : files;
  return preprocess(main, { fs: memoryFileSystem(fsFiles), includePaths: [] }).lines.filter((l) => l.text.trim() !== '');
}

/** Origin of the first occurrence of `needle` (plus `offset` characters) in the line. */
function at(line: SourceLine, needle: string, offset = 0, occurrence = 0): Origin {
  let idx = -1;
  for (let i = 0; i <= occurrence; i++) idx = line.text.indexOf(needle, idx + 1);
  assert.ok(idx >= 0, `"${needle}" not in "${line.text}"`);
  return line.locate(idx + 1 + offset);
}

const loc = (file: string, line: number, column: number) => ({ file, line, column });

describe('preprocess: origins', () => {
  it('plain text maps to its own line and column (tabs are one column)', () => {
    const [l1, l2] = lines('label:\n\tmov\t%rax, %rbx\n');
    assert.equal(l2.text, ' mov %rax, %rbx');
    assert.deepEqual(at(l1, 'label'), { location: loc('a.S', 1, 1), chain: [] });
    assert.deepEqual(at(l2, 'mov'), { location: loc('a.S', 2, 2), chain: [] });
    assert.deepEqual(at(l2, '%rax'), { location: loc('a.S', 2, 6), chain: [] });
    assert.deepEqual(at(l2, '%rbx', 3), { location: loc('a.S', 2, 15), chain: [] });
    // The indentation GCC prints stands for the source columns before the first token.
    assert.deepEqual(l2.locate(1).location, loc('a.S', 2, 1));
  });

  it('columns past the end map to the end of the line', () => {
    const [l] = lines('  ret\n');
    assert.equal(l.text, '  ret');
    assert.deepEqual(l.locate(6).location, loc('a.S', 1, 6));
    assert.deepEqual(l.locate(40).location, loc('a.S', 1, 6));
  });

  it('an object-like macro body maps to the #define, with a define frame at the invocation', () => {
    const [l] = lines('#define ANSWER 42\n  movq $ANSWER, %rax\n');
    assert.equal(l.text, '  movq $42, %rax');
    assert.deepEqual(at(l, '42', 1), {
      location: loc('a.S', 1, 17),
      chain: [{ kind: 'define', name: 'ANSWER', location: loc('a.S', 2, 9) }],
    });
    assert.deepEqual(at(l, '%rax').location, loc('a.S', 2, 17));
  });

  it('a token produced by a two-level macro maps to its body position with both invocation frames', () => {
    const src = '#define INNER(x) [x]\n#define OUTER(y) INNER(y) + 1\n\n  OUTER(arg)\n';
    const [l] = lines(src);
    assert.equal(l.text, '  [arg] + 1');
    const outerAt = { kind: 'define', name: 'OUTER', location: loc('a.S', 4, 3) } as const;
    const innerAt = { kind: 'define', name: 'INNER', location: loc('a.S', 2, 18) } as const;
    assert.deepEqual(at(l, '['), { location: loc('a.S', 1, 18), chain: [innerAt, outerAt] });
    assert.deepEqual(at(l, ']'), { location: loc('a.S', 1, 20), chain: [innerAt, outerAt] });
    // Arguments map to where they were written.
    assert.deepEqual(at(l, 'arg', 2), { location: loc('a.S', 4, 11), chain: [] });
    assert.deepEqual(at(l, '+'), { location: loc('a.S', 2, 27), chain: [outerAt] });
  });

  it('an argument written inside another macro body keeps that body position and chain', () => {
    const [l] = lines('#define ID(x) x\n#define CALL ID(%rsp)\nCALL\n');
    assert.equal(l.text, '%rsp');
    assert.deepEqual(at(l, '%rsp'), { location: loc('a.S', 2, 17), chain: [{ kind: 'define', name: 'CALL', location: loc('a.S', 3, 1) }] });
  });

  it('include frames: innermost first, pointing at the file name in the #include', () => {
    const files = {
      'a.S': 'top\n#include "b.h"\n',
      'b.h': '#define FROM_B from_b\n#include "c.h"\n',
      'c.h': '  in_c FROM_B\n',
    };
    const [, l] = lines(files);
    assert.equal(l.text, '  in_c from_b');
    const cFrame = { kind: 'include', name: 'c.h', location: loc('b.h', 2, 10) } as const;
    const bFrame = { kind: 'include', name: 'b.h', location: loc('a.S', 2, 10) } as const;
    assert.deepEqual(at(l, 'in_c'), { location: loc('c.h', 1, 3), chain: [cFrame, bFrame] });
    // A macro from b.h used in c.h: body in b.h, the define frame at the use in c.h, then c.h's includes.
    assert.deepEqual(at(l, 'from_b'), {
      location: loc('b.h', 1, 16),
      chain: [{ kind: 'define', name: 'FROM_B', location: loc('c.h', 1, 8) }, cFrame, bFrame],
    });
  });

  it('stringized arguments: quotes at the #, characters where the argument was written', () => {
    const [l] = lines('#define S(x) #x\n.ascii S(hi  there)\n');
    assert.equal(l.text, '.ascii "hi there"');
    const frame = [{ kind: 'define', name: 'S', location: loc('a.S', 2, 8) }];
    assert.deepEqual(at(l, '"'), { location: loc('a.S', 1, 14), chain: frame });
    assert.deepEqual(at(l, 'hi', 1), { location: loc('a.S', 2, 11), chain: [] });
    assert.deepEqual(at(l, 'there'), { location: loc('a.S', 2, 14), chain: [] });
  });

  it('pasted tokens: each character maps to its operand', () => {
    const [l] = lines('#define CAT(a, b) a ## b\nCAT(left, right):\n');
    assert.equal(l.text, 'leftright:');
    assert.deepEqual(at(l, 'left').location, loc('a.S', 2, 5));
    assert.deepEqual(at(l, 'right', 2).location, loc('a.S', 2, 13));
    assert.deepEqual(at(l, ':').location, loc('a.S', 2, 17));
  });

  it('a token pasted in a body and then expanded gets the pasted token as invocation site', () => {
    const [l] = lines('#define reg_rax %rax\n#define REG(n) reg_ ## n\nREG(rax)\n');
    assert.equal(l.text, '%rax');
    assert.deepEqual(at(l, '%'), {
      location: loc('a.S', 1, 17),
      chain: [
        { kind: 'define', name: 'reg_rax', location: loc('a.S', 2, 16) },
        { kind: 'define', name: 'REG', location: loc('a.S', 3, 1) },
      ],
    });
  });

  it('tokens spliced by backslash-newline map each character to its physical line', () => {
    const [l] = lines('mov %r\\\nax, %rbx\n');
    assert.equal(l.text, 'mov %rax, %rbx');
    assert.deepEqual(at(l, 'rax').location, loc('a.S', 1, 6));
    assert.deepEqual(at(l, 'rax', 1).location, loc('a.S', 2, 1));
    assert.deepEqual(at(l, '%rbx').location, loc('a.S', 2, 5));
  });

  it('a multi-line invocation: later tokens keep their own lines', () => {
    const [l] = lines('#define F(a, b) a b\nF(x,\n   y) tail\n');
    assert.equal(l.text, 'x y tail');
    assert.deepEqual(at(l, 'y').location, loc('a.S', 3, 4));
    assert.deepEqual(at(l, 'tail').location, loc('a.S', 3, 7));
  });

  it('__LINE__ maps to the __LINE__ token', () => {
    const [l] = lines('#define HERE __LINE__\n.long HERE\n');
    assert.equal(l.text, '.long 2');
    assert.deepEqual(at(l, '2'), { location: loc('a.S', 1, 14), chain: [{ kind: 'define', name: 'HERE', location: loc('a.S', 2, 7) }] });
  });

  it('a line whose macro expanded to nothing still has an origin', () => {
    const r = preprocess('a.S', { fs: memoryFileSystem({ 'a.S': '#define E\n\n  E\n' }), includePaths: [] });
    assert.equal(r.lines.length, 1);
    assert.equal(r.lines[0].text, ' ');
    assert.deepEqual(r.lines[0].locate(1).location, loc('a.S', 3, 1));
    assert.deepEqual(r.lines[0].locate(9).location.line, 3);
  });

  it('diagnostics inside an expansion carry the define chain and the include chain', () => {
    const files = { 'a.S': '#include "b.h"\n', 'b.h': '#define T(a, b) a\n#define U T(1)\n  U\n' };
    const r = preprocess('a.S', { fs: memoryFileSystem(files), includePaths: [] });
    const err = r.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(err.message, 'macro "T" requires 2 arguments, but only 1 given');
    assert.deepEqual(err.location, loc('b.h', 2, 14));
    assert.deepEqual(err.chain, [
      { kind: 'define', name: 'U', location: loc('b.h', 3, 3) },
      { kind: 'include', name: 'b.h', location: loc('a.S', 1, 10) },
    ]);
  });
});
