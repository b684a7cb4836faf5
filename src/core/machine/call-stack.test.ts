import { strict as assert } from 'node:assert';
import { hex } from '../loader/tiny-elf.test-support.js';
import { TEST_CODE, machineWithCode } from './bare-machine.js';
import { ShadowCallStack } from './call-stack.js';

describe('shadow call stack', () => {
  // call f; ud2; f: call g; ret; g: nop; ret
  const code = hex('e802000000 0f0b e801000000 c3 90 c3');
  const F = TEST_CODE + 7;
  const G = TEST_CODE + 13;

  it('follows CALL and RET: inside g the stack is [call f, call g], empty after both return', () => {
    const m = machineWithCode(code);
    const stack = new ShadowCallStack();
    stack.attach(m.cpu);
    m.cpu.breakpoints.add(G);
    m.cpu.invalidateAllCode();
    assert.equal(m.cpu.run(100).kind, 'breakpoint');
    assert.deepEqual(
      stack.frames.map((f) => [f.from - TEST_CODE, f.to - TEST_CODE, f.returnTo - TEST_CODE]),
      [
        [0, F - TEST_CODE, 5],
        [7, G - TEST_CODE, 12],
      ],
    );
    assert.equal(m.cpu.run(100, m.cpu.rip).kind, 'fault'); // runs on to the ud2
    assert.deepEqual(stack.frames, []);
  });
});
