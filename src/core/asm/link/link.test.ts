// The linker on hand-made ObjectModules (no binutils needed): default layout, symbol
// resolution, fixups, diagnostics with locations, line map round trip, ELF well-formedness.
import { strict as assert } from 'node:assert';
import { parseElf } from '../../loader/elf.js';
import type { AsmSection, AsmSymbol, Fixup, LineRecord, ObjectModule } from '../object.js';
import { formatDiagnostic, type SourceLocation } from '../types.js';
import { link, readLineMap, type LinkResult } from './index.js';
import { findElfSection } from './linemap.js';

const AX = 6;
const A = 2;
const WA = 3;

function at(file: string, line: number, column = 1): SourceLocation {
  return { file, line, column };
}

interface SecSpec {
  name: string;
  flags: number;
  bytes?: number[] | Uint8Array;
  size?: number;
  nobits?: boolean;
  align?: number;
  fixups?: Partial<Fixup>[];
}

function section(s: SecSpec): AsmSection {
  const bytes = s.nobits ? new Uint8Array(0) : s.bytes instanceof Uint8Array ? s.bytes : new Uint8Array(s.bytes ?? new Array(s.size ?? 0).fill(0));
  return {
    name: s.name,
    flags: s.flags,
    type: s.nobits ? 8 : 1,
    alignment: s.align ?? 1,
    bytes,
    size: s.nobits ? (s.size ?? 0) : bytes.length,
    fixups: (s.fixups ?? []).map((f) => ({ offset: 0, size: 4, kind: 'abs', symbol: '', addend: 0n, location: at('x.s', 1), ...f }) as Fixup),
  };
}

function sym(name: string, sec: string | undefined, value: number | bigint, binding: AsmSymbol['binding'] = 'global', extra: Partial<AsmSymbol> = {}): AsmSymbol {
  return { name, section: sec, value: BigInt(value), binding, type: 'notype', defined: true, ...extra };
}

function mod(fileName: string, sections: SecSpec[], symbols: AsmSymbol[] = [], lines: LineRecord[] = []): ObjectModule {
  return { fileName, sections: sections.map(section), symbols, lines };
}

function ok(r: LinkResult): Uint8Array {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map(formatDiagnostic), []);
  assert.ok(r.elf);
  return r.elf;
}

function errors(r: LinkResult): string[] {
  return r.diagnostics.filter((d) => d.severity !== 'warning').map(formatDiagnostic);
}

function bytesAt(elf: Uint8Array, address: bigint, n: number): number[] {
  const img = parseElf(elf);
  for (const p of img.programHeaders) {
    if (p.type !== 1) continue;
    const start = BigInt.asUintN(64, BigInt(p.vaddr));
    if (address >= start && address + BigInt(n) <= start + BigInt(p.filesz)) {
      const off = p.offset + Number(address - start);
      return [...elf.subarray(off, off + n)];
    }
  }
  throw new Error(`address 0x${address.toString(16)} not loaded`);
}

const start = (n = 16) => ({ name: '.text', flags: AX, bytes: new Array(n).fill(0x90) });

describe('link: default layout (ld -static)', () => {
  it('places .text at 0x401000 with the headers in a read-only segment at 0x400000, then rodata, data and bss like ld', () => {
    const m = mod(
      'prog.s',
      [start(10), { name: '.rodata', flags: A, size: 5 }, { name: '.data', flags: WA, size: 8 }, { name: '.bss', flags: WA, nobits: true, size: 16 }],
      [sym('_start', '.text', 0), sym('msg', '.rodata', 0, 'local'), sym('counter', '.data', 4), sym('buf', '.bss', 0)],
    );
    const r = link([m]);
    const elf = ok(r);
    const img = parseElf(elf);
    assert.equal(img.entry, 0x401000);
    assert.deepEqual(
      img.programHeaders.map((p) => [p.type, p.vaddr.toString(16), p.paddr.toString(16), p.flags, p.filesz, p.memsz, p.offset.toString(16)]),
      [
        [1, '400000', '400000', 4, 0x120, 0x120, '0'],
        [1, '401000', '401000', 5, 10, 10, '1000'],
        [1, '402000', '402000', 4, 5, 5, '2000'],
        [1, '403005', '403005', 6, 8, 0x1b, '2005'],
      ],
    );
    assert.equal(r.symbols.get('_start'), 0x401000n);
    assert.equal(r.symbols.get('msg'), 0x402000n);
    assert.equal(r.symbols.get('counter'), 0x403009n);
    assert.equal(r.symbols.get('buf'), 0x40300dn);
    assert.equal(r.symbols.get('__bss_start'), 0x40300dn);
    assert.equal(r.symbols.get('_edata'), 0x40300dn);
    assert.equal(r.symbols.get('_end'), 0x403020n);
    assert.ok(!r.symbols.has('etext'), 'PROVIDE only defines referenced symbols');
  });

  it('warns like ld and uses the start of .text when there is no _start', () => {
    const r = link([mod('a.s', [start()])]);
    ok(r);
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity}: ${d.message}`), ['warning: cannot find entry symbol _start; defaulting to 0000000000401000']);
    assert.equal(parseElf(r.elf!).entry, 0x401000);
  });

  it('takes the entry from options (a symbol or a number)', () => {
    const m = mod('a.s', [start()], [sym('_start', '.text', 0), sym('main', '.text', 4)]);
    assert.equal(parseElf(ok(link([m], { entry: 'main' }))).entry, 0x401004);
    assert.equal(parseElf(ok(link([m], { entry: '0x401008' }))).entry, 0x401008);
  });

  it('pads between input sections of code with the multi-byte NOPs ld uses, data with zeros', () => {
    const a = mod('a.s', [start(1), { name: '.data', flags: WA, bytes: [1] }], [sym('_start', '.text', 0)]);
    const b = mod('b.s', [{ name: '.text', flags: AX, bytes: [0xc3], align: 16 }, { name: '.data', flags: WA, bytes: [2], align: 8 }]);
    const r = link([a, b]);
    const elf = ok(r);
    assert.deepEqual(bytesAt(elf, 0x401000n, 17), [0x90, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0, 0x0f, 0x1f, 0x44, 0, 0, 0xc3]);
    const data = readSection(elf, '.data');
    assert.deepEqual([...data], [1, 0, 0, 0, 0, 0, 0, 0, 2]);
  });
});

function readSection(elf: Uint8Array, name: string): Uint8Array {
  const img = parseElf(elf);
  const s = img.sections.find((x) => x.name === name)!;
  return elf.subarray(s.offset, s.offset + s.size);
}

describe('link: symbols and fixups', () => {
  it('resolves abs/abs-signed/pcrel fixups of every size', () => {
    const m = mod(
      'a.s',
      [
        {
          name: '.text', flags: AX, size: 32,
          fixups: [
            { offset: 0, size: 4, kind: 'pcrel', symbol: 'target', addend: -4n },
            { offset: 4, size: 1, kind: 'pcrel', symbol: 'target', addend: -1n },
            { offset: 5, size: 4, kind: 'abs-signed', symbol: 'target', addend: 2n },
            { offset: 9, size: 8, kind: 'abs', symbol: 'target', addend: 0n },
            { offset: 17, size: 2, kind: 'abs', symbol: 'small', addend: 0n },
            { offset: 19, size: 1, kind: 'abs', symbol: 'small', addend: 1n },
            { offset: 20, size: 4, kind: 'abs', symbol: 'target', addend: 0n },
          ],
        },
      ],
      [sym('_start', '.text', 0), sym('target', '.text', 0x1e, 'local'), sym('small', undefined, 0x34)],
    );
    const elf = ok(link([m]));
    const b = bytesAt(elf, 0x401000n, 24);
    const le = (from: number, n: number) => b.slice(from, from + n).reduce((v, x, i) => v + BigInt(x) * 256n ** BigInt(i), 0n);
    assert.equal(le(0, 4), 0x1en - 4n);
    assert.equal(le(4, 1), 0x1en - 5n);
    assert.equal(le(5, 4), 0x401020n);
    assert.equal(le(9, 8), 0x40101en);
    assert.equal(le(17, 2), 0x34n);
    assert.equal(le(19, 1), 0x35n);
    assert.equal(le(20, 4), 0x40101en);
  });

  it('strong beats weak, the first weak wins, undefined weak is 0, locals shadow globals', () => {
    const a = mod(
      'a.s',
      [{ name: '.text', flags: AX, size: 24, fixups: [
        { offset: 0, size: 8, kind: 'abs', symbol: 'f' },
        { offset: 8, size: 8, kind: 'abs', symbol: 'w' },
        { offset: 16, size: 8, kind: 'abs', symbol: 'nothing' },
      ] }],
      [sym('_start', '.text', 0), sym('f', '.text', 1, 'weak'), sym('w', '.text', 2, 'weak'), { name: 'nothing', value: 0n, binding: 'weak', type: 'notype', defined: false }],
    );
    const b = mod('b.s', [{ name: '.text', flags: AX, size: 8, fixups: [{ offset: 0, size: 8, kind: 'abs', symbol: 'g' }] }], [
      sym('f', '.text', 3), sym('w', '.text', 4, 'weak'), sym('g', '.text', 5, 'local'),
    ]);
    const c = mod('c.s', [{ name: '.text', flags: AX, size: 1 }], [sym('g', '.text', 0)]);
    const r = link([a, b, c]);
    ok(r);
    assert.equal(r.symbols.get('f'), 0x401018n + 3n);
    assert.equal(r.symbols.get('w'), 0x401002n);
    assert.equal(r.symbols.get('g'), 0x401020n);
    const bytes = bytesAt(r.elf!, 0x401000n, 32);
    assert.equal(bytes[16] + bytes[17], 0, 'undefined weak resolves to 0');
    assert.equal(bytes[0x18], 0x1d, 'the local g of b.s, not the global one');
  });

  it('reports undefined references at the fixup, once per place, and writes no file', () => {
    const loc = at('main.s', 12, 7);
    const m = mod('main.s', [{ name: '.text', flags: AX, size: 8, fixups: [
      { offset: 1, size: 4, kind: 'pcrel', symbol: 'missing', addend: -4n, location: loc },
      { offset: 1, size: 4, kind: 'pcrel', symbol: 'missing', addend: -4n, location: loc },
    ] }], [sym('_start', '.text', 0)]);
    const r = link([m]);
    assert.equal(r.elf, undefined);
    assert.deepEqual(errors(r), ["main.s:12:7: error: undefined reference to `missing'"]);
  });

  it('reports relocation overflow with the relocation ld would use', () => {
    const m = mod('t.s', [{ name: '.text', flags: AX, size: 32, fixups: [
      { offset: 0, size: 4, kind: 'abs', symbol: 'neg', location: at('t.s', 1, 5) },
      { offset: 4, size: 4, kind: 'abs-signed', symbol: 'high', location: at('t.s', 2, 5) },
      { offset: 8, size: 1, kind: 'pcrel', symbol: 'far', addend: -1n, location: at('t.s', 3, 5) },
      { offset: 9, size: 4, kind: 'pcrel', symbol: 'huge', addend: -4n, location: at('t.s', 4, 5) },
      { offset: 13, size: 1, kind: 'abs', symbol: 'big', location: at('t.s', 5, 5) },
      { offset: 14, size: 2, kind: 'abs', symbol: 'neg', location: at('t.s', 6, 5) },
      { offset: 16, size: 8, kind: 'abs', symbol: 'high', location: at('t.s', 7, 5) },
    ] }], [sym('_start', '.text', 0), sym('neg', undefined, -1n), sym('high', undefined, 0x80000000n), sym('huge', undefined, 0x90000000n), sym('far', '.text', 200, 'local'), sym('big', undefined, 256)]);
    const r = link([m]);
    assert.equal(r.elf, undefined);
    assert.deepEqual(errors(r), [
      "t.s:1:5: error: relocation truncated to fit: R_X86_64_32 against `neg'",
      "t.s:2:5: error: relocation truncated to fit: R_X86_64_32S against `high'",
      "t.s:3:5: error: relocation truncated to fit: R_X86_64_PC8 against `far'",
      "t.s:4:5: error: relocation truncated to fit: R_X86_64_PC32 against `huge'",
      "t.s:5:5: error: relocation truncated to fit: R_X86_64_8 against `big'",
    ]);
  });

  it('reports multiple definitions with a note at the first one', () => {
    const a = mod('a.s', [start()], [sym('_start', '.text', 0), sym('dup', '.text', 1, 'global', { location: at('a.s', 3, 1) })]);
    const b = mod('b.s', [start()], [sym('dup', '.text', 2, 'global', { location: at('b.s', 9, 1) })]);
    const r = link([a, b]);
    assert.equal(r.elf, undefined);
    assert.deepEqual(errors(r), ["b.s:9:1: error: multiple definition of `dup'", 'a.s:3:1: note: first defined here']);
  });

  it('never throws on inconsistent modules', () => {
    const weird: ObjectModule = {
      fileName: 'w.s',
      sections: [section({ name: '.text', flags: AX, size: 2, fixups: [{ offset: 1, size: 8, kind: 'abs', symbol: '_start' }] })],
      symbols: [sym('_start', '.text', 0), sym('ghost', '.nope', 0)],
      lines: [{ section: '.nope', offset: 0, length: 1, location: at('w.s', 1), chain: [], isInstruction: true }],
    };
    const r = link([weird, weird]);
    assert.equal(r.elf, undefined);
    assert.ok(r.diagnostics.some((d) => /outside section/.test(d.message)));
    assert.ok(r.diagnostics.some((d) => /does not have/.test(d.message)));
    assert.doesNotThrow(() => link([], {}));
    assert.doesNotThrow(() => link([weird], { script: { text: 'SECTIONS { .text 0x1000 : { *(.text) } . = 0x0; .x : { . = . - 1; } }', fileName: 's' } }));
  });
});

describe('link: SHF_MERGE sections', () => {
  const AMS = 0x32;
  const str = (...xs: string[]) => [...new TextEncoder().encode(xs.map((x) => x + '\0').join(''))];

  it('keeps each string once, points tails into longer strings, remaps labels and section+addend fixups', () => {
    const a = mod(
      'a.s',
      [
        { name: '.text', flags: AX, size: 12, fixups: [
          { offset: 0, size: 4, kind: 'abs', symbol: '.LC1' },
          { offset: 4, size: 4, kind: 'abs', symbol: '.rodata.str1.1', addend: 12n },
          { offset: 8, size: 4, kind: 'pcrel', symbol: '.LC1', addend: -4n },
        ] },
        { name: '.rodata.str1.1', flags: AMS, bytes: str('hello', 'world', 'lo') },
      ],
      [sym('_start', '.text', 0), sym('.LC1', '.rodata.str1.1', 6, 'local')],
    );
    const b = mod('b.s', [{ name: '.text', flags: AX, size: 4, fixups: [{ offset: 0, size: 4, kind: 'abs', symbol: 'w' }] }, { name: '.rodata.str1.1', flags: AMS, bytes: str('other', 'world') }], [
      sym('w', '.rodata.str1.1', 6, 'local'),
    ]);
    const r = link([a, b]);
    const elf = ok(r);
    const ro = readSection(elf, '.rodata');
    assert.equal(new TextDecoder().decode(ro), 'hello\0world\0other\0');
    const text = bytesAt(elf, 0x401000n, 16);
    const le = (at: number) => text[at] | (text[at + 1] << 8) | (text[at + 2] << 16) | (text[at + 3] << 24);
    assert.equal(le(0), 0x402006, '.LC1 = "world"');
    assert.equal(le(4), 0x402003, 'section+12 = "lo", the tail of "hello"');
    assert.equal(le(8), 0x402006 - 4 - 0x401008);
    assert.equal(le(12), 0x402006, 'b.s\'s "world" is a.s\'s');
  });
});

describe('link: scripts', () => {
  const kernelish = `
ENTRY(startup_64)
__START_KERNEL_map = 0xffffffff80000000;
SECTIONS {
  . = 0xffffffff81000000;
  .text : AT(ADDR(.text) - __START_KERNEL_map) { _stext = .; KEEP(*(.head.text)) *(.text) _etext = .; }
  . = ALIGN(4096);
  .data : AT(ADDR(.data) - __START_KERNEL_map) { *(.data) LONG(_etext - _stext) }
  .data..percpu 0 : AT(ADDR(.data) + SIZEOF(.data) - __START_KERNEL_map) { PROVIDE(__per_cpu_start = .); *(.data..percpu) __per_cpu_end = .; }
  . = ADDR(.data) + SIZEOF(.data) + SIZEOF(.data..percpu);
  . = ALIGN(4096);
  .bss : AT(ADDR(.bss) - __START_KERNEL_map) { *(.bss) . = ALIGN(4096); }
  /DISCARD/ : { *(.discard) }
}`;

  it('links high addresses with AT() load addresses and a per-CPU section at 0', () => {
    const m = mod(
      'head.s',
      [
        { name: '.head.text', flags: AX, size: 8, fixups: [{ offset: 0, size: 4, kind: 'abs', symbol: '__per_cpu_start' }] },
        { name: '.text', flags: AX, size: 4 },
        { name: '.data', flags: WA, size: 4 },
        { name: '.data..percpu', flags: WA, size: 8 },
        { name: '.bss', flags: WA, nobits: true, size: 10 },
        { name: '.discard', flags: A, size: 4 },
      ],
      [sym('startup_64', '.head.text', 0), sym('cpu_var', '.data..percpu', 4)],
    );
    const r = link([m], { script: { text: kernelish, fileName: 'k.lds' } });
    const elf = ok(r);
    const img = parseElf(elf);
    assert.equal(BigInt.asUintN(64, BigInt(img.entry)), 0xffffffff81000000n);
    assert.deepEqual(
      img.programHeaders.map((p) => [BigInt.asUintN(64, BigInt(p.vaddr)).toString(16), p.paddr.toString(16), p.filesz, p.memsz]),
      [
        ['ffffffff81000000', '1000000', 12, 12],
        ['ffffffff81001000', '1001000', 8, 8],
        ['0', '1001008', 8, 8],
        ['ffffffff81002000', '1002000', 0, 0x1000],
      ],
    );
    assert.equal(r.symbols.get('cpu_var'), 4n);
    assert.equal(r.symbols.get('__per_cpu_end'), 8n);
    assert.equal(r.symbols.get('__per_cpu_start'), 0n);
    assert.deepEqual([...readSection(elf, '.data')], [0, 0, 0, 0, 12, 0, 0, 0]);
  });

  it('reports script problems with their locations', () => {
    const m = mod('a.s', [start()], [sym('_start', '.text', 0)]);
    const script = 'SECTIONS {\n  .text 0x1000 : { *(.text) }\n  x = nowhere + 1;\n  .data : { . = 0x10; . = 0x8; }\n  .y : { *(.y) } > NOPE\n  q = SIZEOF(.missing);\n}\nSTARTUP(crt0.o)\n';
    const r = link([m], { script: { text: script, fileName: 'bad.lds' } });
    assert.equal(r.elf, undefined);
    assert.deepEqual(errors(r).sort(), [
      "bad.lds:3:7: error: undefined symbol `nowhere' referenced in expression",
      'bad.lds:4:23: error: cannot move location counter backwards (from 0000000000001020 to 0000000000001018)',
      "bad.lds:6:7: error: undefined section `.missing' referenced in expression",
      "bad.lds:8:1: error: unsupported linker script command `STARTUP'",
    ].sort());
  });

  it('checks memory regions', () => {
    const m = mod('a.s', [start(0x30)], [sym('_start', '.text', 0)]);
    const r = link([m], { script: { text: 'MEMORY { ROM : ORIGIN = 0x1000, LENGTH = 0x20 }\nSECTIONS { .text : { *(.text) } > ROM }', fileName: 'm.lds' } });
    assert.deepEqual(errors(r), ["m.lds:1:10: error: region `ROM' overflowed by 16 bytes"]);
  });

  it('rejects references into discarded sections', () => {
    const m = mod('a.s', [{ name: '.text', flags: AX, size: 8, fixups: [{ offset: 0, size: 8, kind: 'abs', symbol: 'gone', location: at('a.s', 4, 2) }] }, { name: '.junk', flags: A, size: 4 }], [
      sym('_start', '.text', 0), sym('gone', '.junk', 0),
    ]);
    const r = link([m], { script: { text: 'SECTIONS { .text : { *(.text) } /DISCARD/ : { *(.junk) } }', fileName: 'd.lds' } });
    assert.deepEqual(errors(r), ["a.s:4:2: error: `gone' referenced in section `.text' of a.s: defined in discarded section `.junk' of a.s"]);
  });
});

describe('link: line map and debug information', () => {
  const chain = [
    { kind: 'macro' as const, name: 'PUSH_ALL', location: at('main.S', 20, 2) },
    { kind: 'include' as const, name: 'macros.inc', location: at('main.S', 1, 1) },
  ];

  function program(): ObjectModule {
    return mod(
      'main.S',
      [start(8), { name: '.data', flags: WA, size: 4 }, { name: '.junk', flags: AX, size: 2 }],
      [sym('_start', '.text', 0)],
      [
        { section: '.text', offset: 0, length: 2, location: at('main.S', 10, 2), chain: [], isInstruction: true },
        { section: '.text', offset: 2, length: 3, location: { file: 'macros.inc', line: 4, column: 3, endColumn: 12 }, chain, isInstruction: true },
        { section: '.text', offset: 5, length: 3, location: at('main.S', 22, 2), chain: [], isInstruction: true },
        { section: '.data', offset: 0, length: 4, location: at('main.S', 30, 8), chain: [], isInstruction: false },
        { section: '.junk', offset: 0, length: 2, location: at('main.S', 40, 2), chain: [], isInstruction: true },
      ],
    );
  }

  it('returns an address-ordered line map with expansion chains, and readLineMap reads it back from the ELF', () => {
    const r = link([program()], { script: { text: 'SECTIONS { . = 0x10000; .text : { *(.text) } .data : { *(.data) } /DISCARD/ : { *(.junk) } }', fileName: 's.lds' } });
    const elf = ok(r);
    assert.deepEqual(
      r.lineMap.map((l) => [l.address, l.length, l.location.line, l.chain.length, l.isInstruction]),
      [
        [0x10000n, 2, 10, 0, true],
        [0x10002n, 3, 4, 2, true],
        [0x10005n, 3, 22, 0, true],
        [0x10008n, 4, 30, 0, false],
      ],
    );
    assert.deepEqual(readLineMap(elf), r.lineMap);
    assert.deepEqual(readLineMap(elf)![1].chain, chain);
    assert.equal(readLineMap(elf)![1].location.endColumn, 12);
  });

  it('writes .debug_line/.debug_info and returns undefined from readLineMap for other files', () => {
    const elf = ok(link([program()], {}));
    assert.ok(findElfSection(elf, '.debug_line'));
    assert.ok(findElfSection(elf, '.debug_info'));
    assert.ok(findElfSection(elf, '.debug_abbrev'));
    assert.equal(readLineMap(new Uint8Array(100)), undefined);
    assert.equal(readLineMap(elf.subarray(0, 200)), undefined);
  });
});
