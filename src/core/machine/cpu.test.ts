import { strict as assert } from 'node:assert';
import { hex } from '../loader/tiny-elf.test-support.js';
import { BareMachine, TEST_CODE, TEST_STACK_TOP, machineWithCode } from './bare-machine.js';
import { Vector } from './faults.js';

describe('CPU run loop and decoded-instruction cache', () => {
  it('sees code rewritten after it was decoded (self-modifying code)', () => {
    // xor %ecx,%ecx; mov $2,%edx; 1: patch: mov $1,%bl; add %bl,%cl;
    // movb $5,patch+1(%rip); dec %edx; jnz 1b; ud2
    const code = hex('31c9ba02000000b30100d9c605f6ffffff05ffca75f10f0b');
    const m = new BareMachine();
    m.map(TEST_CODE, 4096, { write: true, user: true, exec: true });
    m.load(TEST_CODE, code);
    m.cpu.rip = TEST_CODE;
    const reason = m.cpu.run(100);
    assert.equal(reason.kind, 'fault');
    // First pass adds 1, second pass runs the rewritten instruction and adds 5.
    assert.equal(m.cpu.getReg(1), 6n);
  });

  it('raises #UD naming an instruction the core does not implement', () => {
    for (const [bytes, name] of [
      ['0f58c1', 'addps'],
      ['d9e8', 'fld1'],
    ] as const) {
      const m = machineWithCode(hex(bytes));
      const reason = m.cpu.run(1);
      assert.equal(reason.kind, 'fault');
      if (reason.kind !== 'fault') return;
      assert.equal(reason.fault.vector, Vector.UD);
      assert.match(reason.fault.detail ?? '', new RegExp(name));
      assert.equal(m.cpu.rip, TEST_CODE, 'RIP stays at the faulting instruction');
      assert.equal(m.cpu.retired, 0);
    }
  });

  it('reports undecodable bytes as an invalid opcode with the bytes', () => {
    const m = machineWithCode(hex('0f0b'));
    const reason = m.cpu.run(1);
    assert.equal(reason.kind, 'fault');
    // 06 (push %es) does not exist in 64-bit mode.
    const m2 = machineWithCode(hex('06'));
    const r2 = m2.cpu.run(1);
    assert.ok(r2.kind === 'fault' && r2.fault.vector === Vector.UD && /invalid opcode \(bytes 06/.test(r2.fault.detail ?? ''));
  });

  it('stops before a breakpoint, then resumes through it', () => {
    // nop; nop; inc %eax; nop; ud2
    const m = machineWithCode(hex('9090ffc0900f0b'));
    m.cpu.breakpoints.add(TEST_CODE + 2);
    m.cpu.invalidateAllCode();
    const first = m.cpu.run(100);
    assert.deepEqual(first, { kind: 'breakpoint', rip: TEST_CODE + 2 });
    assert.equal(m.cpu.retired, 2);
    assert.equal(m.cpu.getReg(0), 0n, 'the instruction at the breakpoint has not run');
    const second = m.cpu.run(100, m.cpu.rip);
    assert.equal(second.kind, 'fault');
    assert.equal(m.cpu.getReg(0), 1n);
    assert.equal(m.cpu.retired, 4);
  });

  it('faults on a fetch from a non-executable page with an instruction-fetch #PF', () => {
    // jmp *%rax to the (NX) stack page.
    const m = machineWithCode(hex('ffe0'));
    m.cpu.setRegNumber(0, TEST_STACK_TOP - 64);
    const reason = m.cpu.run(10);
    assert.equal(reason.kind, 'fault');
    if (reason.kind !== 'fault') return;
    assert.equal(reason.fault.vector, Vector.PF);
    assert.equal(reason.fault.errorCode, 0b10101); // present, user, instruction fetch
    assert.equal(reason.rip, TEST_STACK_TOP - 64);
    assert.equal(m.cpu.retired, 1, 'the jump retired; the fetch at its target faulted');
  });

  it('raises #GP for a jump to a non-canonical address without moving RIP', () => {
    const m = machineWithCode(hex('ffe0'));
    m.cpu.setReg(0, 0x0000800000000000n);
    const reason = m.cpu.run(10);
    assert.ok(reason.kind === 'fault' && reason.fault.vector === Vector.GP);
    assert.equal(m.cpu.rip, TEST_CODE);
  });

  it('counts instructions deterministically for RDTSC', () => {
    // rdtsc; rdtsc; ud2 → second read is one instruction later
    const m = machineWithCode(hex('0f31 4889c3 0f31 0f0b'));
    m.cpu.run(10);
    assert.equal(m.cpu.getReg(0) - m.cpu.getReg(3), 2n);
  });
});

describe('data watchpoints', () => {
  // mov %rax,(%rbx); mov (%rcx),%rdx; nop; ud2
  const code = hex('488903 488b11 90 0f0b');

  it('stop after the instruction that writes a watched range, naming it', () => {
    const m = machineWithCode(code);
    m.cpu.setRegNumber(3, 0x600010);
    m.cpu.setRegNumber(1, 0x600100);
    m.cpu.mem.addWatchpoint({ start: 0x600014, length: 4, read: false, write: true });
    const r = m.cpu.run(10);
    assert.equal(r.kind, 'watchpoint');
    if (r.kind !== 'watchpoint') return;
    assert.equal(r.rip, TEST_CODE, 'the store at the first instruction');
    assert.equal(r.hit.write, true);
    assert.equal(m.cpu.rip, TEST_CODE + 3, 'the store completed');
    assert.equal(m.cpu.retired, 1);
  });

  it('read watchpoints see loads, not stores; removing the watchpoint restores full speed paths', () => {
    const m = machineWithCode(code);
    m.cpu.setRegNumber(3, 0x600010);
    m.cpu.setRegNumber(1, 0x600100);
    const w = { start: 0x600100, length: 8, read: true, write: false };
    m.cpu.mem.addWatchpoint(w);
    const r = m.cpu.run(10);
    assert.ok(r.kind === 'watchpoint' && r.rip === TEST_CODE + 3 && !r.hit.write);
    m.cpu.mem.removeWatchpoint(w);
    assert.equal(m.cpu.run(10).kind, 'fault'); // ran on to the ud2
  });
});
