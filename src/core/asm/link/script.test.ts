// Linker-script parser and expression evaluation (no binutils needed).
import { strict as assert } from 'node:assert';
import type { Diagnostic } from '../types.js';
import { abs, evaluate, num, toAbs, type EvalContext, type SectionRef, type Val } from './expr.js';
import { wildcardMatch, fileMatch } from './layout.js';
import { parseExpression, parseLinkerScript, type OutputSectionStmt } from './script.js';

function parse(text: string) {
  const diags: Diagnostic[] = [];
  const script = parseLinkerScript(text, 'test.lds', diags);
  return { script, diags };
}

function ctx(opts: { inSection?: boolean; dot?: bigint; symbols?: Record<string, Val>; sections?: Record<string, SectionRef> } = {}): EvalContext & { errors: string[] } {
  const errors: string[] = [];
  const dot = opts.dot ?? 0x1000n;
  return {
    errors,
    dot: () => abs(dot),
    dotAbs: () => dot,
    symbol: (n) => opts.symbols?.[n] ?? (errors.push(`undefined ${n}`), abs(0n)),
    defined: (n) => opts.symbols?.[n] !== undefined,
    section: (n) => opts.sections?.[n],
    memory: () => num(0n),
    sizeofHeaders: () => 0xe8n,
    dataSegmentAlign: () => 0n,
    dataSegmentRelroEnd: (_o, v) => v,
    dataSegmentEnd: (v) => v,
    assertion: (ok, m) => {
      if (!ok) errors.push(m);
    },
    error: (m) => errors.push(m),
    inSection: () => opts.inSection ?? false,
  };
}

function value(text: string, c = ctx()): bigint {
  const diags: Diagnostic[] = [];
  const e = parseExpression(text, 'expr', diags);
  assert.deepEqual(diags, []);
  return toAbs(evaluate(e!, c));
}

describe('linker script parser', () => {
  it('parses ENTRY, OUTPUT_FORMAT/ARCH, top-level assignments and SECTIONS in order', () => {
    const { script, diags } = parse(`
      OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
      OUTPUT_ARCH(i386:x86-64)
      ENTRY(startup_64)
      base = 0x1000; /* comment */
      SECTIONS {
        . = base;
        .text : { *(.text .text.*) KEEP(*(.init)) file.o(.data) end_text = .; }
        PROVIDE(__x = .);
        /DISCARD/ : { *(.comment) }
      }`);
    assert.deepEqual(diags, []);
    assert.equal(script.entry?.name, 'startup_64');
    assert.deepEqual(
      script.statements.map((s) => (s.k === 'osec' ? s.name : s.k === 'assign' ? `${s.name}${s.op}` : s.k)),
      ['base=', '.=', '.text', '__x=', '/DISCARD/'],
    );
    const text = script.statements[2] as OutputSectionStmt;
    assert.deepEqual(
      text.cmds.map((c) => (c.k === 'input' ? `${c.keep ? 'KEEP ' : ''}${c.file}(${c.sections.map((p) => p.pattern).join(' ')})` : c.k)),
      ['*(.text .text.*)', 'KEEP *(.init)', 'file.o(.data)', 'assign'],
    );
  });

  it('parses addresses, AT(), ALIGN(), SUBALIGN(), NOLOAD, regions, fill and data commands', () => {
    const { script, diags } = parse(`
      MEMORY { ROM (rx) : ORIGIN = 0x8000000, LENGTH = 64K  RAM (rwx) : org = 0x20000000, l = 20K }
      SECTIONS {
        .data..percpu 0 : AT(ADDR(.data) + SIZEOF(.data)) { *(.data..percpu) }
        .text ALIGN(0x1000) : SUBALIGN(16) { *(.text) } > ROM =0x90909090
        .data : ALIGN(64) { *(.data) BYTE(1) SHORT(2) LONG(3) QUAD(4) SQUAD(5) FILL(0xcc) } > RAM AT> ROM
        .bss (NOLOAD) : { *(SORT_BY_ALIGNMENT(.bss*)) *(EXCLUDE_FILE(*crt.o) .sbss) }
      }`);
    assert.deepEqual(diags, []);
    assert.deepEqual(script.memory.map((m) => m.name), ['ROM', 'RAM']);
    const [percpu, text, data, bss] = script.statements as OutputSectionStmt[];
    assert.ok(percpu.addr && percpu.lma);
    assert.ok(text.addr && text.subalign && text.fill);
    assert.equal(text.region, 'ROM');
    assert.equal(data.region, 'RAM');
    assert.equal(data.lmaRegion, 'ROM');
    assert.deepEqual(data.cmds.filter((c) => c.k === 'data').map((c) => (c.k === 'data' ? c.size : 0)), [1, 2, 4, 8, 8]);
    assert.equal(bss.type, 'NOLOAD');
    const sorted = bss.cmds[0];
    assert.ok(sorted.k === 'input' && sorted.sections[0].sort === 'alignment');
    const excl = bss.cmds[1];
    assert.ok(excl.k === 'input' && excl.sections[0].excludeFiles[0] === '*crt.o');
  });

  it('reports unsupported commands with file, line and the command name', () => {
    const { diags } = parse('ENTRY(_start)\nINCLUDE other.lds\nSECTIONS {\n  .text : { *(.text) }\n  OVERLAY : { .a { *(.a) } }\n}\nPHDRS { text PT_LOAD; }\n');
    assert.deepEqual(
      diags.map((d) => `${d.location.file}:${d.location.line}: ${d.message}`),
      [
        "test.lds:2: unsupported linker script command `INCLUDE'",
        "test.lds:5: unsupported linker script command `OVERLAY'",
        "test.lds:7: unsupported linker script command `PHDRS'",
      ],
    );
  });

  it('reports syntax errors and recovers at the next statement', () => {
    const { script, diags } = parse('SECTIONS {\n  . = 0x1000 +;\n  .text : { *(.text) }\n  x = (1;\n  .data : { *(.data) }\n}\n');
    assert.equal(diags.length, 2);
    assert.equal(diags[0].location.line, 2);
    assert.equal(diags[1].location.line, 4);
    assert.deepEqual(script.statements.filter((s) => s.k === 'osec').map((s) => (s as OutputSectionStmt).name), ['.text', '.data']);
  });

  it('checks OUTPUT_FORMAT and OUTPUT_ARCH', () => {
    const { diags } = parse('OUTPUT_FORMAT(elf32-i386)\nOUTPUT_ARCH(i386)\n');
    assert.deepEqual(diags.map((d) => d.message), [
      "unsupported output format `elf32-i386' (this linker writes elf64-x86-64)",
      "unsupported output architecture `i386' (this linker writes i386:x86-64)",
    ]);
  });

  it('never throws on garbage', () => {
    for (const text of ['SECTIONS {', '}}}', 'SECTIONS { .text : { *(', '/* open', '"', 'x = ', 'SECTIONS { . = ALIGN(; }', '\u0000\u0001']) {
      const { diags } = parse(text);
      assert.ok(diags.length > 0, text);
    }
  });
});

describe('linker script expressions', () => {
  it('evaluates numbers (hex, octal, K/M suffixes) and C operator precedence', () => {
    assert.equal(value('0x10 + 010 + 2K + 1M'), 0x10n + 8n + 2048n + 1048576n);
    assert.equal(value('1 + 2 * 3 - 8 / 2 % 3'), 6n);
    assert.equal(value('1 << 4 | 3 & 1'), 17n);
    assert.equal(value('~0 >> 60'), 15n);
    assert.equal(value('-1'), (1n << 64n) - 1n);
    assert.equal(value('!0 + (3 > 2) + (2 >= 3) + (1 == 1) + (1 != 1)'), 3n);
    assert.equal(value('0 ? 5 : 1 ? 6 : 7'), 6n);
    assert.equal(value('1 && 0 || 2'), 1n);
    assert.equal(value('-8 / 3'), BigInt.asUintN(64, -2n));
  });

  it('evaluates the built-in functions', () => {
    const text: SectionRef = { name: '.text', vma: 0x401000n, lma: 0x1000n, size: 0x123n, align: 16n };
    const c = ctx({ dot: 0x401123n, sections: { '.text': text }, symbols: { foo: abs(5n) } });
    assert.equal(value('ALIGN(0x1000)', c), 0x402000n);
    assert.equal(value('ALIGN(0x401001, 8)', c), 0x401008n);
    assert.equal(value('ADDR(.text)', c), 0x401000n);
    assert.equal(value('LOADADDR(.text)', c), 0x1000n);
    assert.equal(value('SIZEOF(.text)', c), 0x123n);
    assert.equal(value('ALIGNOF(.text)', c), 16n);
    assert.equal(value('DEFINED(foo) + DEFINED(bar)', c), 1n);
    assert.equal(value('MAX(3, 7) + MIN(3, 7)', c), 10n);
    assert.equal(value('ABSOLUTE(.)', c), 0x401123n);
    assert.equal(value('CONSTANT(MAXPAGESIZE)', c), 0x1000n);
    assert.equal(value('SEGMENT_START("text-segment", 0x400000) + SIZEOF_HEADERS', c), 0x4000e8n);
    assert.equal(value('LOG2CEIL(100)', c), 7n);
    assert.deepEqual(c.errors, []);
  });

  it('applies ld\'s section-relative rules (relative ⊕ number works on the offset)', () => {
    const sec: SectionRef = { name: '.bss', vma: 0x403000n, lma: 0x403000n, size: 0n, align: 8n };
    const inside = ctx({ inSection: true });
    inside.dot = () => ({ kind: 'rel', v: 0n, sec });
    // `. != 0` inside an empty .bss compares the offset: false.
    assert.equal(value('. != 0', inside), 0n);
    const outside = ctx({ dot: 0x4000ffn });
    // outside, numbers are absolute addresses: ALIGN(0x1000) + (. & 0xfff)
    assert.equal(value('ALIGN(0x1000) + (. & 0xfff)', outside), 0x4010ffn);
  });

  it('reports division by zero and ASSERT failures', () => {
    const c = ctx();
    value('1 / 0', c);
    value('ASSERT(0, "too big")', c);
    assert.deepEqual(c.errors, ['division by zero', 'too big']);
  });
});

describe('section and file name wildcards', () => {
  it('matches like ld', () => {
    assert.ok(wildcardMatch('.text.*', '.text.hot'));
    assert.ok(!wildcardMatch('.text.*', '.text'));
    assert.ok(wildcardMatch('.data*', '.data..percpu'));
    assert.ok(wildcardMatch('.rodata.str?.[0-9]', '.rodata.str1.1'));
    assert.ok(wildcardMatch('[!a]x', 'bx'));
    assert.ok(!wildcardMatch('[!a]x', 'ax'));
    assert.ok(fileMatch('*crtbegin.o', '/usr/lib/crtbegin.o'));
    assert.ok(fileMatch('main.o', 'src/main.o'));
    assert.ok(fileMatch('main.o', 'src/main.S'), 'modules named after their sources match the object name');
    assert.ok(!fileMatch('main.o', 'other.o'));
  });
});
