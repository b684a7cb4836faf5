// Registers an instruction uses, implicit ones included: what the editor shows beside the line.
import { strict as assert } from 'node:assert';
import { registersUsed } from './registers-used.js';

const uses = (hex: string) => Object.fromEntries(registersUsed(Uint8Array.from((hex.match(/../g) ?? []).map((b) => parseInt(b, 16))), 0x401000).map((u) => [u.name, u.access]));

describe('registers used by an instruction', () => {
  it('syscall writes RCX and R11 (and reads RAX) — nothing in its text says so', () => {
    const u = uses('0f05');
    assert.equal(u.rcx, 'write');
    assert.equal(u.r11, 'write');
  });

  it('push reads its operand and updates RSP; rep movsb uses RCX, RSI and RDI', () => {
    assert.deepEqual(uses('53'), { rbx: 'read', rsp: 'read-write' });
    const m = uses('f3a4');
    assert.equal(m.rcx, 'read-write');
    assert.equal(m.rsi, 'read-write');
    assert.equal(m.rdi, 'read-write');
  });

  it('mov %cr3, %rax reads CR3 and writes RAX; garbage uses nothing', () => {
    assert.deepEqual(uses('0f20d8'), { cr3: 'read', rax: 'write' });
    assert.deepEqual(uses(''), {});
  });
});
