import { strict as assert } from 'node:assert';
import { LinuxProcess, ProcessHost } from './linux-process.js';
import { ElfError, parseElf } from './elf.js';
import { buildStaticElf, hex } from './tiny-elf.test-support.js';

/**
 * personality.S (assembled with GNU as): prints argv[1]; grows brk by 64 KiB and writes its
 * last byte; mmaps 2 anonymous pages (checks zero, writes 42); arch_prctl(ARCH_SET_FS) and
 * reads %fs:8; calls syscall 999 expecting -ENOSYS; touches 1 MiB below RSP (stack growth);
 * checks CLOCK_MONOTONIC advances; munmaps the region and writes to it (→ SIGSEGV). A failed
 * check exits with its number (10–15).
 */
const PERSONALITY = hex('488b74241031d2803c1600740548ffc2ebf5b801000000bf010000000f05b80c00000031ff0f054889c3488db800000100b80c0000000f05bf0a000000488d8b000001004839c80f85ed000000c640ff07b80900000031ffbe00200000ba0300000041ba2200000049c7c0ffffffff4531c90f05bf0b0000004883b800100000000f85b300000048c740082a0000004989c4b89e000000bf021000004c89e60f05bf0c0000006448833c25080000002a0f8584000000b8e70300000f05bf0d0000004883f8da75724881ec0000100048c70424050000004881c4000010004883ec20b8e4000000bf010000004889e60f054c8b6c2408b8e4000000bf01000000488d7424100f05bf0e0000004c3b6c24187327b80b0000004c89e7be002000000f05bf0000000048837c24080249c7042401000000bf0f000000b83c0000000f05');

function capture(): ProcessHost & { out: string; warnings: string[] } {
  const host = {
    out: '',
    warnings: [] as string[],
    write(_fd: number, data: Uint8Array) {
      host.out += new TextDecoder().decode(data);
    },
    read: () => new Uint8Array(0),
    warn(message: string) {
      host.warnings.push(message);
    },
  };
  return host;
}

describe('Linux user-mode personality', () => {
  it('serves argv, brk, mmap, arch_prctl, -ENOSYS, stack growth and clocks as Linux does', () => {
    const host = capture();
    const p = new LinuxProcess(buildStaticElf(PERSONALITY, { symbols: [['_start', 0x401000]] }), host, { argv: ['p', 'hello'] });
    const reason = p.run(10_000);
    // Every check passed, so the program reached the write into the unmapped region.
    assert.equal(reason.kind, 'fault', reason.kind === 'fault' ? reason.fault.describe() : reason.kind);
    assert.equal(p.exitStatus, null);
    if (reason.kind === 'fault') {
      assert.equal(reason.fault.vector, 14);
      assert.equal(reason.fault.errorCode, 0b110); // not present, write, user
    }
    assert.equal(host.out, 'hello');
    assert.equal(host.warnings.length, 1);
    assert.match(host.warnings[0], /unsupported system call 999/);
  });

  it('lays out argc, argv, envp and auxv on a 16-byte aligned stack', () => {
    const host = capture();
    // A program that only exits: we inspect the initial stack before it runs.
    const p = new LinuxProcess(buildStaticElf(hex('b83c0000000f05')), host, { argv: ['prog', 'a', 'bc'], envp: ['K=V'] });
    const sp = p.cpu.regNumber(4);
    assert.equal(sp % 16, 0);
    const word = (i: number) => new DataView(p.cpu.mem.peek(sp + 8 * i, 8).buffer).getBigUint64(0, true);
    const str = (addr: bigint) => {
      const bytes = p.cpu.mem.peek(Number(addr), 64);
      return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
    };
    assert.equal(word(0), 3n);
    assert.deepEqual([str(word(1)), str(word(2)), str(word(3))], ['prog', 'a', 'bc']);
    assert.equal(word(4), 0n);
    assert.equal(str(word(5)), 'K=V');
    assert.equal(word(6), 0n);
    // auxv: find AT_PAGESZ (6) = 4096 and AT_ENTRY (9) = the entry point, terminated by AT_NULL.
    const aux = new Map<bigint, bigint>();
    for (let i = 7; word(i) !== 0n; i += 2) aux.set(word(i), word(i + 1));
    assert.equal(aux.get(6n), 4096n);
    assert.equal(aux.get(9n), 0x401000n);
    assert.ok(aux.has(25n), 'AT_RANDOM present');
    const reason = p.run(10);
    assert.deepEqual(reason, { kind: 'exit', status: 0 });
  });

  it('rejects files it cannot run with a message naming the file and the problem', () => {
    const host = capture();
    assert.throws(() => parseElf(new Uint8Array(10), 'x.bin'), (e: Error) => e instanceof ElfError && /x\.bin: too short/.test(e.message));
    assert.throws(() => parseElf(hex('7f454c4601' + '00'.repeat(80)), 'old'), /old: not a 64-bit ELF/);
    const notElf = new Uint8Array(100).fill(0x41);
    assert.throws(() => parseElf(notElf, 'a.txt'), /a\.txt: not an ELF file/);
    const elf = buildStaticElf(hex('90'));
    const truncated = elf.slice(0, 0x1000);
    assert.throws(() => new LinuxProcess(truncated, host, { argv: ['t'] }, 't'), /t: segment 0 extends past the end of the file/);
  });
});
