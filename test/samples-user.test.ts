// samples/user: each program runs from its source with the built-in assembler, behaves as the
// GNU-built binary does natively, and assembles to the same loadable bytes as GNU as/ld.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PT_LOAD, parseElf } from '../src/core/loader/elf.js';

const CACHE = '.cache/samples-user';
const hasBinutils = spawnSync('as', ['--version']).status === 0 && spawnSync('ld', ['--version']).status === 0;

const PROGRAMS: Array<[string, string[], string, number]> = [
  ['hello', [], 'hello, world\n', 0],
  ['fib', [], '0\n1\n1\n2\n3\n5\n8\n13\n21\n34\n55\n89\n144\n233\n377\n610\n', 0],
  ['strings', [], '0123456***\nfirst difference at index 7\n', 10],
  ['array-bug', [], '', 100],
  ['args', ['one', 'two'], 'argc = 3\nsamples/user/args.S\none\ntwo\n', 0],
];

/** The PT_LOADs and their bytes; the 64-byte ELF header is left out where a segment maps it,
 * since its section-header fields differ (x64emu adds debug-line and line-map sections). */
function loadable(elf: Uint8Array): string {
  const image = parseElf(elf);
  return image.programHeaders
    .filter((p) => p.type === PT_LOAD)
    .map((p) => {
      const from = p.offset === 0 ? 64 : 0;
      return `${p.vaddr.toString(16)}:${p.memsz}:${p.flags}:${Buffer.from(elf.subarray(p.offset + from, p.offset + p.filesz)).toString('hex')}`;
    })
    .join('\n');
}

describe('samples/user', () => {
  for (const [name, args, stdout, status] of PROGRAMS) {
    it(`${name}: runs from source with the expected output and status`, () => {
      const r = spawnSync('node', ['dist/cli.js', 'run', `samples/user/${name}.S`, '--', ...args], { encoding: 'utf8' });
      assert.equal(r.stdout, stdout);
      assert.equal(r.status, status, r.stderr);
    });

    if (args.length > 0) {
      it(`${name}: with one source the arguments may also follow it without --`, () => {
        const r = spawnSync('node', ['dist/cli.js', 'run', `samples/user/${name}.S`, ...args], { encoding: 'utf8' });
        assert.equal(r.stdout, stdout);
        assert.equal(r.status, status, r.stderr);
      });
    }

    it(`${name}: x64emu asm gives GNU as/ld's loadable bytes, and the binary behaves the same natively`, function () {
      if (!hasBinutils) this.skip();
      mkdirSync(CACHE, { recursive: true });
      const gnu = join(CACHE, `${name}-gnu`);
      const ours = join(CACHE, `${name}-ours`);
      assert.equal(spawnSync('as', ['-o', `${gnu}.o`, `samples/user/${name}.S`]).status, 0);
      assert.equal(spawnSync('ld', ['-o', gnu, `${gnu}.o`]).status, 0);
      assert.equal(spawnSync('node', ['dist/cli.js', 'asm', `samples/user/${name}.S`, '-o', ours]).status, 0);
      assert.equal(loadable(readFileSync(ours)), loadable(readFileSync(gnu)));
      const native = spawnSync(gnu, args, { encoding: 'utf8' });
      assert.equal(native.status, status);
      if (name !== 'args') assert.equal(native.stdout, stdout);
    });
  }
});
