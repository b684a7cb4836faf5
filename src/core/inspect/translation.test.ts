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
