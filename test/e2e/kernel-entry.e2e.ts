/**
 * The headline use, in a real VS Code with the installed extension: open the kernel-entry
 * sample (no launch.json: the extension picks the kernel configuration), break on the
 * TSS_sp2 store, step three times, read TSS.sp2, CR3 and pcpu_hot.top_of_stack from the
 * Variables and Watch panes, hover %rsp, and open the Stack Switch view.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hexAfter, VsCode } from './harness.js';

const SAMPLE = resolve('samples/kernel-entry');

function lineOf(file: string, re: RegExp, after: RegExp): number {
  const lines = readFileSync(join(SAMPLE, file), 'utf8').split('\n');
  const from = lines.findIndex((l) => after.test(l));
  const i = lines.findIndex((l, k) => k >= from && re.test(l));
  assert.ok(i >= 0, `${file}: no line matches ${re}`);
  return i + 1;
}

describe('e2e: the kernel-entry sample in VS Code', function () {
  this.timeout(300_000);
  let vs: VsCode;
  const sp2Line = lineOf('entry_64.S', /movq\s+%rsp, PER_CPU_VAR\(cpu_tss_rw \+ TSS_sp2\)/, /^#else/);

  before(async () => {
    vs = await VsCode.open('kernel', VsCode.workspace('kernel', SAMPLE));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs.saveFailure(this.currentTest.fullTitle());
  });
  after(async () => {
    await vs?.close();
  });

  let userRsp: bigint;
  let frameLine: string;

  it('F5 with no launch.json boots the sample and stops on the TSS_sp2 breakpoint', async () => {
    await vs.openFile('entry_64.S');
    await vs.gotoLine(sp2Line);
    await vs.page.keyboard.press('F9');
    await vs.page.locator('.codicon-debug-breakpoint').first().waitFor();
    await vs.screenshot('breakpoint-set');
    await vs.page.keyboard.press('F5');
    frameLine = await vs.waitForRow('Call Stack', new RegExp(`entry_SYSCALL_64 \\(entry_64\\.S\\).*entry_64\\.S ${sp2Line}:`), 120_000);
    const threads = await vs.waitForRow('Call Stack', /CPU [01] \[ring 0/);
    assert.match(threads, /CPU [01] \[ring 0/, 'threads are CPUs, the stopped one in ring 0');
    await vs.page.locator('.debug-top-stack-frame-line, .codicon-debug-stackframe').first().waitFor();
    // Still on the user stack: SYSCALL does not switch stacks.
    userRsp = hexAfter(await vs.debugHover('movq %rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)', '%rsp'));
    assert.ok(userRsp >= 0x600000n && userRsp <= 0x603000n, `user RSP ${userRsp.toString(16)} is in user_stacks`);
    await vs.screenshot('stopped-on-tss-sp2');
  });

  it('steps three times: TSS.sp2 holds the user RSP, CR3 is the kernel half, RSP = pcpu_hot.top_of_stack', async () => {
    for (let i = 0; i < 3; i++) {
      const before = frameLine;
      await vs.page.keyboard.press('F10');
      const end = Date.now() + 60_000;
      do {
        await vs.page.waitForTimeout(200);
        frameLine = await vs.waitForRow('Call Stack', /entry_SYSCALL_64 \(entry_64\.S\)/);
      } while (frameLine === before && Date.now() < end);
      assert.notEqual(frameLine, before, `step ${i + 1} moved to another line`);
    }
    await vs.screenshot('after-three-steps');

    // Variables: the Registers scope (VS Code expands the first scope at every stop).
    const rspRow = await vs.waitForRow('Variables', /^rsp = 0x[0-9a-f]+ <kernel stack of task \d+ \(top\)/);

    // Watch: CR3, pcpu_hot.top_of_stack and RSP.
    for (const e of ['cpu_tss_rw.x86_tss.sp2', '$cr3', 'pcpu_hot.top_of_stack', '%rsp']) await vs.addWatch(e);
    const sp2 = hexAfter(await vs.waitForRow('Watch', /^cpu_tss_rw\.x86_tss\.sp2 = 0x/), '=');
    const cr3 = hexAfter(await vs.waitForRow('Watch', /^\$cr3 = 0x/), '=');
    const top = hexAfter(await vs.waitForRow('Watch', /^pcpu_hot\.top_of_stack = 0x/), '=');
    const rsp = hexAfter(await vs.waitForRow('Watch', /^%rsp = 0x/), '=');
    assert.equal(sp2, userRsp, 'Watch: TSS.sp2 = the user RSP');
    assert.equal(cr3 & 0x1000n, 0n, `Watch: CR3 ${cr3.toString(16)} is on the kernel half (bit 12 clear)`);
    assert.equal(cr3 & 0xfffn, 1n, 'Watch: CR3 carries the kernel PCID');
    assert.equal(rsp, top, 'Watch: RSP = pcpu_hot.top_of_stack');
    assert.equal(hexAfter(rspRow, '='), top, 'Variables: RSP = pcpu_hot.top_of_stack');
    await vs.screenshot('variables-and-watch');

    // The status bar says the same.
    await vs.waitForStatus(/CPU [01] • ring 0 • CR3 0x[0-9a-f]+ \(kernel half\)/);
  });

  it('hovering %rsp shows the kernel stack top', async () => {
    const text = await vs.debugHover('movq PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp', '%rsp');
    const top = hexAfter(await vs.waitForRow('Watch', /^pcpu_hot\.top_of_stack = 0x/), '=');
    assert.equal(hexAfter(text), top, `hover text: ${text}`);
    await vs.screenshot('hover-rsp');
    await vs.page.mouse.move(5, 5);
  });

  it('the Stack Switch view draws both stacks, TSS, pcpu_hot, GS and CR3', async () => {
    await vs.command('x64emu: Show Stack Switch View');
    const view = await vs.webviewFrame('#tss-sp2');
    // RSP is at the very top: the column shows the (not yet built) pt_regs area and RSP above it.
    await view.locator('#kernel-stack .slot.rsp.top').waitFor();
    assert.ok((await view.locator('#kernel-stack .slot.ptregs').count()) >= 20, 'the pt_regs frame is outlined');
    const summary = await view.locator('#summary').innerText();
    assert.match(summary, /CPU [01] • ring 0 • .*RSP 0x[0-9a-f]+ on the current task's kernel stack/);
    assert.equal(hexAfter(await view.locator('#tss-sp2').innerText()), userRsp, 'view: TSS.sp2');
    assert.equal(await view.locator('#cr3 .half.active').innerText(), 'kernel half');
    const top = await view.locator('#pcpu-hot-top_of_stack').innerText();
    assert.equal(hexAfter(await view.locator('#rsp-box-rsp').innerText()), hexAfter(top), 'view: RSP = top_of_stack');
    assert.ok((await view.locator('#arrows path.arrow').count()) >= 3, 'arrows from RSP, TSS.sp2 and top_of_stack');
    await vs.screenshot('stack-switch-view');

    // One more step (pushq $__USER_DS): the view follows, and marks what changed.
    await vs.focusEditor('entry_64.S');
    await vs.page.keyboard.press('F10');
    await view.locator('#kernel-stack .slot.rsp', { hasText: 'pt_regs->ss' }).waitFor({ timeout: 60_000 });
    assert.ok((await view.locator('.changed').count()) > 0, 'the last step is highlighted');
    await vs.screenshot('stack-switch-after-push');
  });
});
