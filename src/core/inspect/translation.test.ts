import { strict as assert } from 'node:assert';
import { BareMachine } from '../machine/bare-machine.js';
import { explainTranslation } from './translation.js';

describe('explainTranslation', () => {
  it('shows every level of a successful walk with flags and the combined access', () => {
    const m = new BareMachine(8 << 20);
    m.map(0x7000_1000, 0x1000, { write: false, user: true, exec: false });
    const e = explainTranslation(m.phys, 0x7000_1234n, m.cpu.cr3);
    assert.deepEqual(e.steps.map((s) => s.level), ['PML4', 'PDPT', 'PD', 'PT']);
    assert.deepEqual(e.steps[3].flags, ['P', 'US', 'NX']);
    assert.equal(e.physical! % 4096, 0x234);
    assert.deepEqual(e.access, { user: true, writable: false, executable: false });
    assert.equal(e.failure, undefined);
  });

  it('says which level is not present, and rejects non-canonical addresses', () => {
    const m = new BareMachine(8 << 20);
    m.map(0x7000_1000, 0x1000, { write: true, user: true, exec: false });
    const e = explainTranslation(m.phys, 0x7000_3000n, m.cpu.cr3);
    assert.equal(e.steps.length, 4);
    assert.match(e.failure!, /^PT\[3\] is not present/);
    const far = explainTranslation(m.phys, 0x0000_9000_0000_0000n, m.cpu.cr3);
    assert.match(far.failure!, /non-canonical/);
  });

  it('reads the walk without setting accessed bits', () => {
    const m = new BareMachine(8 << 20);
    m.map(0x5000, 0x1000, { write: true, user: true, exec: false });
    const before = explainTranslation(m.phys, 0x5000n, m.cpu.cr3);
    const again = explainTranslation(m.phys, 0x5000n, m.cpu.cr3);
    assert.ok(!before.steps[3].flags.includes('A'));
    assert.deepEqual(before.steps, again.steps);
  });
});

describe('inspection reads and writes', () => {
  it('readLinear reads through another address space, stopping at the first hole', async () => {
    const { readLinear } = await import('./translation.js');
    const m = new BareMachine(8 << 20);
    m.map(0x10000, 0x1000, { write: true, user: true, exec: false });
    m.load(0x10ffe, Uint8Array.of(1, 2));
    const cr3 = m.cpu.cr3;
    // Switch the CPU to other (empty) tables: the inspection still uses the given CR3.
    m.cpu.cr3 = BigInt(m.frames.allocate());
    m.cpu.syncPaging();
    assert.deepEqual(Array.from(readLinear(m.phys, cr3, 0x10ffen, 8)), [1, 2]);
  });

  it('writePhysical changes code the CPU already decoded', async () => {
    const { writePhysical } = await import('./translation.js');
    const { machineWithCode } = await import('../machine/bare-machine.js');
    const m = machineWithCode(Uint8Array.of(0xb0, 0x01, 0xeb, 0xfc)); // mov $1,%al; jmp back
    m.cpu.run(2);
    const pa = m.cpu.mem.inspectTranslate(0x400000, 0)!;
    writePhysical(m.phys, pa + 1, Uint8Array.of(7));
    m.cpu.run(2);
    assert.equal(m.cpu.getReg(0) & 0xffn, 7n);
  });
});
