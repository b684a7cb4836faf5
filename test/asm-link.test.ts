// The linker against GNU binutils: every corpus program under test/asm-link/corpus is assembled
// with GNU as, linked with GNU ld and with our linker (same objects, same script), and the two
// executables must agree on everything a loader sees. Our output must also satisfy readelf,
// objdump (source lines from .debug_line), the emulator's ELF loader, and run the same natively.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleText } from '../src/core/asm/gas/index.js';
import { link, readLineMap } from '../src/core/asm/link/index.js';
import type { ObjectModule } from '../src/core/asm/object.js';
import { parseElf } from '../src/core/loader/elf.js';
import { decodeDebugLine } from './asm-link/dwarf-line.js';
import { readElf } from './asm-link/elf-file.js';
import { CACHE, build, compareExecutables, corpusCases, diagnosticsText, hasBinutils, run, type Built } from './asm-link/harness.js';
import { randomProgram, randomScript } from './asm-link/random-programs.js';
import { readObject } from './asm-link/read-object.js';

const cases = corpusCases();
const built = new Map<string, Built>();

function get(name: string): Built {
  let b = built.get(name);
  if (!b) {
    const c = cases.find((x) => x.name === name);
    if (!c) throw new Error(`no corpus case ${name}`);
    b = build(c);
    built.set(name, b);
  }
  return b;
}

/** addr → "file:line" rows of a linked executable's .debug_line (non-end rows). */
function lineRows(elfBytes: Uint8Array): string[] {
  const elf = readElf(elfBytes);
  const dl = elf.section('.debug_line');
  if (!dl) return [];
  const lineStr = elf.section('.debug_line_str');
  const strAt = (o: number) => {
    if (!lineStr) return '?';
    const b = elf.contents(lineStr);
    let e = o;
    while (b[e] !== 0) e++;
    return new TextDecoder().decode(b.subarray(o, e));
  };
  // Rows of code in the program (ld leaves rows of discarded code behind, at address 0).
  const code = elf.sections.filter((x) => (x.flags & 4n) !== 0n && (x.flags & 2n) !== 0n);
  const inCode = (a: bigint) => code.some((x) => a >= x.addr && a < x.addr + BigInt(x.size));
  const rows: string[] = [];
  for (const t of decodeDebugLine(elf.contents(dl), undefined, strAt)) {
    for (const r of t.rows) if (!r.endSequence && inCode(r.address)) rows.push(`${r.address.toString(16)} ${r.file.replace(/^.*\//, '')}:${r.line}`);
  }
  return rows.sort();
}

describe('linker vs GNU ld (corpus)', function () {
  before(function () {
    if (!hasBinutils) {
      console.log('    (GNU as/ld/readelf not found: skipping the binutils comparisons)');
      this.skip();
    }
  });

  for (const c of cases) {
    describe(c.name, () => {
      it('links without errors', () => {
        const b = get(c.name);
        const errors = b.ours.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors, [], diagnosticsText(b.ours));
        assert.ok(b.ours.elf);
      });

      it('agrees with ld: PT_LOAD segments, loaded bytes, entry point, section addresses, symbols', () => {
        const b = get(c.name);
        assert.ok(b.ours.elf, diagnosticsText(b.ours));
        const diffs = compareExecutables(new Uint8Array(readFileSync(b.gnu)), b.ours.elf);
        assert.deepEqual(diffs, []);
      });

      it('readelf -a and objdump -dl accept it (no more complaints than for ld\'s output)', () => {
        const b = get(c.name);
        const ours = run('readelf', ['-a', '-W', b.oursPath]);
        const theirs = run('readelf', ['-a', '-W', b.gnu]);
        assert.equal(ours.status, 0);
        assert.equal(ours.stderr.replaceAll(b.oursPath, 'X'), theirs.stderr.replaceAll(b.gnu, 'X'));
        const od = run('objdump', ['-dl', b.oursPath]);
        assert.equal(od.status, 0);
        assert.equal(od.stderr, '');
        if (b.ours.lineMap.some((l) => l.isInstruction)) assert.match(od.stdout, /\.s:\d+\n/, 'objdump -l shows source lines');
      });

      it('.debug_line maps addresses to the same lines as ld\'s output of as -g objects', () => {
        const b = get(c.name);
        assert.ok(b.ours.elf);
        assert.deepEqual(lineRows(b.ours.elf), lineRows(new Uint8Array(readFileSync(b.gnu))));
      });

      it('the emulator\'s ELF loader accepts it', () => {
        const b = get(c.name);
        assert.ok(b.ours.elf);
        const img = parseElf(b.ours.elf, c.name);
        assert.equal(img.type, 'exec');
        const ld = parseElf(new Uint8Array(readFileSync(b.gnu)), c.name);
        assert.deepEqual(
          img.programHeaders.filter((p) => p.type === 1),
          ld.programHeaders.filter((p) => p.type === 1),
        );
      });
    });
  }
});

describe('the project\'s own assembler + this linker vs GNU as + ld', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  for (const c of cases) {
    // The front end does not emit .eh_frame for CFI directives: those programs can only link.
    const cfi = c.sources.some((f) => readFileSync(f, 'utf8').includes('.cfi_startproc'));
    it(`${c.name}: ${cfi ? 'links (CFI not assembled)' : 'identical loadable image, entry and symbols'}`, () => {
      const modules: ObjectModule[] = [];
      for (const src of c.sources) {
        const r = assembleText(readFileSync(src, 'utf8'), { fileName: src });
        assert.ok(r.module, r.diagnostics.map((d) => d.message).join('\n'));
        modules.push(r.module);
      }
      const ours = link(modules, { script: c.script ? { text: readFileSync(c.script, 'utf8'), fileName: c.script } : undefined, entry: c.entry });
      assert.ok(ours.elf, diagnosticsText(ours));
      if (cfi) return;
      const diffs = compareExecutables(new Uint8Array(readFileSync(get(c.name).gnu)), ours.elf);
      assert.deepEqual(diffs, []);
      assert.ok(ours.lineMap.length > 0);
    });
  }
});

describe('linked programs run', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  for (const name of ['hello', 'multi', 'bigtext', 'relro', 'orphans']) {
    it(`${name}: natively, same output and status as ld's build`, () => {
      const b = get(name);
      assert.ok(b.ours.elf);
      spawnSync('chmod', ['+x', b.oursPath, b.gnu]);
      const ours = spawnSync(b.oursPath, ['one', 'two'], { encoding: 'utf8' });
      const theirs = spawnSync(b.gnu, ['one', 'two'], { encoding: 'utf8' });
      assert.equal(ours.status, theirs.status);
      assert.equal(ours.signal, theirs.signal);
      assert.equal(ours.stdout, theirs.stdout);
    });
  }

  it('hello runs under the emulator (node dist/cli.js run)', function () {
    if (!existsSync('dist/cli.js')) this.skip();
    const b = get('hello');
    const r = spawnSync('node', ['dist/cli.js', 'run', b.oursPath, '--', 'a', 'b'], { encoding: 'utf8' });
    assert.equal(r.stdout, 'Hello from x64emu!\na\nb\n');
    assert.equal(r.status, 2);
  });

  it('multi runs under the emulator with the exit status ld\'s build has', function () {
    if (!existsSync('dist/cli.js')) this.skip();
    const b = get('multi');
    const r = spawnSync('node', ['dist/cli.js', 'run', b.oursPath], { encoding: 'utf8' });
    const native = spawnSync(b.gnu, [], { encoding: 'utf8' });
    assert.equal(r.stdout, native.stdout);
    assert.equal(r.status, native.status);
  });
});

describe('line map and DWARF with GNU tools', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  it('addr2line and gdb find source lines through our .debug_info/.debug_line', function () {
    const b = get('hello');
    assert.ok(b.ours.elf);
    const entry = readElf(b.ours.elf).entry;
    const a2l = run('addr2line', ['-e', b.oursPath, '0x' + (entry + 4n).toString(16)]);
    assert.match(a2l.stdout, /hello\.s:7$/m);
    if (spawnSync('gdb', ['--version']).status !== 0) return;
    const gdb = run('gdb', ['-batch', '-nx', '-ex', 'info line *0x' + (entry + 4n).toString(16), b.oursPath]);
    assert.match(gdb.stdout, /Line 7 of "[^"]*hello\.s"/);
  });

  it('readLineMap returns the line map of the linked program (including data records)', () => {
    const b = get('multi');
    assert.ok(b.ours.elf);
    assert.deepEqual(readLineMap(b.ours.elf), b.ours.lineMap);
    assert.ok(b.ours.lineMap.length > 10);
  });
});

describe('diagnostics agree with ld about what is wrong', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  function objects(name: string, sources: Record<string, string>): { paths: string[]; modules: ObjectModule[] } {
    const paths: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      const src = join(CACHE, `${name}-${file}`);
      writeFileSync(src, text);
      const obj = src.replace(/\.s$/, '.o');
      const r = run('as', ['-g', '-o', obj, src]);
      assert.equal(r.status, 0, r.stderr);
      paths.push(obj);
    }
    return { paths, modules: paths.map((p) => readObject(new Uint8Array(readFileSync(p)), p)) };
  }

  it('undefined reference: both fail, ours points at the source line', () => {
    const { paths, modules } = objects('undef', { 'a.s': '\t.globl _start\n_start:\n\tcall missing_fn\n\tret\n' });
    const ld = run('ld', ['-o', join(CACHE, 'undef.elf'), ...paths]);
    assert.notEqual(ld.status, 0);
    assert.match(ld.stderr, /undefined reference to `missing_fn'/);
    const r = link(modules, {});
    assert.equal(r.elf, undefined);
    const d = r.diagnostics.find((x) => x.severity === 'error')!;
    assert.equal(d.message, "undefined reference to `missing_fn'");
    assert.match(d.location.file, /undef-a\.s$/);
    assert.equal(d.location.line, 3);
  });

  it('relocation truncated to fit: same relocation type as ld reports', () => {
    const { paths, modules } = objects('trunc', {
      'a.s': '\t.globl _start\n_start:\n\tmov $far_sym, %eax\n\tmovl $far_sym, %eax\n\tmovq $far_sym, %rax\n\tret\n\t.bss\n\t.skip 8\n',
    });
    const script = join(CACHE, 'trunc.lds');
    writeFileSync(script, 'SECTIONS { . = 0x10000; .text : { *(.text) } far_sym = 0x180000000; }\n');
    const ld = run('ld', ['-T', script, '-o', join(CACHE, 'trunc.elf'), ...paths]);
    assert.notEqual(ld.status, 0);
    const ldTypes = [...ld.stderr.matchAll(/relocation truncated to fit: (R_X86_64_\w+)/g)].map((m) => m[1]);
    const r = link(modules, { script: { text: readFileSync(script, 'utf8'), fileName: script } });
    const ours = r.diagnostics.filter((d) => d.severity === 'error').map((d) => /relocation truncated to fit: (R_X86_64_\w+) against `far_sym'$/.exec(d.message)?.[1]);
    assert.deepEqual(ours, ldTypes);
    assert.deepEqual(ours, ['R_X86_64_32', 'R_X86_64_32', 'R_X86_64_32S']);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.location.line),
      [3, 4, 5],
    );
  });

  it('multiple definition: both fail', () => {
    const { paths, modules } = objects('dup', {
      'a.s': '\t.globl _start, twice\n_start:\ntwice:\n\tret\n',
      'b.s': '\t.globl twice\n\tnop\ntwice:\n\tret\n',
    });
    const ld = run('ld', ['-o', join(CACHE, 'dup.elf'), ...paths]);
    assert.match(ld.stderr, /multiple definition of `twice'/);
    const r = link(modules, {});
    assert.equal(r.elf, undefined);
    assert.equal(r.diagnostics[0].message, "multiple definition of `twice'");
  });
});

describe('random programs vs GNU ld', function () {
  before(function () {
    if (!hasBinutils) this.skip();
  });

  /** Assembles a random program, links it with ld and with us; undefined when both refuse it. */
  function differential(kind: string, seed: number, script?: string): { diffs: string[]; bothFailed: boolean } {
    const dir = join(CACHE, kind, String(seed));
    mkdirSync(dir, { recursive: true });
    const objs: string[] = [];
    for (const [name, text] of Object.entries(randomProgram(seed))) {
      const src = join(dir, name);
      writeFileSync(src, text);
      const obj = src.replace(/\.s$/, '.o');
      const r = run('as', ['-o', obj, src]);
      assert.equal(r.status, 0, r.stderr);
      objs.push(obj);
    }
    const args = ['-static', '-o', join(dir, 'gnu.elf')];
    if (script) {
      writeFileSync(join(dir, 'link.lds'), script);
      args.push('-T', join(dir, 'link.lds'));
    }
    const ld = run('ld', [...args, ...objs]);
    const ours = link(objs.map((o) => readObject(new Uint8Array(readFileSync(o)), o)), { script: script ? { text: script, fileName: 'link.lds' } : undefined });
    if (ld.status !== 0 || !ours.elf) {
      const agree = (ld.status !== 0) === !ours.elf;
      return { diffs: agree ? [] : [`ld status ${ld.status} (${ld.stderr.trim()}), ours: ${diagnosticsText(ours)}`], bothFailed: agree };
    }
    return { diffs: compareExecutables(new Uint8Array(readFileSync(join(dir, 'gnu.elf'))), ours.elf), bothFailed: false };
  }

  it('default layout: 300 random multi-module programs link exactly as with ld -static', () => {
    const bad: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const { diffs } = differential('random', seed);
      if (diffs.length) bad.push(`seed ${seed}: ${diffs.slice(0, 3).join('; ')}`);
    }
    assert.deepEqual(bad, []);
  });

  it('random linker scripts (AT, addresses, ALIGN, orphans, SIZEOF_HEADERS): at least 95% of 200 agree with ld', () => {
    const bad: string[] = [];
    let bothFailed = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = differential('randscript', seed, randomScript(seed));
      if (r.bothFailed) bothFailed++;
      if (r.diffs.length) bad.push(`seed ${seed}: ${r.diffs.slice(0, 2).join('; ')}`);
    }
    if (bad.length) console.log(`      ${bad.length}/200 differ (known corner cases of header placement and LMA tracking):\n        ${bad.join('\n        ')}`);
    assert.ok(bad.length <= 10, `${bad.length} of 200 random scripts differ from ld`);
    assert.ok(bothFailed < 40);
  });
});
