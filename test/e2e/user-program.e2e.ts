/**
 * F5 on a lone user-mode .S file in a folder with no launch.json: it stops on a breakpoint,
 * shows ring 3 and register values, and runs to the end with the program's output in the
 * Debug Console.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { hexAfter, VsCode } from './harness.js';

describe('e2e: F5 on a lone user-mode .S file', function () {
  this.timeout(300_000);
  let vs: VsCode;

  before(async () => {
    vs = await VsCode.open('user', VsCode.workspace('user', resolve('samples/user/fib.S')));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs.saveFailure(this.currentTest.fullTitle());
  });
  after(async () => {
    await vs?.close();
  });

  it('stops on a breakpoint in ring 3, hovers, and runs to completion', async () => {
    await vs.openFile('fib.S');
    // `mov %rsp, %rbp` in fib: line 20 of the sample.
    await vs.gotoLine(20);
    await vs.page.keyboard.press('F9');
    await vs.page.keyboard.press('F5');
    await vs.waitForRow('Call Stack', /fib \(fib\.S\).*fib\.S 20:/, 120_000);
    // One CPU: VS Code shows its frames without the thread row; the status bar names it.
    await vs.waitForStatus(/^CPU 0 • ring 3 • CR3 0x[0-9a-f]+$/);
    const rsp = hexAfter(await vs.debugHover('mov %rsp, %rbp', '%rsp'));
    assert.ok(rsp > 0x7f0000000000n, `a user stack address: ${rsp.toString(16)}`);
    await vs.screenshot('user-stopped');

    await vs.command('x64emu: Show Stack Switch View');
    const view = await vs.webviewFrame('#user-stack .slot.rsp');
    assert.equal(await view.locator('#kernel-stack').count(), 0, 'user mode: no kernel stack column');
    assert.match(await view.locator('.hint').innerText(), /user-mode program has one stack/);
    await vs.screenshot('user-stack-switch-view');

    // On a `syscall` line the inline values include what it uses without naming: RCX, R11.
    await vs.focusEditor('fib.S');
    await vs.gotoLine(58);
    await vs.page.keyboard.press('F9');
    await vs.page.keyboard.press('F5');
    await vs.waitForRow('Call Stack', /print_u64 \(fib\.S\).*fib\.S 58:/, 60_000);
    const end = Date.now() + 20_000;
    let shown = '';
    while (Date.now() < end && !/%r11 = 0x/.test(shown)) {
      shown = await vs.page.evaluate(() => {
        const lines = Array.from(document.querySelectorAll('.editor-instance .view-line')).map((l) => (l.textContent ?? '').replace(/\s+/g, ' ').trim());
        return lines.find((t) => /^\W*syscall\b/.test(t)) ?? lines.join(' | ');
      });
      await vs.page.waitForTimeout(200);
    }
    assert.match(shown, /%rcx = 0x[0-9a-f]+/, `inline values on the syscall line: ${shown}`);
    assert.match(shown, /%r11 = 0x[0-9a-f]+/);
    await vs.screenshot('user-syscall-inline-values');

    // Remove the breakpoint and run to the end: fib(15) = 610 is the last line printed.
    await vs.focusEditor('fib.S');
    await vs.command('Remove All Breakpoints');
    await vs.page.keyboard.press('F5');
    const console = vs.page.locator('.repl .monaco-list-rows');
    await vs.page.locator('.repl').waitFor();
    await console.getByText(/exited|exit status|610/).first().waitFor({ timeout: 60_000 });
    const text = await console.innerText();
    assert.match(text, /\b610\b/, text);
    await vs.screenshot('user-finished');

    // Run Without Debugging: the whole run traced, one line per instruction, in an Output channel.
    await vs.focusEditor('fib.S');
    await vs.command('x64emu: Run Without Debugging (trace to Output)');
    const traceEnd = Date.now() + 60_000;
    let output = '';
    while (Date.now() < traceEnd && !/x64emu exited with status 0/.test(output)) {
      output = await vs.page.evaluate(() => Array.from(document.querySelectorAll('.part.panel .view-line')).map((l) => (l.textContent ?? '').replace(/\s+/g, ' ')).join('\n'));
      await vs.page.waitForTimeout(300);
    }
    assert.match(output, /x64emu exited with status 0/, output);
    assert.match(output, /0x0000004[0-9a-f]+ (print_u64|_start|fib)\+0x[0-9a-f]+ /, 'trace lines: address, symbol+offset');
    await vs.screenshot('user-trace-output');
  });
});
