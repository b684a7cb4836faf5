// Assembler throughput: a large generated GAS file (instructions of many forms, macros, local
// labels, data) assembled and linked by GNU as + ld and by `x64emu asm`, timed in the same run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AsmBenchResult {
  lines: number;
  gnuSeconds: number;
  oursSeconds: number;
}

function generate(blocks: number): string {
  const out: string[] = [
    '\t.macro SAVE_PAIR a, b',
    '\tpush %\\a',
    '\tpush %\\b',
    '\t.endm',
    '\t.macro RESTORE_PAIR a, b',
    '\tpop %\\b',
    '\tpop %\\a',
    '\t.endm',
    '\t.text',
    '\t.globl _start',
    '_start:',
  ];
  const regs = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
  for (let i = 0; i < blocks; i++) {
    const a = regs[i % regs.length];
    const b = regs[(i * 7 + 3) % regs.length];
    out.push(
      `f${i}:`,
      `\tSAVE_PAIR ${a}, ${b}`,
      `\tmovq ${i * 8}(%rsp,%${b},8), %${a}`,
      `\taddq $${(i * 37) % 300 - 150}, %${b}`,
      `\timulq %${a}, %${b}`,
      `\tleaq data${i % 64}(%rip), %${a}`,
      `\tcmpq $${i}, %${a}`,
      `1:\tjne 1f`,
      `\tshlq $${i % 63}, %${b}`,
      `1:\ttestb $1, (%${a})`,
      `\tjz 1b`,
      `\tRESTORE_PAIR ${a}, ${b}`,
      `\tcall f${(i * 13) % blocks}`,
    );
  }
  out.push('\tmov $60, %eax', '\txor %edi, %edi', '\tsyscall', '\t.data');
  for (let i = 0; i < 64; i++) out.push(`data${i}:\t.quad ${i}, ${i * i}`, `\t.asciz "s${i}"`);
  return out.join('\n') + '\n';
}

export function runAsmBench(dir: string, blocks = 20_000): AsmBenchResult {
  mkdirSync(dir, { recursive: true });
  const src = join(dir, 'big.S');
  const text = generate(blocks);
  writeFileSync(src, text);
  const lines = text.split('\n').length;
  const time = (cmd: string, args: string[]) => {
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(0, 2000)}`);
    return (performance.now() - t) / 1000;
  };
  let gnu = Infinity;
  let ours = Infinity;
  for (let k = 0; k < 3; k++) {
    gnu = Math.min(gnu, time('sh', ['-c', `as -o ${dir}/big.o ${src} && ld -o ${dir}/big-gnu ${dir}/big.o`]));
    ours = Math.min(ours, time('node', ['dist/cli.js', 'asm', src, '-o', join(dir, 'big-ours')]));
  }
  return { lines, gnuSeconds: gnu, oursSeconds: ours };
}
