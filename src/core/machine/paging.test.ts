import { strict as assert } from 'node:assert';
import { explainTranslation } from '../inspect/translation.js';
import { PageTableBuilder } from './paging.js';
import { FrameAllocator, PhysicalMemory } from './physical-memory.js';

describe('page-table builder', () => {
  it('mapping a 4 KiB page inside a 2 MiB page splits it and keeps the rest of the identity map', () => {
    // The boot protocol does this for a segment linked at 0 (e.g. .data..percpu) over the
    // identity-mapped first 2 MiB.
    const phys = new PhysicalMemory(8 << 20);
    const frames = new FrameAllocator(phys, 6 << 20);
    const t = new PageTableBuilder(phys, frames);
    t.mapLarge(0, 0, { write: true, user: false, exec: true });
    t.map(0, 0x300000, { write: true, user: false, exec: false });
    const cr3 = BigInt(t.pml4);
    assert.equal(explainTranslation(phys, 0x10n, cr3).physical, 0x300010, 'the remapped page');
    assert.equal(explainTranslation(phys, 0x1234n, cr3).physical, 0x1234, 'its neighbours stay identity-mapped');
    assert.equal(explainTranslation(phys, 0x1ff000n, cr3).physical, 0x1ff000);
    assert.equal(explainTranslation(phys, 0x1ff000n, cr3).pageSize, 4096, 'split into 4 KiB pages');
    assert.equal(phys.readU64(0), 0n, 'nothing written at physical 0');
  });
});
