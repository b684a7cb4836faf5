// `x64emu asm` and `x64emu run FILE.S` as a user runs them: no toolchain needed, the same bytes
// as GNU as/ld, errors in GCC's format, no output file on error.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CACHE = '.cache/asm-cli-test';
const hasBinutils = spawnSync('as', ['--version']).status === 0 && spawnSync('objdump', ['--version']).status === 0;

function x64emu(...args: string[]) {
  const r = spawnSync('node', ['dist/cli.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('x64emu asm / run FILE.S', () => {
  before(() => mkdirSync(CACHE, { recursive: true }));

  it('runs a .S file directly, assembling it in memory', () => {
    const r = x64emu('run', 'samples/hello/hello.S', '--', 'one', 'two');
    assert.equal(r.stdout, 'Hello from x64emu!\none\ntwo\n');
    assert.equal(r.status, 2);
  });

  it('writes an executable whose disassembly equals GNU as/ld\'s, with a listing', function () {
    if (!hasBinutils) this.skip();
    const ours = join(CACHE, 'hello-ours');
    const r = x64emu('asm', 'samples/hello/hello.S', '-o', ours, '--listing');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^0000000000401000  4c 8b 24 24\s+samples\/hello\/hello\.S:6: mov\t\(%rsp\), %r12/m);
    assert.equal(spawnSync('as', ['-o', join(CACHE, 'hello.o'), 'samples/hello/hello.S']).status, 0);
    assert.equal(spawnSync('ld', ['-static', '-o', join(CACHE, 'hello-gnu'), join(CACHE, 'hello.o')]).status, 0);
    const dis = (f: string) => spawnSync('objdump', ['-d', f], { encoding: 'utf8' }).stdout.split('\n').slice(3).join('\n');
    assert.equal(dis(ours), dis(join(CACHE, 'hello-gnu')));
    const native = spawnSync(ours, ['x'], { encoding: 'utf8' });
    assert.equal(native.stdout, 'Hello from x64emu!\nx\n');
  });

  it('--trace on a .S file names the source line and the macro each instruction came from', () => {
    const src = join(CACHE, 'traced.S');
    writeFileSync(src, ['\t.macro exit code', '\tmov $60, %eax', '\tmov $\\code, %edi', '\tsyscall', '\t.endm', '\t.globl _start', '_start:', '\tnop', '\texit 3', ''].join('\n'));
    const r = x64emu('run', src, '--trace');
    assert.equal(r.status, 3);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], /nop .*; traced\.S:8$/);
    assert.match(lines[1], /mov \$0x3C?,%eax .*; traced\.S:2 \(in exit\)$/i);
    assert.match(lines[2], /; traced\.S:3 \(in exit\)$/);
  });

  it('reports every error as file:line:col: error: … with the macro chain, and writes nothing', () => {
    const src = join(CACHE, 'bad.S');
    writeFileSync(
      src,
      ['#define REG %rax', '\t.macro twice op', '\t\\op', '\t\\op', '\t.endm', '_start:', '\ttwice "movq $1, %bogus"', '\tmovq REG, %rbx, %rcx', ''].join('\n'),
    );
    const out = join(CACHE, 'bad.elf');
    rmSync(out, { force: true });
    const r = x64emu('asm', src, '-o', out);
    assert.equal(r.status, 1);
    assert.ok(!existsSync(out), 'no output file on error');
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.some((l) => /^\.cache\/asm-cli-test\/bad\.S:3:\d+: error: .*bogus/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /bad\.S:7:\d+: note: in expansion of macro twice/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /bad\.S:8:\d+: error: /.test(l)), r.stderr);
  });
});
