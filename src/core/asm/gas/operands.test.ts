import { strict as assert } from 'node:assert';
import { linesOfText, type Stmt } from './source.js';
import { parseOperand, splitOperands } from './operands.js';

function parse(text: string) {
  const src = linesOfText(text, 'x.s')[0];
  const stmt: Stmt = { text, cols: [...Array(text.length + 1).keys()].map((i) => i + 1), src };
  const errors: string[] = [];
  const out = splitOperands(text, 0, text.length).map(([a, b]) => parseOperand(stmt, a, b, (_s, _p, _e, m) => errors.push(m)));
  const show = out.map((p) => {
    if (!p) return 'ERR';
    const o = p.op;
    const e = (x?: { pos: number; end: number }) => (x ? text.slice(x.pos, x.end) : '');
    const star = p.indirect ? '*' : '';
    switch (o.kind) {
      case 'reg': return `${star}reg:${o.name}`;
      case 'imm': return `imm:${e(o.expr)}`;
      case 'expr': return `${star}expr:${e(o.expr)}`;
      case 'mem': return `${star}mem:${o.segment ?? ''}|${e(o.disp)}|${o.base ?? ''}|${o.index ?? ''}|${e(o.scale)}`;
    }
  });
  return { show, errors };
}

describe('gas AT&T operands', () => {
  it('parses registers, immediates and bare expressions', () => {
    assert.deepEqual(parse('%RAX, $-1, $(1+2)*3, foo+4, %st(1), %st').show, ['reg:rax', 'imm:-1', 'imm:(1+2)*3', 'expr:foo+4', 'reg:st(1)', 'reg:st']);
  });
  it('parses memory operands in every form', () => {
    assert.deepEqual(parse('(%rax), 8(%rsp), -16(%rbp,%rcx,8), (,%rbx,4), 0x10(,%rdx), sym(%rip), (%rax,%rbx)').show, [
      'mem:||rax||', 'mem:|8|rsp||', 'mem:|-16|rbp|rcx|8', 'mem:|||rbx|4', 'mem:|0x10||rdx|', 'mem:|sym|rip||', 'mem:||rax|rbx|',
    ]);
    assert.deepEqual(parse('%fs:0x28, %gs:(%rax), %es:8(%rdi)').show, ['mem:fs|0x28|||', 'mem:gs||rax||', 'mem:es|8|rdi||']);
    assert.deepEqual(parse('(1+2)(%rax), (8)').show, ['mem:|(1+2)|rax||', 'expr:(8)']);
  });
  it('marks indirect operands', () => {
    assert.deepEqual(parse('*%rax, *8(%rbx), *table(,%rax,8), *foo').show, ['*reg:rax', '*mem:|8|rbx||', '*mem:|table||rax|8', '*expr:foo']);
  });
  it('reports bad registers and junk', () => {
    assert.deepEqual(parse('%foo').errors, ["bad register name `%foo'"]);
    assert.deepEqual(parse('(%rax,%foo)').errors, ["bad index register name `%foo'"]);
    assert.deepEqual(parse('%rax %rbx').errors, ["junk `%rbx' after register"]);
  });
});
