// The prose tables must name what the assembler really knows: a typo in a key would silently
// drop a hover.
import { strict as assert } from 'node:assert';
import { assembleText } from '../../core/asm/gas/index.js';
import { lookupRegister } from '../../core/asm/encoder/registers.js';
import { allMnemonics, instructionFacts } from '../instruction-info.js';
import { GAS_DIRECTIVES } from './directives.js';
import { describeInstruction } from './instructions.js';
import { REGISTERS } from './registers.js';

describe('language knowledge tables', () => {
  it('describes only registers the assembler accepts, and every general register it accepts', () => {
    for (const name of REGISTERS.keys()) assert.ok(lookupRegister(name), name);
    for (const n of ['rax', 'eax', 'ax', 'al', 'ah', 'r8', 'r8d', 'r8w', 'r8b', 'r8l', 'spl', 'cr3', 'dr7', 'gs', 'rip']) assert.ok(REGISTERS.has(n), n);
  });

  it('describes only directives the assembler implements', () => {
    for (const name of Object.keys(GAS_DIRECTIVES)) {
      const r = assembleText(`${name}\n`, { fileName: 'd.s' });
      assert.ok(!r.diagnostics.some((d) => /unknown pseudo-op/.test(d.message)), name);
    }
  });

  it('keys instruction prose by real mnemonics', () => {
    const known = allMnemonics();
    for (const m of ['mov', 'jne', 'cmovne', 'sete', 'swapgs', 'sysret', 'iret', 'invpcid', 'movslq', 'movzbl', 'cltq']) assert.ok(known.has(m), m);
  });

  it('has a description for the instructions of the entry path, and they are real mnemonics', () => {
    for (const m of ['swapgs', 'sysretq', 'syscall', 'iretq', 'wrmsr', 'rdmsr', 'invlpg', 'invpcid', 'movq', 'pushq', 'popq', 'cmpq', 'jne', 'jnz', 'call', 'ret', 'lgdt', 'ltr', 'hlt', 'cli', 'sti', 'btsq', 'andq', 'orq', 'xorl', 'testb', 'movslq', 'rep', 'cld']) {
      assert.ok(m === 'rep' ? describeInstruction(m) : instructionFacts(m)?.description, m);
    }
  });
});
