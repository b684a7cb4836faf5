// Random bytes through the decoder and every handler: whatever the bytes, the CPU must report
// an architectural outcome (retired, #UD, #GP, #PF, #DE, #BP ...) and never throw a JS error.
import { strict as assert } from 'node:assert';
import { CpuFault } from '../machine/faults.js';
import { TEST_CODE, TEST_DATA, machineWithCode } from '../machine/bare-machine.js';

/** xorshift32: deterministic, so a failure reproduces from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

describe('fuzzing the decoder and handlers with random bytes', () => {
  it('executes ≥ 100,000 random instructions with only architectural exceptions', () => {
    const next = rng(0x5eed);
    const outcomes = new Map<string, number>();
    let executed = 0;
    let rounds = 0;
    const m = machineWithCode(new Uint8Array(4096));
    const cpu = m.cpu;
    while (executed < 100_000) {
      rounds++;
      m.load(TEST_CODE, Uint8Array.from({ length: 4096 }, () => next() & 0xff));
      m.load(TEST_DATA, Uint8Array.from({ length: 0x8000 }, () => next() & 0xff));
      // Registers point into mapped data half the time, so memory forms get exercised.
      for (let s = 0; s < 16; s++) {
        if (s === 4) continue;
        const v = next() & 1 ? BigInt(TEST_DATA + (next() & 0x7ff8)) : (BigInt(next()) << 32n) | BigInt(next());
        cpu.setReg(s, v);
      }
      cpu.rflags = next() & 0xcd5;
      let offset = 0;
      for (let attempt = 0; attempt < 60 && executed < 100_000; attempt++) {
        cpu.rip = TEST_CODE + (offset % 4000);
        let reason;
        const before = cpu.retired;
        try {
          reason = cpu.run(50);
        } catch (e) {
          assert.fail(`round ${rounds}: JS exception at rip 0x${cpu.rip.toString(16)}: ${(e as Error).stack}`);
        }
        // Retired instructions, plus the one that faulted (decoded and executed up to its fault).
        executed += cpu.retired - before + (reason.kind === 'fault' ? 1 : 0);
        if (reason.kind === 'fault') {
          assert.ok(reason.fault instanceof CpuFault);
          const name = `vector ${reason.fault.vector}`;
          outcomes.set(name, (outcomes.get(name) ?? 0) + 1);
        } else {
          outcomes.set(reason.kind, (outcomes.get(reason.kind) ?? 0) + 1);
        }
        offset = (next() & 0xfff);
        cpu.setRegNumber(4, 0x7fff0000 - 256);
      }
    }
    assert.ok(executed >= 100_000);
    // Random bytes must hit invalid opcodes and page faults at least; anything else is a bonus.
    assert.ok((outcomes.get('vector 6') ?? 0) > 0, 'no #UD seen');
  });
});
