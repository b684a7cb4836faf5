// Reverse execution in user mode: rewinding restores the exact prior state (registers, flags,
// memory, TLB) and re-executes deterministically, without repeating output.
import { strict as assert } from 'node:assert';
import { sameCpuState, saveCpuState } from '../machine/cpu-state.js';
import { LinuxProcess, ProcessHost } from './linux-process.js';
import { buildStaticElf, hex } from './tiny-elf.test-support.js';

/**
 * brk(0); brk(+128 KiB); then forever: xorshift64 in r8, store it at a random heap offset,
 * push/call/pop, accumulate — memory, stack and flags all change every iteration.
 */
const WORKLOAD = hex(
  'b80c00000031ff0f054889c3488db800000200b80c0000000f0531c941b8785634124c89c048c1e00d4931c04c89c048c1e8074931c04c89c048c1e0114931c04c89c281e2f8ff01004c8904134150e80a00000041594d01ca48ffc1ebc44d31c3c3',
);

const quietHost: ProcessHost = { write() {}, read: () => new Uint8Array(0), warn() {} };

function heapDigest(p: LinuxProcess): string {
  const bytes = p.cpu.mem.peek(p.brkStart, 0x20000);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
}

describe('execution journal (reverse execution, user mode)', () => {
  it('rewinding 100,000 instructions restores the exact prior state', () => {
    const p = new LinuxProcess(buildStaticElf(WORKLOAD), quietHost, { argv: ['w'] });
    p.enableJournal({ interval: 5000 });
    p.run(100_000);
    const before = saveCpuState(p.cpu);
    const heap = heapDigest(p);
    p.run(100_000);
    assert.notEqual(heapDigest(p), heap);
    assert.ok(p.rewindTo(100_000));
    assert.equal(p.cpu.retired, 100_000);
    assert.ok(sameCpuState(saveCpuState(p.cpu), before), 'registers, flags, segments, system state');
    assert.equal(heapDigest(p), heap, 'memory');
  });

  it('stepping back one instruction at a time matches a fresh run to the same point', () => {
    const p = new LinuxProcess(buildStaticElf(WORKLOAD), quietHost, { argv: ['w'] });
    p.enableJournal({ interval: 1000 });
    p.run(12_345);
    for (let k = 1; k <= 5; k++) {
      assert.ok(p.rewindTo(12_345 - k));
      const fresh = new LinuxProcess(buildStaticElf(WORKLOAD), quietHost, { argv: ['w'] });
      fresh.run(12_345 - k);
      assert.ok(sameCpuState(saveCpuState(p.cpu), saveCpuState(fresh.cpu)), `after stepping back ${k}`);
      assert.equal(heapDigest(p), heapDigest(fresh));
    }
  });

  it('reaches back at least 1,000,000 instructions within the 256 MiB budget', () => {
    const p = new LinuxProcess(buildStaticElf(WORKLOAD), quietHost, { argv: ['w'] });
    p.enableJournal();
    p.run(1_100_000);
    assert.ok(p.journal!.horizon <= 100_000, `horizon ${p.journal!.horizon}`);
    assert.ok(p.journal!.memoryBytes < 256 << 20);
    const target = 100_000;
    assert.ok(p.rewindTo(target));
    const fresh = new LinuxProcess(buildStaticElf(WORKLOAD), quietHost, { argv: ['w'] });
    fresh.run(target);
    assert.ok(sameCpuState(saveCpuState(p.cpu), saveCpuState(fresh.cpu)));
  });

  it('does not repeat output when re-executing, and replays recorded input', () => {
    // read(0, buf, 4) into the stack; write(1, buf, 4); exit
    const code = hex('4883ec10 31c0 31ff 4889e6 ba04000000 0f05 b801000000 bf01000000 4889e6 ba04000000 0f05 b83c000000 31ff 0f05');
    const out: string[] = [];
    let reads = 0;
    const host: ProcessHost = {
      write: (_fd, d) => out.push(new TextDecoder().decode(d)),
      read: () => (reads++, new TextEncoder().encode('abcd')),
      warn() {},
    };
    const p = new LinuxProcess(buildStaticElf(code), host, { argv: ['r'] });
    p.enableJournal({ interval: 3 });
    assert.equal(p.run(100).kind, 'exit');
    // Back to just after the write: re-executing up to there prints nothing new.
    assert.ok(p.rewindTo(p.cpu.retired - 2));
    assert.equal(p.run(100).kind, 'exit');
    assert.deepEqual(out, ['abcd']);
    assert.equal(reads, 1, 'input read from the host once');
    assert.ok(p.rewindTo(1));
    assert.equal(p.run(100).kind, 'exit');
    assert.equal(reads, 1, 'the re-executed read came from the record');
    assert.equal(out.join(''), 'abcdabcd', 'the write runs anew after the replayed part, so it prints again');
  });
});
