import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { memoryFileSystem } from '../asm/preprocess/memfs.js';
import type { SourceFileSystem } from '../asm/types.js';
import { alignOf, findField, formatType, readCTypes, sizeOf, visibleFields, type CRecordType, type CType, type CTypeTable } from './ctypes.js';

const nodeFs: SourceFileSystem = {
  readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
  resolve: (dir, rel) => (rel.startsWith('/') ? rel : join(dir, rel)),
  dirname: (p) => dirname(p),
};

const SAMPLE_INCLUDE = resolve('samples/kernel-entry/include');
const SAMPLE_HEADERS = ['asm', 'linux'].flatMap((d) => readdirSync(join(SAMPLE_INCLUDE, d)).filter((f) => f.endsWith('.h')).map((f) => join(SAMPLE_INCLUDE, d, f))).sort();
const FIXTURE = resolve('src/core/inspect/fixtures/tricky.h');

function struct(types: CTypeTable, tag: string): CRecordType {
  const s = types.struct(tag) ?? types.union(tag);
  assert.ok(s, `struct ${tag} is known`);
  return s;
}

function offsets(r: CRecordType): Record<string, number> {
  return Object.fromEntries(visibleFields(r).map((f) => [f.name, f.offset]));
}

describe('readCTypes: the sample kernel headers', () => {
  const { types, diagnostics } = readCTypes(SAMPLE_HEADERS, { fs: nodeFs, includePaths: [SAMPLE_INCLUDE] });

  it('reads every header without a diagnostic (the #ifndef __ASSEMBLY__ halves are C)', () => {
    assert.deepEqual(diagnostics.map((d) => `${d.location.file}:${d.location.line}: ${d.message}`), []);
    for (const tag of ['x86_hw_tss', 'tss_struct', 'pcpu_hot', 'pt_regs', 'task_struct', 'thread_struct']) assert.ok(types.struct(tag)?.complete, tag);
  });

  it('lays out the packed TSS, the page-aligned tss_struct and pcpu_hot as asm-offsets.h says', () => {
    assert.deepEqual(offsets(struct(types, 'x86_hw_tss')), { reserved1: 0, sp0: 4, sp1: 12, sp2: 20, reserved2: 28, ist: 36, reserved3: 92, reserved4: 96, reserved5: 100, io_bitmap_base: 102 });
    const tss = struct(types, 'tss_struct');
    assert.equal(tss.size, 4096);
    assert.equal(tss.align, 4096);
    assert.equal(findField(tss, 'df_stack')!.offset, 0x100);
    // pcpu_hot's fields live in an anonymous struct inside an anonymous union: C names them directly.
    const hot = struct(types, 'pcpu_hot');
    assert.equal(hot.size, 64);
    assert.deepEqual(
      Object.fromEntries(Object.entries(offsets(hot)).filter(([n]) => n !== 'pad')),
      { current_task: 0, preempt_count: 8, cpu_number: 12, call_depth: 16, top_of_stack: 24, hardirq_stack_ptr: 32, softirq_pending: 40, hardirq_stack_inuse: 42 },
    );
    assert.equal(formatType(findField(hot, 'current_task')!.field.type), 'struct task_struct *');
  });

  it('knows the variables, marks the DECLARE_PER_CPU* ones per-CPU even though percpu.h #defines those macros', () => {
    assert.deepEqual(types.variable('pcpu_hot'), { type: types.struct('pcpu_hot'), perCpu: true });
    assert.equal(types.variable('cpu_tss_rw')?.perCpu, true);
    assert.equal(types.variable('need_resched')?.perCpu, true);
    assert.equal(formatType(types.variable('need_resched')!.type), 'int');
    assert.equal(types.variable('init_task')?.perCpu, false);
    // Array length from a #define of a #define: NR_TASKS = NR_CPUS + NR_USER_TASKS.
    assert.equal(formatType(types.variable('tasks')!.type), 'struct task_struct [5]');
    assert.equal(formatType(types.variable('__per_cpu_offset')!.type), 'unsigned long []');
  });
});

describe('readCTypes: declarations', () => {
  const read = (text: string, extra: Record<string, string> = {}) => readCTypes(['t.h'], { fs: memoryFileSystem({ 't.h': text, ...extra }) });

  it('reads the fixture header: per-CPU forms, arrays sized by #defines and sizeof, enums, typedefs', () => {
    const { types, diagnostics } = readCTypes([FIXTURE], { fs: nodeFs });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(types.variable('fixture_counter'), { type: types.typedef('s8') && { kind: 'int', name: 'int', size: 4, signed: true }, perCpu: true });
    assert.equal(types.variable('fixture_shared')?.type, types.struct('with_anon'));
    assert.equal(types.variable('fixture_shared')?.perCpu, true);
    assert.equal(formatType(types.variable('fixture_table')!.type), 'u64 []', 'a later `extern T x[]` keeps the type');
    assert.equal(formatType(types.variable('fixture_matrix')!.type), 'int [2][3]');
    assert.equal(formatType(types.variable('fixture_ptr')!.type), 'int *');
    assert.equal(formatType(findField(struct(types, 'nested_arrays'), 'rows')!.field.type), 'char [2][9]');
    assert.equal(formatType(findField(struct(types, 'fnptrs'), 'rowp')!.field.type), 'u8 (*)[16]');
    assert.deepEqual(types.enum('color')!.values, [{ name: 'RED', value: 0n }, { name: 'GREEN', value: 5n }, { name: 'BLUE', value: 6n }]);
    assert.equal(types.enumConstant('BLUE')?.value, 6n);
    assert.equal(types.struct('fwd')?.complete, false, 'a forward declaration stays incomplete');
    assert.equal(types.typedef('gate_t')?.kind, 'struct');
    assert.equal(formatType(types.typedef('gate_t')!), 'gate_t');
  });

  it('completes a forward-declared struct in place, so earlier pointers see its fields', () => {
    const { types } = read('struct node;\nstruct list { struct node *head; };\nstruct node { int v; struct node *next; };\n');
    const head = findField(struct(types, 'list'), 'head')!.field.type;
    assert.ok(head.kind === 'pointer' && head.to === types.struct('node'));
    assert.equal(sizeOf(head.to), 16);
  });

  it('records bit-fields with byte offset, bit offset and width', () => {
    const { types } = read('struct flags { unsigned present:1, rw:1, user:1; unsigned long pfn:40; int level:3; };\n');
    const f = (n: string) => findField(struct(types, 'flags'), n)!.field;
    assert.deepEqual([f('present').offset, f('present').bitOffset, f('present').bitWidth], [0, 0, 1]);
    assert.deepEqual([f('user').offset, f('user').bitOffset], [0, 2]);
    assert.deepEqual([f('pfn').offset, f('pfn').bitOffset, f('pfn').bitWidth], [0, 3, 40]);
    assert.deepEqual([f('level').offset, f('level').bitOffset], [5, 3]);
  });

  it('skips prototypes, inline functions, static asserts and initialisers without a word', () => {
    const { types, diagnostics } = read(
      'int f(int);\nstatic inline long g(struct pt_regs *r) { if (r) { return 1; } return 0; }\n' +
        '_Static_assert(1, "x");\nstatic const int table[3] = { 1, 2, 3 };\nstruct after { int ok; };\n',
    );
    assert.deepEqual(diagnostics, []);
    assert.ok(types.struct('after')?.complete);
    assert.equal(formatType(types.variable('table')!.type), 'int [3]');
  });

  it('reports bad declarations with file and line, and goes on with the next one', () => {
    const { types, diagnostics } = read('#include "inner.h"\nstruct ok1 { int a; };\n', {
      'inner.h': 'struct broken { int a b; };\natomic_t counter;\nstruct later { char c; };\nstruct incomplete_member { struct nowhere n; };\n',
    });
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.location.file, d.location.line, d.message]),
      [
        ['error', 'inner.h', 1, "expected ',' or ';' before 'b'; declaration skipped"],
        ['warning', 'inner.h', 2, "unknown type name 'atomic_t'; declaration skipped"],
        ['error', 'inner.h', 4, "field 'n' has incomplete type; declaration skipped"],
      ],
    );
    assert.equal(diagnostics[0].location.column, 23);
    // "included from t.h:1"; the generated file that includes t.h is not shown.
    assert.deepEqual(diagnostics[0].chain.map((c) => `${c.kind} ${c.location.file}:${c.location.line}`), ['include t.h:1']);
    assert.ok(types.struct('later')?.complete);
    assert.ok(types.struct('ok1')?.complete);
  });

  it('reports a missing header and never throws on garbage', () => {
    const missing = readCTypes(['nope.h'], { fs: memoryFileSystem({}) });
    assert.match(missing.diagnostics[0].message, /nope\.h: No such file or directory/);
    const inputs = ['struct {', 'struct a { int x[; };', 'typedef', '}}}};;;', 'int (((((x', 'enum e { A = 1/0 };', "char c = '", 'struct s { int a : 99; };', 'int x[-1];', '@#$%^'];
    for (const text of inputs) {
      const r = read(text);
      assert.ok(r.diagnostics.length > 0, `diagnostic for ${JSON.stringify(text)}`);
    }
  });

  it('predefines the kernel and fixed-width integer typedefs', () => {
    const { types } = read('');
    for (const [name, size, signed] of [['u8', 1, false], ['s16', 2, true], ['__u32', 4, false], ['uint64_t', 8, false], ['int8_t', 1, true], ['size_t', 8, false]] as const) {
      const t = types.typedef(name)!;
      assert.ok(t.kind === 'int' && t.size === size && t.signed === signed, name);
      assert.equal(formatType(t), name);
    }
  });
});

describe('CTypeTable.parseTypeName', () => {
  const { types } = readCTypes(SAMPLE_HEADERS, { fs: nodeFs, includePaths: [SAMPLE_INCLUDE] });
  const parse = (text: string) => {
    const r = types.parseTypeName(text);
    return r.ok ? formatType(r.type) : `error at ${r.column}: ${r.message}`;
  };

  it('parses the type names a user writes in casts', () => {
    assert.equal(parse('struct pt_regs *'), 'struct pt_regs *');
    assert.equal(parse('unsigned long'), 'unsigned long');
    assert.equal(parse('long unsigned int'), 'unsigned long');
    assert.equal(parse('u8 [16]'), 'u8 [16]');
    assert.equal(parse('const struct task_struct * const *'), 'struct task_struct **');
    assert.equal(parse('void (*)(int)'), 'void (*)(...)');
    assert.equal(parse('u64 (*)[4]'), 'u64 (*)[4]');
    const r = types.parseTypeName('struct pt_regs');
    assert.ok(r.ok && sizeOf(r.type) === 168 && alignOf(r.type) === 8);
  });

  it('points at the problem in a bad type name', () => {
    assert.equal(parse('struct nosuch *'), "error at 8: unknown struct 'nosuch'");
    assert.equal(parse('unsigned float'), "error at 1: invalid combination of type specifiers 'unsigned float'");
    assert.equal(parse('u64 x'), "error at 5: unexpected name 'x' in a type name");
    assert.equal(parse('u64 )'), "error at 5: unexpected ')' after the type name");
  });
});

// ---- the differential test against gcc ----

interface Check {
  key: string;
  ours: string;
  /** C expression(s) printed by the generated program. */
  c: string;
}

/** Every sizeof/alignof/offsetof/bit position of every record, as our table says and as C code to ask gcc. */
function layoutChecks(types: CTypeTable): Check[] {
  const checks: Check[] = [];
  const records: Array<[string, CRecordType]> = [];
  for (const tag of types.structTags()) records.push([`struct ${tag}`, types.struct(tag)!]);
  for (const tag of types.unionTags()) records.push([`union ${tag}`, types.union(tag)!]);
  for (const name of types.typedefNames()) {
    const t = types.typedef(name)!;
    if ((t.kind === 'struct' || t.kind === 'union') && t.tag === undefined) records.push([name, t]);
  }
  for (const [cName, record] of records) {
    if (!record.complete) continue;
    checks.push({ key: `sizeof(${cName})`, ours: String(record.size), c: `sizeof(${cName})` });
    checks.push({ key: `_Alignof(${cName})`, ours: String(record.align), c: `_Alignof(${cName})` });
    const walk = (t: CRecordType, base: number, path: string) => {
      for (const { name, offset, field } of visibleFields(t)) {
        const p = path + name;
        if (field.bitWidth !== undefined) {
          const bit = (base + offset) * 8 + (field.bitOffset ?? 0);
          checks.push({ key: `bits(${cName}, ${p})`, ours: `${bit}:${field.bitWidth}`, c: `BITS(${cName}, ${p})` });
          continue;
        }
        checks.push({ key: `offsetof(${cName}, ${p})`, ours: String(base + offset), c: `__builtin_offsetof(${cName}, ${p})` });
        let type: CType = field.type;
        let element = p;
        let at = base + offset;
        // Last element of each array dimension: checks the strides of multi-dimensional arrays.
        while (type.kind === 'array' && type.length) {
          at += (type.length - 1) * (sizeOf(type.of) ?? 0);
          element += `[${type.length - 1}]`;
          type = type.of;
          checks.push({ key: `offsetof(${cName}, ${element})`, ours: String(at), c: `__builtin_offsetof(${cName}, ${element})` });
        }
        if ((type.kind === 'struct' || type.kind === 'union') && type.complete) walk(type, at, element + '.');
      }
    };
    walk(record, 0, '');
  }
  for (const name of types.variableNames()) {
    const size = sizeOf(types.variable(name)!.type);
    if (size !== undefined) checks.push({ key: `sizeof ${name}`, ours: String(size), c: `sizeof ${name}` });
  }
  return checks;
}

/** Compiles a program printing each check's value with gcc and returns the values by key. */
function gccValues(headers: string[], includePaths: string[], checks: Check[], dir: string): Map<string, string> {
  const program = [
    'int printf(const char *, ...);',
    ...headers.map((h) => `#include "${h}"`),
    // A bit-field's position: set it to all ones in a zeroed object and find the ones.
    '#define BITS(T, f) ({ T v_; unsigned char *b_ = (unsigned char *)&v_; __builtin_memset(&v_, 0, sizeof v_); v_.f = -1; int first_ = -1, n_ = 0; ' +
      'for (unsigned i_ = 0; i_ < sizeof v_ * 8; i_++) if (b_[i_ / 8] >> (i_ % 8) & 1) { if (first_ < 0) first_ = i_; n_++; } printf("%d:%d\\n", first_, n_); })',
    'int main(void) {',
    ...checks.map((c) => (c.c.startsWith('BITS(') ? `\t${c.c};` : `\tprintf("%lu\\n", (unsigned long)(${c.c}));`)),
    '\treturn 0;',
    '}',
  ].join('\n');
  const source = join(dir, 'layout.c');
  const exe = join(dir, 'layout');
  writeFileSync(source, program);
  const cc = spawnSync('cc', ['-w', '-std=gnu11', ...includePaths.flatMap((p) => ['-I', p]), '-o', exe, source], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
  const run = spawnSync(exe, [], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, checks.length);
  return new Map(checks.map((c, i) => [c.key, lines[i]]));
}

describe('readCTypes layouts equal gcc (x86-64 System V)', function () {
  let dir = '';
  before(function () {
    if (spawnSync('cc', ['--version']).status !== 0) {
      console.log('      (skipped: no C compiler `cc` on this machine; the layouts are not compared with gcc)');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'x64emu-ctypes-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const [what, headers, includePaths] of [
    ['the kernel-entry sample headers', SAMPLE_HEADERS, [SAMPLE_INCLUDE]],
    ['the fixture of tricky layouts (packed, aligned, anonymous unions, bit-fields, nested arrays)', [FIXTURE], []],
  ] as const) {
    it(`every sizeof, _Alignof, offsetof and bit-field position of ${what}`, () => {
      const { types, diagnostics } = readCTypes([...headers], { fs: nodeFs, includePaths: [...includePaths] });
      assert.deepEqual(diagnostics, []);
      const checks = layoutChecks(types);
      assert.ok(checks.length > 50, `only ${checks.length} checks`);
      const gcc = gccValues([...headers], [...includePaths], checks, dir);
      const wrong = checks.filter((c) => gcc.get(c.key) !== c.ours).map((c) => `${c.key}: ours ${c.ours}, gcc ${gcc.get(c.key)}`);
      assert.deepEqual(wrong, []);
      console.log(`      ${checks.length} values compared with gcc (${checks.filter((c) => c.key.startsWith('offsetof') || c.key.startsWith('bits')).length} offsets)`);
    });
  }
});
