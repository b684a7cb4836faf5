// The expression language over real pieces: a paged BareMachine that runs code, and the real
// headers of samples/kernel-entry with the sample's own assembler macros (PER_CPU_VAR, TSS_sp2).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { preprocess } from '../asm/preprocess/index.js';
import type { SourceFileSystem } from '../asm/types.js';
import { GPR_NAMES } from '../machine/cpu.js';
import { BareMachine, TEST_DATA, TEST_STACK_TOP, machineWithCode } from '../machine/bare-machine.js';
import { CTypeTable, readCTypes } from './ctypes.js';
import { assign, childrenOf, evaluate, formatValue, type EvalContext, type SegmentRegister } from './expression.js';
import { FakeMachine } from './fake-context.test-support.js';
import { createMacroExpander } from './macro-expander.js';
import { explainTranslation, formatTranslation, readLinear, writePhysical } from './translation.js';

/** An EvalContext over a BareMachine: memory through the CPU's page tables, GPRs, rip. */
class BareMachineContext implements EvalContext {
  cpu = 0;
  cpuCount = 1;
  constructor(
    private m: BareMachine,
    public types: CTypeTable,
    private symbols: Map<string, bigint>,
  ) {}
  register(name: string): bigint | undefined {
    const slot = (GPR_NAMES as readonly string[]).indexOf(name);
    if (slot >= 0) return BigInt.asUintN(64, this.m.cpu.getReg(slot));
    if (name === 'eax') return BigInt.asUintN(32, this.m.cpu.getReg(0));
    if (name === 'rip') return BigInt(this.m.cpu.rip);
    if (name === 'cr3') return this.m.cpu.cr3;
    return undefined;
  }
  setRegister(name: string, value: bigint): string | undefined {
    const slot = (GPR_NAMES as readonly string[]).indexOf(name);
    if (slot < 0) return `${name} is read-only here`;
    this.m.cpu.setReg(slot, value);
    return undefined;
  }
  symbol(name: string) {
    return this.symbols.get(name);
  }
  symbolNames() {
    return this.symbols.keys();
  }
  isPerCpuSymbol() {
    return false;
  }
  perCpuBase() {
    return undefined;
  }
  segmentBase(seg: SegmentRegister): bigint {
    return seg === 'fs' ? BigInt(this.m.cpu.fsBase) : seg === 'gs' ? BigInt(this.m.cpu.gsBase) : 0n;
  }
  readMemory(address: bigint, size: number): Uint8Array | undefined {
    const bytes = readLinear(this.m.phys, this.m.cpu.cr3, address, size);
    return bytes.length ? bytes : undefined;
  }
  writeMemory(address: bigint, bytes: Uint8Array): string | undefined {
    for (let i = 0; i < bytes.length; i++) {
      const walk = explainTranslation(this.m.phys, address + BigInt(i), this.m.cpu.cr3);
      if (walk.physical === undefined) return walk.failure;
      writePhysical(this.m.phys, walk.physical, bytes.subarray(i, i + 1));
    }
    return undefined;
  }
  pagewalk(addr: bigint, cr3?: bigint): string {
    return formatTranslation(explainTranslation(this.m.phys, addr, cr3 ?? this.m.cpu.cr3));
  }
}

describe('evaluate over a real BareMachine (paged memory, running code)', () => {
  // push $0x1122; push %rbx; mov $0x600010, %rax; movq $0x77, (%rax); jmp .
  const code = Uint8Array.of(0x68, 0x22, 0x11, 0x00, 0x00, 0x53, 0x48, 0xc7, 0xc0, 0x10, 0x00, 0x60, 0x00, 0x48, 0xc7, 0x00, 0x77, 0x00, 0x00, 0x00, 0xeb, 0xfe);
  const { types } = readCTypes(['t.h'], {
    fs: { readFile: () => 'struct pair { unsigned long first, second; };\nextern struct pair data_pair;\n', resolve: (_d, r) => r, dirname: () => '' },
  });

  function run() {
    const m = machineWithCode(code);
    m.cpu.setReg(3, 0xabcdn); // rbx
    m.cpu.run(4);
    return { m, ctx: new BareMachineContext(m, types, new Map([['data_pair', BigInt(TEST_DATA + 0x10)]])) };
  }

  it('reads the stack the code pushed, through the page tables', () => {
    const { ctx } = run();
    const v = evaluate('8(%rsp)', ctx);
    assert.ok(v.ok);
    assert.equal(v.value.bits, 0x1122n);
    assert.ok(evaluate('(%rsp)', ctx).ok);
    assert.equal((evaluate('*(u64 *)rsp', ctx) as { value: { bits: bigint } }).value.bits, 0xabcdn);
    assert.equal((evaluate('rsp', ctx) as { value: { bits: bigint } }).value.bits, BigInt(TEST_STACK_TOP - 16));
  });

  it('sees the store the code made, as a typed object', () => {
    const { ctx } = run();
    const v = evaluate('data_pair', ctx);
    assert.ok(v.ok);
    assert.deepEqual(childrenOf(v.value, ctx, { evaluateName: 'data_pair' }).map((c) => `${c.evaluateName} = ${formatValue(c.value, ctx)}`), [
      'data_pair.first = 0x0000000000000077 (119)',
      'data_pair.second = 0x0000000000000000',
    ]);
  });

  it('reports an unmapped page, including one the stack does not reach', () => {
    const { ctx } = run();
    assert.deepEqual(evaluate('16(%rsp)', ctx), { ok: false, message: 'cannot dereference: 0x000000007fff0000 is not mapped at column 1', column: 1 });
    const walk = evaluate('pagewalk(rsp + 16)', ctx);
    assert.ok(walk.ok && /not present/.test(walk.value.text!), walk.ok ? walk.value.text : walk.message);
  });

  it('assign writes guest memory the CPU then reads', () => {
    const { m, ctx } = run();
    assert.ok(assign('data_pair.second', '0x55', ctx).ok);
    // mov 0x600018, %rcx (absolute) — executed after the write.
    const m2 = machineWithCode(Uint8Array.of(0x48, 0x8b, 0x0c, 0x25, 0x18, 0x00, 0x60, 0x00, 0xeb, 0xfe));
    const ctx2 = new BareMachineContext(m2, types, new Map([['data_pair', BigInt(TEST_DATA + 0x10)]]));
    assert.ok(assign('data_pair.second', '0x66', ctx2).ok);
    m2.cpu.run(1);
    assert.equal(m2.cpu.getReg(1), 0x66n);
    assert.equal(readLinear(m.phys, m.cpu.cr3, BigInt(TEST_DATA + 0x18), 1)[0], 0x55);
    assert.ok(assign('%rbx', 'rbx + 1', ctx).ok);
    assert.equal(m.cpu.getReg(3), 0xabcen);
  });
});

describe('evaluate with the real samples/kernel-entry headers', () => {
  const INCLUDE = resolve('samples/kernel-entry/include');
  const nodeFs: SourceFileSystem = {
    readFile: (p) => (p === '<asm-macros>' ? '#include <asm/percpu.h>\n#include <asm/asm-offsets.h>\n' : existsSync(p) ? readFileSync(p, 'utf8') : undefined),
    resolve: (dir, rel) => (rel.startsWith('/') ? rel : join(dir, rel)),
    dirname: (p) => dirname(p),
  };
  const headers = ['asm', 'linux'].flatMap((d) => readdirSync(join(INCLUDE, d)).filter((f) => f.endsWith('.h')).map((f) => join(INCLUDE, d, f)));
  const { types, diagnostics } = readCTypes(headers, { fs: nodeFs, includePaths: [INCLUDE] });
  // The fixture holds the per-CPU declarations too, for checkouts whose sample headers lack them.
  const fixture = readCTypes([resolve('src/core/inspect/fixtures/kernel-percpu.h')], { fs: nodeFs, includePaths: [INCLUDE] });

  // Symbol values as the sample's linker script gives them: .data..percpu linked at 0.
  const CPU_TSS_RW = 0x0n;
  const PCPU_HOT = 0x2000n;
  const BASES = [0x0120_0000n, 0x0120_8000n];
  const FRAME = 0x0140_3f58n;

  for (const [source, table, problems] of [['the sample headers', types, diagnostics], ['the fixture header', fixture.types, fixture.diagnostics]] as const) {
    it(`pcpu_hot.top_of_stack, cpu_tss_rw.x86_tss.sp2, pt_regs casts and per_cpu() (types from ${source})`, () => {
      assert.deepEqual(problems, []);
      const m = new FakeMachine(table);
      m.cpuCount = 2;
      m.perCpuBases.push(...BASES);
      m.symbols.set('cpu_tss_rw', CPU_TSS_RW).set('pcpu_hot', PCPU_HOT);
      m.perCpuSymbols.add('cpu_tss_rw').add('pcpu_hot');
      for (const base of BASES) m.map(base, 0x3000);
      m.map(FRAME, 168);
      m.pokeU64(BASES[0] + PCPU_HOT + 24n, 0x0140_4000n); // X86_top_of_stack
      m.pokeU64(BASES[0] + CPU_TSS_RW + 20n, 0x7fff_ffff_e000n); // TSS_sp2: the parked user RSP
      m.pokeU64(BASES[1] + PCPU_HOT, 0x0130_0040n); // CPU 1's current_task
      m.pokeU64(FRAME + 128n, 0x40_1234n); // pt_regs.ip
      m.segmentBases.gs = BASES[0];
      const asmMacros = preprocess('<asm-macros>', { fs: nodeFs, includePaths: [INCLUDE] }).macros;
      m.macros = createMacroExpander(asmMacros);
      const show = (text: string) => {
        const r = evaluate(text, m);
        return r.ok ? `${formatValue(r.value, m)} : ${table.formatType(r.value.type)}` : r.message;
      };
      assert.equal(show('pcpu_hot.top_of_stack'), '0x0000000001404000 : unsigned long');
      assert.equal(show('cpu_tss_rw.x86_tss.sp2'), '0x00007fffffffe000 : u64');
      assert.equal(show(`((struct pt_regs *)(${FRAME}))->ip`), '0x0000000000401234 : unsigned long');
      assert.equal(show('per_cpu(pcpu_hot, 1).current_task'), '0x0000000001300040 : struct task_struct *');
      // The operand exactly as entry_SYSCALL_64 writes it, through the sample's own macros.
      assert.equal(show('PER_CPU_VAR(cpu_tss_rw + TSS_sp2)'), '0x00007fffffffe000 : u64');
      assert.equal(show('%gs:cpu_tss_rw+0x14'), '0x00007fffffffe000 : u64');
      assert.equal(show('PER_CPU_VAR(pcpu_hot + X86_top_of_stack)'), '0x0000000001404000 : u64');
      assert.equal(show('sizeof(struct pt_regs) == SIZEOF_PTREGS'), '1 : int');
    });
  }
});
