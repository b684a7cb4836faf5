import assert from 'node:assert/strict';
import { evaluatableAt, operandsOnLine } from './evaluatable.js';

/** The expression a hover at the first occurrence of `at` (plus `offset`) in `line` evaluates. */
function hover(line: string, at: string, offset = 0): string | undefined {
  const col = line.indexOf(at);
  assert.ok(col >= 0, `${at} not in ${line}`);
  const r = evaluatableAt(line, col + offset);
  if (r) assert.equal(line.slice(r.start, r.end), r.expression, 'the range covers exactly the expression');
  return r?.expression;
}

describe('extension: evaluatable text under the cursor', () => {
  const sp2 = '\tmovq\t%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)\t/* park the user RSP */';

  it('a register is itself, wherever it stands', () => {
    assert.equal(hover(sp2, '%rsp'), '%rsp');
    assert.equal(hover(sp2, '%rsp', 3), '%rsp');
    assert.equal(hover('\tmovq\t8(%rsp), %rax', '%rsp', 1), '%rsp');
    assert.equal(hover('\tSWITCH_TO_KERNEL_CR3 scratch_reg=%rsp', '%rsp'), '%rsp');
  });

  it('PER_CPU_VAR(...) and AT&T memory operands are evaluated whole', () => {
    assert.equal(hover(sp2, 'PER_CPU_VAR'), 'PER_CPU_VAR(cpu_tss_rw + TSS_sp2)');
    assert.equal(hover(sp2, 'TSS_sp2'), 'PER_CPU_VAR(cpu_tss_rw + TSS_sp2)');
    assert.equal(hover('\tmovq\t-8(%rbp,%rcx,8), %rax', '-8'), '-8(%rbp,%rcx,8)');
    assert.equal(hover('\tmovq\t%gs:cpu_tss_rw+0x14, %rax', 'cpu_tss_rw'), '%gs:cpu_tss_rw+0x14');
    assert.equal(hover('\tjmp\t*8(%rax)', '8('), '8(%rax)');
  });

  it('symbols and sym+off', () => {
    assert.equal(hover('\tcall\tdo_syscall_64', 'do_syscall'), 'do_syscall_64');
    assert.equal(hover('\tmovq\tbuffer+8, %rax', 'buffer'), 'buffer+8');
    assert.equal(hover('\tmovq\t$msg, %rsi', 'msg'), 'msg');
    assert.equal(hover('entry_SYSCALL_64:', 'entry'), 'entry_SYSCALL_64');
    assert.equal(hover('loop:\tdecq %rcx; jnz loop', 'jnz loop', 4), 'loop');
  });

  it('nothing for mnemonics, literals, comments and preprocessor lines', () => {
    assert.equal(hover(sp2, 'movq'), undefined);
    assert.equal(hover('\tmovq\t$1, %rax', '1'), undefined);
    assert.equal(hover(sp2, 'park'), undefined);
    assert.equal(hover('#include <asm/percpu.h>', 'percpu'), undefined);
    assert.equal(hover(' * the user RSP (%rsp) is parked', '%rsp'), undefined);
    assert.equal(hover('\tmovq\t%rax, %rbx\t# %rcx is not read', '%rcx'), undefined);
  });

  it('inline values: the registers and memory operands a line uses, once each', () => {
    assert.deepEqual(operandsOnLine(sp2).map((t) => t.expression), ['%rsp', 'PER_CPU_VAR(cpu_tss_rw + TSS_sp2)']);
    assert.deepEqual(operandsOnLine('\tmovq\t8(%rsp), %rsp').map((t) => t.expression), ['%rsp', '8(%rsp)']);
    assert.deepEqual(operandsOnLine('\tmovq\t$1, %rax; syscall').map((t) => t.expression), ['%rax']);
    assert.deepEqual(operandsOnLine('\t.quad\tentry_SYSCALL_64'), []);
  });
});
