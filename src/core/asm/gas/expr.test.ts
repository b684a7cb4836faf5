import { strict as assert } from 'node:assert';
import { sectionHex } from './gas.test-support.js';

/** The little-endian 8-byte values of `.quad e1, e2, ...`. */
function quads(...exprs: string[]): bigint[] {
  const h = sectionHex(`.data\n.quad ${exprs.join(', ')}\n`);
  const out: bigint[] = [];
  for (let i = 0; i < h.length; i += 16) {
    const le = h.slice(i, i + 16).match(/../g)!.reverse().join('');
    out.push(BigInt.asIntN(64, BigInt('0x' + le)));
  }
  return out;
}

describe('gas expressions', () => {
  it('follows GNU as precedence (measured against as 2.40)', () => {
    assert.deepEqual(quads('1 == 1 + 5', '1 || 0 && 0', '2 + 3 * 4 | 1', '1 | 2 + 4'), [0n, 1n, 15n, 7n]);
    assert.deepEqual(quads('1 ^ 2 & 2', '1 | 2 & 0', '1 < 2 == 1', '10 % 3 * 2'), [2n, 0n, 0n, 2n]);
  });
  it('gives -1 for true comparisons and 1 for logical operators', () => {
    assert.deepEqual(quads('3 > 2', '2 < 1', '1 <> 2', '2 >= 2', '1 != 1', '!0', '!7', '2 && 3', '0 || 0'), [-1n, 0n, -1n, -1n, 0n, 1n, 0n, 1n, 0n]);
  });
  it('does signed division, logical right shift, or-not and 64-bit wrap', () => {
    assert.deepEqual(quads('-7 / 2', '-7 % 2', '-8 >> 1', '5 ! 2', '1 << 64', '0x7fffffffffffffff + 1'), [-3n, -1n, 0x7ffffffffffffffcn, -3n, 0n, -(1n << 63n)]);
  });
  it('reads decimal, hex, binary, octal and character constants', () => {
    assert.deepEqual(quads('123', '0x1F', '0X2e', '0b101', '017', "'a", "'\\n"), [123n, 31n, 46n, 5n, 15n, 97n, 10n]);
  });
  it('evaluates symbols, . and label differences', () => {
    const h = sectionHex('.data\nA = 3\nB = A << 2\nx: .quad B, . - x, y - x\ny:\n');
    assert.equal(h, '0c00000000000000' + '0800000000000000' + '1800000000000000');
  });
  it('snapshots .set values but re-evaluates .eqv and == at each use', () => {
    const h = sectionHex('.data\ny = 1\nz == y + 1\n.set s, y + 1\n.byte z, s\ny = 5\n.byte z, s\n');
    assert.equal(h, '02020602');
  });
});
