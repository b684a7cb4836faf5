import { strict as assert } from 'node:assert';
import { memoryFileSystem } from '../asm/preprocess/memfs.js';
import { formatType, readCTypes } from './ctypes.js';
import { assign, childCount, childrenOf, completions, evaluate, formatValue, type EvalContext, type Value } from './expression.js';
import { FakeMachine } from './fake-context.test-support.js';

const HEADER = `
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;
struct task_struct { unsigned int __state; int on_cpu; void *stack; int pid; };
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
struct pcpu_hot {
	union {
		struct { struct task_struct *current_task; int preempt_count; int cpu_number; u64 call_depth; unsigned long top_of_stack; };
		u8 pad[64];
	};
};
struct pte_bits { unsigned present:1, rw:1, user:1; unsigned long pfn:40; int level:3; };
enum state { RUNNING, SLEEPING = 2 };
DECLARE_PER_CPU_ALIGNED(struct pcpu_hot, pcpu_hot);
DECLARE_PER_CPU(int, counter);
extern u32 table[4];
extern struct pte_bits pte;
extern enum state st;
extern char letter;
extern struct task_struct *task_ptr;
`;

const PERCPU0 = 0x10_0000n;
const PERCPU1 = 0x20_0000n;
const HOT = 0x40n; // pcpu_hot's offset in the per-CPU section
const COUNTER = 0x100n;
const TABLE = 0x60_0000n;
const TASK = 0x60_1000n;
const STACK = 0x7000_0000n;

/** Two CPUs with per-CPU areas, a task, a table, registers and a stack with a pt_regs frame. */
function machine(): FakeMachine {
  const { types, diagnostics } = readCTypes(['k.h'], { fs: memoryFileSystem({ 'k.h': HEADER }) });
  assert.deepEqual(diagnostics, []);
  const m = new FakeMachine(types);
  m.cpuCount = 2;
  m.perCpuBases.push(PERCPU0, PERCPU1);
  for (const [name, value] of [['pcpu_hot', HOT], ['counter', COUNTER], ['table', TABLE], ['pte', TABLE + 0x40n], ['st', TABLE + 0x50n], ['letter', TABLE + 0x58n], ['task_ptr', TABLE + 0x60n], ['init_task', TASK], ['untyped_percpu', 0x200n], ['boot_gdt', TABLE + 0x80n]] as const) {
    m.symbols.set(name, value);
  }
  m.perCpuSymbols.add('untyped_percpu');
  m.map(PERCPU0, 0x1000).map(PERCPU1, 0x1000).map(TABLE, 0x2000).map(STACK - 0x1000n, 0x2000);
  m.pokeU64(PERCPU0 + HOT, TASK).pokeU64(PERCPU0 + HOT + 24n, 0xffff_c900_0000_4000n);
  m.pokeU64(PERCPU1 + HOT, TASK + 0x40n).pokeU64(PERCPU1 + HOT + 24n, 0xffff_c900_0001_0000n);
  m.poke(PERCPU0 + COUNTER, [7, 0, 0, 0]).poke(PERCPU1 + COUNTER, [9, 0, 0, 0]);
  m.poke(PERCPU0 + 0x200n, [0x11]);
  m.poke(TABLE, [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  m.poke(TABLE + 0x50n, [2, 0, 0, 0]).poke(TABLE + 0x58n, [0x41]).pokeU64(TABLE + 0x60n, TASK);
  m.pokeU64(TABLE + 0x80n, 0x00af9b000000ffffn);
  // task at TASK: __state 0, on_cpu 1, stack, pid 42; the second task (CPU 1's) pid 7.
  m.poke(TASK, [0, 0, 0, 0, 1, 0, 0, 0]).pokeU64(TASK + 8n, 0xffff_c900_0000_0000n).poke(TASK + 16n, [42, 0, 0, 0]);
  m.poke(TASK + 0x40n + 16n, [7, 0, 0, 0]);
  // A pt_regs frame at rsp: ip at +128, and a quadword below rbp.
  m.pokeU64(STACK + 128n, 0x40_1000n).pokeU64(STACK + 8n, 0x1234n).pokeU64(STACK - 8n, 0xfeedn);
  for (const [r, v] of [['rsp', STACK], ['rbp', STACK], ['rax', 2n], ['rbx', STACK], ['rcx', 0x10n], ['eax', 2n], ['al', 2n], ['rip', 0x40_1000n], ['cr3', 0x1000n]] as const) m.registers.set(r, v);
  m.segmentBases.gs = PERCPU0;
  return m;
}

function value(text: string, ctx: EvalContext): Value {
  const r = evaluate(text, ctx);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
  return r.value;
}
const bits = (text: string, ctx: EvalContext) => value(text, ctx).bits;
const shown = (text: string, ctx: EvalContext) => formatValue(value(text, ctx), ctx);
const typeOfValue = (text: string, ctx: EvalContext) => formatType(value(text, ctx).type);
function failure(text: string, ctx: EvalContext): string {
  const r = evaluate(text, ctx);
  assert.ok(!r.ok, `${text} should fail`);
  return `${r.column}: ${r.message}`;
}

describe('evaluate: registers and literals', () => {
  const m = machine();

  it('reads registers as %rsp, $rsp and rsp, typed by width', () => {
    for (const text of ['%rsp', '$rsp', 'rsp', '%RSP']) assert.equal(bits(text, m), STACK, text);
    assert.equal(typeOfValue('%eax', m), 'u32');
    assert.equal(typeOfValue('al', m), 'u8');
    assert.deepEqual(value('%rax', m).lvalue, { kind: 'register', name: 'rax' });
  });

  it('says which register is unknown and where', () => {
    assert.equal(failure('1+%rxx', m), '3: unknown register %rxx at column 3');
    assert.equal(failure('%r9', m), '1: unknown register %r9 at column 1', 'the context decides which registers exist');
  });

  it('reads integer literals in every base with C types', () => {
    assert.equal(bits('42', m), 42n);
    assert.equal(bits('0x2a', m), 42n);
    assert.equal(bits('0b101010', m), 42n);
    assert.equal(bits('0o52', m), 42n);
    assert.equal(bits('052', m), 42n);
    assert.equal(bits("'a'", m), 97n);
    assert.equal(bits("'\\n'", m), 10n);
    assert.equal(typeOfValue('42', m), 'int');
    assert.equal(typeOfValue('0xffffffff', m), 'unsigned int');
    assert.equal(typeOfValue('4294967296', m), 'long');
    assert.equal(typeOfValue('1UL', m), 'unsigned long');
    assert.equal(typeOfValue('1u', m), 'unsigned int');
    assert.equal(bits('-1U', m), 0xffffffffn);
    assert.equal(failure('0x', m), "1: invalid number '0x' at column 1");
    assert.equal(failure('09', m), "1: invalid number '09' at column 1");
  });
});

describe('evaluate: C operators', () => {
  const m = machine();

  it('follows C precedence, promotion and unsigned arithmetic', () => {
    assert.equal(bits('1 + 2 * 3 << 1', m), 14n);
    assert.equal(bits('(1 + 2) * 3', m), 9n);
    assert.equal(bits('-7 / 2', m), -3n);
    assert.equal(bits('-7 % 3', m), -1n);
    assert.equal(bits('0u - 1 > 0', m), 1n, 'unsigned int wraps');
    assert.equal(bits('-1 < 0', m), 1n);
    assert.equal(bits('~0 == -1', m), 1n);
    assert.equal(bits('!5', m), 0n);
    assert.equal(bits('6 & 3 | 8 ^ 1', m), 11n);
    assert.equal(bits('rsp - 8', m), STACK - 8n);
    assert.equal(typeOfValue('rsp - 8', m), 'u64');
    assert.equal(bits('0 ? 1 : 2', m), 2n);
    assert.equal(bits('rax == 2 && rcx >= 0x10 || 0', m), 1n);
  });

  it('does not evaluate the side that && and || and ?: skip (no read of unmapped memory)', () => {
    assert.equal(bits('0 && *(u64 *)0xdead', m), 0n);
    assert.equal(bits('1 || *(u64 *)0xdead', m), 1n);
    assert.equal(bits('1 ? 5 : *(u64 *)0xdead', m), 5n);
  });

  it('reports division by zero at the operator', () => {
    assert.equal(failure('rax / (rcx - 16)', m), '5: division by zero at column 5');
  });

  it('casts, truncating and extending as C does', () => {
    assert.equal(bits('(u8)0x1234', m), 0x34n);
    assert.equal(bits('(unsigned long)-1', m), 0xffff_ffff_ffff_ffffn);
    assert.equal(bits('(int)0xffffffff', m), -1n);
    assert.equal(bits('(long)(int)-1', m), -1n);
    assert.equal(typeOfValue('(u64 *)rsp', m), 'u64 *');
    assert.equal(failure('(struct pt_regs)rsp', m), '1: cannot cast to struct pt_regs (only a memory operand can be viewed as one: (struct pt_regs)(%rsp)) at column 1');
  });

  it('sizeof of types and of expressions (without reading memory)', () => {
    assert.equal(bits('sizeof(struct pt_regs)', m), 168n);
    assert.equal(bits('sizeof(u32)', m), 4n);
    assert.equal(bits('sizeof table', m), 16n);
    assert.equal(bits('sizeof *(struct pt_regs *)0xdead', m), 168n);
    assert.equal(bits('sizeof(pcpu_hot)', m), 64n);
    assert.equal(failure('sizeof(struct nosuch)', m), "15: unknown struct 'nosuch' at column 15");
  });

  it('never throws, whatever the text', () => {
    const pieces = ['(', ')', '%', '$', 'rsp', '8', ',', '*', '&', '->', '.', 'pcpu_hot', 'struct', 'u64', ':', '%gs', '[', ']', '?', "'", '"', 'sizeof', 'per_cpu', '-', '0x', '@'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + rand(8) }, () => pieces[rand(pieces.length)]).join(rand(2) ? ' ' : '');
      const r = evaluate(text, m);
      if (!r.ok) assert.ok(r.column >= 1 && r.column <= text.length + 1 && !/internal error/.test(r.message), `${text}: ${r.column} ${r.message}`);
    }
  });
});

describe('evaluate: symbols, C objects and pointers', () => {
  const m = machine();

  it('an untyped symbol is its address; *sym reads a u64 there; &sym is a u64 *', () => {
    assert.equal(bits('boot_gdt', m), TABLE + 0x80n);
    assert.equal(typeOfValue('boot_gdt', m), 'u64');
    assert.equal(bits('*boot_gdt', m), 0x00af9b000000ffffn);
    assert.equal(typeOfValue('&boot_gdt', m), 'u64 *');
    assert.equal(bits('*&boot_gdt', m), 0x00af9b000000ffffn);
  });

  it('a symbol with a C declaration is the object: fields, arrays, enums, pointers', () => {
    assert.equal(bits('table[1]', m), 2n);
    assert.equal(bits('table[3]', m), 0xffffffffn);
    assert.equal(bits('*(table + 2)', m), 3n, 'pointer arithmetic scales by the element size');
    assert.equal(bits('&table[3] - &table[1]', m), 2n);
    assert.equal(bits('(u64)(&table[3]) - (u64)table', m), 12n);
    assert.equal(shown('st', m), 'SLEEPING (2)');
    assert.equal(bits('task_ptr->pid', m), 42n);
    assert.equal(bits('(*task_ptr).on_cpu', m), 1n);
    assert.equal(bits('task_ptr[1].pid', m), 0n);
    assert.equal(value('task_ptr->pid', m).lvalue?.kind, 'memory');
    assert.deepEqual(value('task_ptr->pid', m).lvalue, { kind: 'memory', address: TASK + 16n });
  });

  it('reads bit-fields at their bit positions', () => {
    // present=1 rw=0 user=1, pfn=0x12345, level=-2 (3-bit signed)
    const word = 1n | (1n << 2n) | (0x12345n << 3n) | (BigInt.asUintN(3, -2n) << 43n);
    m.pokeU64(TABLE + 0x40n, word);
    assert.equal(bits('pte.present', m), 1n);
    assert.equal(bits('pte.rw', m), 0n);
    assert.equal(bits('pte.user', m), 1n);
    assert.equal(bits('pte.pfn', m), 0x12345n);
    assert.equal(bits('pte.level', m), -2n);
  });

  it('explains what is wrong: unknown names, missing fields (listing them), unmapped memory', () => {
    assert.equal(failure('nosuch + 1', m), "1: unknown symbol 'nosuch' at column 1");
    assert.equal(failure('pcpu_hot.foo', m), "10: no field 'foo' in struct pcpu_hot (fields: current_task, preempt_count, cpu_number, call_depth, top_of_stack, pad) at column 10");
    assert.equal(failure('*(u64 *)0xdead', m), '1: cannot dereference: 0x000000000000dead is not mapped at column 1');
    assert.equal(failure('((struct pt_regs *)0x1000)->ip', m), '27: cannot dereference: 0x0000000000001080 is not mapped at column 27');
    assert.equal(failure('rax->ip', m), "4: '->' needs a pointer to a struct, not u64 at column 4");
    assert.equal(failure('*(void *)rsp', m), '1: cannot dereference a void pointer (cast it first, e.g. *(u64 *)p) at column 1');
    assert.equal(failure('&rax', m), '1: cannot take the address of register %rax at column 1');
    assert.equal(failure('rsp rsp', m), "5: unexpected 'rsp' at column 5");
    assert.equal(failure('(1 + 2', m), "7: expected ')' at end of input at column 7");
    assert.equal(failure('', m), '1: empty expression at column 1');
    assert.equal(failure('*pcpu_hot', m), '1: cannot dereference struct pcpu_hot at column 1');
    assert.equal(failure('"text"', m), '1: string literals are not supported (they have no address in the debugged program) at column 1');
    m.types.defineVariable('declared_only', { type: m.types.typedef('u64')!, perCpu: false });
    assert.equal(failure('declared_only', m), "1: 'declared_only' is declared in the headers but is not in the symbol table at column 1");
  });
});

describe('evaluate: AT&T operands as written in source', () => {
  const m = machine();

  it('disp(base, index, scale) is the quadword it addresses', () => {
    assert.equal(bits('8(%rsp)', m), 0x1234n);
    assert.equal(bits('-8(%rbp)', m), 0xfeedn, 'the displacement is -8, not -(8(%rbp))');
    assert.equal(bits('(%rsp,%rcx,8)', m), 0x40_1000n, 'rsp + 16*8 = the ip slot');
    assert.equal(bits('0x80(%rbx)', m), 0x40_1000n);
    assert.equal(bits('0x5ffff8(,%rcx,1)', m), 0xffff_ffff_0000_0003n, 'table[2] and table[3] as one quadword');
    assert.equal(failure('0x10(,%rcx,8)', m), '1: cannot dereference: 0x0000000000000090 is not mapped at column 1');
    assert.deepEqual(value('8(%rsp)', m).lvalue, { kind: 'memory', address: STACK + 8n });
    assert.equal(bits('8(%rsp) + 1', m), 0x1235n);
    assert.equal(failure('*8(%rsp)', m), '1: cannot dereference: 0x0000000000001234 is not mapped at column 1', 'GAS reads *8(%rsp) as the pointer stored there');
  });

  it('(%rax) is memory, (rax) is the value; a cast of an operand views its memory', () => {
    m.registers.set('rdx', STACK);
    assert.equal(bits('(rdx)', m), STACK);
    assert.equal(bits('(%rdx)', m), 0n);
    assert.equal(bits('(u16)8(%rsp)', m), 0x1234n);
    assert.equal(bits('((struct pt_regs)(%rsp)).ip', m), 0x40_1000n);
    assert.equal(bits('(struct pt_regs *)rsp == (struct pt_regs *)%rsp', m), 1n);
  });

  it('sym(%rip) is the symbol’s address; %seg: adds the segment base; $ is an immediate', () => {
    assert.equal(bits('boot_gdt(%rip)', m), 0x00af9b000000ffffn);
    assert.equal(bits('%gs:0x40', m), TASK, '%gs:0x40 = pcpu_hot.current_task of CPU 0');
    assert.equal(bits('%gs:pcpu_hot+24', m), 0xffff_c900_0000_4000n);
    assert.equal(bits('%gs:(pcpu_hot + 24)', m), 0xffff_c900_0000_4000n);
    assert.equal(bits('$5', m), 5n);
    assert.equal(bits('$boot_gdt', m), TABLE + 0x80n);
    assert.equal(bits('$(2 * 4)', m), 8n);
    assert.equal(failure('%gs:nosuch', m), "5: unknown symbol 'nosuch' at column 5");
    assert.equal(failure('8(%rsp,%rax,3)', m), '13: scale factor must be 1, 2, 4 or 8 at column 13');
  });

  it('evaluates macros it does not know by name through expandMacros', () => {
    m.macros = (text) => text.replace(/PER_CPU_VAR\(([^)]*)\)/, '%gs:$1').replace(/X86_top_of_stack/g, '24').replace(/BAD\(\)/, 'nosuch2');
    assert.equal(bits('PER_CPU_VAR(pcpu_hot + X86_top_of_stack)', m), 0xffff_c900_0000_4000n);
    assert.equal(failure('BAD()', m), '1: unknown symbol \'nosuch2\' (in the macro expansion "nosuch2") at column 1');
    m.macros = undefined;
  });
});

describe('evaluate: per-CPU variables', () => {
  const m = machine();

  it('a per-CPU name is this CPU’s copy; per_cpu(x, n) is CPU n’s', () => {
    assert.equal(bits('counter', m), 7n);
    assert.equal(bits('pcpu_hot.top_of_stack', m), 0xffff_c900_0000_4000n);
    assert.equal(bits('per_cpu(counter, 1)', m), 9n);
    assert.equal(bits('per_cpu(pcpu_hot, 1).current_task', m), TASK + 0x40n);
    assert.equal(bits('per_cpu(pcpu_hot, 1).current_task->pid', m), 7n);
    assert.equal(bits('per_cpu(pcpu_hot.top_of_stack, 1)', m), 0xffff_c900_0001_0000n);
    assert.equal(bits('this_cpu_ptr(&pcpu_hot)', m), PERCPU0 + HOT);
    assert.equal(bits('per_cpu_ptr(&pcpu_hot, 1)', m), PERCPU1 + HOT);
    assert.equal(bits('&pcpu_hot', m), PERCPU0 + HOT);
    assert.equal(bits('untyped_percpu', m), PERCPU0 + 0x200n, 'a per-CPU symbol without a type: this CPU’s address');
    assert.equal(bits('*untyped_percpu', m), 0x11n);
  });

  it('follows the context’s current CPU', () => {
    const cpu1 = machine();
    cpu1.cpu = 1;
    assert.equal(bits('counter', cpu1), 9n);
    assert.equal(bits('pcpu_hot.current_task->pid', cpu1), 7n);
  });

  it('says when per-CPU access cannot work', () => {
    assert.equal(failure('per_cpu(table, 1)', m), '9: per_cpu: the first argument does not name a per-CPU variable at column 9');
    assert.equal(failure('per_cpu(counter, 5)', m), '9: CPU 5 does not exist (there are 2) at column 9');
    const early = machine();
    early.perCpuBases.length = 1;
    assert.match(failure('per_cpu(counter, 1)', early), /per-CPU area of CPU 1 is not known/);
    assert.equal(failure('per_cpu(counter)', m), '1: per_cpu() takes 2 arguments at column 1');
    assert.equal(failure('frobnicate(1)', m), "1: unknown function 'frobnicate' (functions: per_cpu, per_cpu_ptr, this_cpu_ptr, pagewalk, sizeof) at column 1");
  });

  it('pagewalk(addr[, cr3]) returns the context’s explanation as text', () => {
    assert.equal(value('pagewalk(rsp + 8)', m).text, 'walk of 0x70000008');
    assert.equal(shown('pagewalk(rsp, cr3)', m), 'walk of 0x70000000 under 0x1000');
  });
});

describe('assign', () => {
  it('writes registers with the width of the name', () => {
    const m = machine();
    const r = assign('%eax', '0x1_0000_0005'.replace(/_/g, ''), m);
    assert.ok(r.ok);
    assert.equal(m.registers.get('eax'), 5n, 'truncated to 32 bits');
    assert.ok(assign('rax', 'rax + 1', m).ok);
    assert.equal(m.registers.get('rax'), 3n);
  });

  it('writes memory, fields and bit-fields with the target’s size, leaving neighbours alone', () => {
    const m = machine();
    assert.ok(assign('table[1]', '0x11223344AA', m).ok);
    assert.deepEqual([...m.readMemory(TABLE + 4n, 8)!], [0xaa, 0x44, 0x33, 0x22, 3, 0, 0, 0]);
    assert.ok(assign('per_cpu(pcpu_hot, 1).top_of_stack', '0xffffc90000020000', m).ok);
    assert.equal(m.peekU64(PERCPU1 + HOT + 24n), 0xffff_c900_0002_0000n);
    m.pokeU64(TABLE + 0x40n, 0xffff_ffff_ffff_ffffn);
    const r = assign('pte.pfn', '0', m);
    assert.ok(r.ok);
    assert.equal(r.value.bits, 0n);
    assert.equal(m.peekU64(TABLE + 0x40n), 0xffff_f800_0000_0007n);
    assert.ok(assign('pte.level', '-1', m).ok);
    assert.equal(bits('pte.level', m), -1n);
    assert.ok(assign('8(%rsp)', '0x99', m).ok);
    assert.equal(m.peekU64(STACK + 8n), 0x99n);
  });

  it('refuses what cannot be written, saying why', () => {
    const m = machine();
    assert.deepEqual(assign('rax + 1', '5', m), { ok: false, message: "cannot assign to 'rax + 1': it is a value, not a register or memory at column 1", column: 1 });
    assert.equal((assign('*(u64 *)0xdead', '1', m) as { message: string }).message, "cannot write '*(u64 *)0xdead': 0xdead is not mapped at column 1");
    assert.match((assign('table', '1', m) as { message: string }).message, /cannot assign to an array/);
    assert.match((assign('rax', 'nosuch', m) as { message: string }).message, /^in the value: unknown symbol 'nosuch'/);
  });
});

describe('formatValue, childrenOf, completions', () => {
  const m = machine();

  it('formats numbers by type: unsigned in hex at full width, signed in decimal, chars, bools, enums, pointers with symbols', () => {
    assert.equal(shown('rsp', m), '0x0000000070000000');
    assert.equal(shown('(u64)0x2a', m), '0x000000000000002a (42)');
    assert.equal(shown('(u32)7', m), '0x00000007');
    assert.equal(shown('-8', m), '-8 (0xfffffff8)');
    assert.equal(shown('task_ptr->pid', m), '42 (0x0000002a)');
    assert.equal(shown('letter', m), "0x41 'A'");
    assert.equal(shown('(_Bool)5', m), 'true');
    assert.equal(shown('(struct task_struct *)init_task', m), '0x0000000000601000 <init_task>');
    assert.equal(shown('pcpu_hot', m), '{…}');
    assert.equal(shown('table', m), '[4]');
  });

  it('expands structs (anonymous members flattened), pointers to structs, and pages of arrays', () => {
    const hot = value('pcpu_hot', m);
    const children = childrenOf(hot, m, { evaluateName: 'pcpu_hot' });
    assert.deepEqual(children.map((c) => c.name), ['current_task', 'preempt_count', 'cpu_number', 'call_depth', 'top_of_stack', 'pad']);
    assert.equal(childCount(hot), 6);
    const task = children[0];
    assert.equal(task.evaluateName, 'pcpu_hot.current_task');
    assert.equal(formatValue(task.value, m), '0x0000000000601000 <init_task>');
    const taskFields = childrenOf(task.value, m, { evaluateName: task.evaluateName });
    assert.deepEqual(taskFields.map((c) => `${c.evaluateName} = ${formatValue(c.value, m)}`), [
      'pcpu_hot.current_task->__state = 0x00000000',
      'pcpu_hot.current_task->on_cpu = 1',
      'pcpu_hot.current_task->stack = 0xffffc90000000000',
      'pcpu_hot.current_task->pid = 42 (0x0000002a)',
    ]);
    // Every evaluateName evaluates back to the same value.
    for (const c of [...children, ...taskFields]) assert.equal(bits(c.evaluateName, m), c.value.bits, c.evaluateName);
    const page = childrenOf(value('table', m), m, { evaluateName: 'table', start: 1, count: 2 });
    assert.deepEqual(page.map((c) => [c.name, c.evaluateName, c.value.bits]), [['[1]', 'table[1]', 2n], ['[2]', 'table[2]', 3n]]);
    const cast = childrenOf(value('(struct pt_regs *)rsp', m), m, { evaluateName: '(struct pt_regs *)rsp' });
    assert.equal(cast.find((c) => c.name === 'ip')!.evaluateName, '((struct pt_regs *)rsp)->ip');
    assert.equal(bits('((struct pt_regs *)rsp)->ip', m), 0x40_1000n);
  });

  it('marks unreadable children instead of failing, and leaves null and void pointers closed', () => {
    const regs = value('(struct pt_regs *)(rsp + 0xf80)', m);
    const kids = childrenOf(regs, m, { evaluateName: 'x' });
    assert.equal(kids[0].value.error, undefined);
    assert.equal(kids.find((c) => c.name === 'orig_ax')!.value.error, undefined, 'orig_ax at 0x70000ff8 is still mapped');
    assert.equal(kids.find((c) => c.name === 'ip')!.value.error, 'cannot dereference: 0x0000000070001000 is not mapped');
    assert.equal(formatValue(kids.at(-1)!.value, m), '<cannot dereference: 0x0000000070001020 is not mapped>');
    assert.deepEqual(childrenOf(value('(struct task_struct *)0', m), m), []);
    assert.deepEqual(childrenOf(value('(void *)rsp', m), m), []);
    const q = childrenOf(value('(u64 *)rsp + 1', m), m, { evaluateName: '(u64 *)rsp + 1' });
    assert.deepEqual(q.map((c) => [c.evaluateName, c.value.bits]), [['*((u64 *)rsp + 1)', 0x1234n]]);
  });

  it('completes fields after . and ->, registers after %, and names otherwise', () => {
    assert.deepEqual(completions('pcpu_hot.top', m), ['top_of_stack']);
    assert.deepEqual(completions('per_cpu(pcpu_hot, 1).current_task->p', m), ['pid']);
    assert.deepEqual(completions('((struct pt_regs *)rsp)->i', m), ['ip']);
    assert.deepEqual(completions('1 + %r', m), ['rax', 'rbp', 'rbx', 'rcx', 'rip', 'rsp']);
    assert.deepEqual(completions('per', m), ['per_cpu', 'per_cpu_ptr']);
    assert.deepEqual(completions('pcpu', m), ['pcpu_hot']);
    assert.deepEqual(completions('SLEE', m), ['SLEEPING']);
    assert.deepEqual(completions('nosuch.', m), []);
  });
});
