/**
 * The language server in a real VS Code: on the kernel sample, hovering a macro invocation
 * shows what it expands to at that line, and a mistake typed into the file shows up as a
 * diagnostic (squiggle and Problems count) without saving or building anything.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VsCode } from './harness.js';

describe('e2e: language support on the kernel-entry sample', function () {
  this.timeout(300_000);
  let vs: VsCode;

  before(async () => {
    vs = await VsCode.open('language', VsCode.workspace('language', resolve('samples/kernel-entry')));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await vs.saveFailure(this.currentTest.fullTitle());
  });
  after(async () => {
    await vs?.close();
  });

  /** The text of the editor's (language) hover over `token` on the line showing `lineText`. */
  async function editorHover(lineText: string, token: string, want: RegExp): Promise<string> {
    const hover = vs.page.locator('.monaco-hover:not(.hidden)');
    let last = '';
    for (let attempt = 0; attempt < 10; attempt++) {
      const { x, y } = await vs.tokenBox(lineText, token);
      await vs.page.mouse.move(Math.max(0, x - 250), y);
      await vs.page.waitForTimeout(300);
      await vs.page.mouse.move(x, y, { steps: 4 });
      const end = Date.now() + 4000;
      while (Date.now() < end) {
        last = (await hover.allInnerTexts()).join('\n');
        if (want.test(last)) return last;
        await vs.page.waitForTimeout(200);
      }
    }
    throw new Error(`no hover matching ${want} over ${token}; last: ${JSON.stringify(last)}`);
  }

  it('hovering SWITCH_TO_KERNEL_CR3 shows its expansion at this call site', async () => {
    await vs.openFile('entry_64.S');
    // An invocation with %rax (the %rsp ones first appear in the BUG_ variant's skipped branch).
    const lines = readFileSync(resolve('samples/kernel-entry/entry_64.S'), 'utf8').split('\n');
    await vs.gotoLine(lines.findIndex((l) => /SWITCH_TO_KERNEL_CR3 scratch_reg=%rax/.test(l)) + 1);
    const text = await editorHover('SWITCH_TO_KERNEL_CR3 scratch_reg=%rax', 'SWITCH_TO_KERNEL_CR3', /movq\s+%cr3,\s*%rax/);
    assert.match(text, /btsq\s+\$63,\s*%rax/, 'the no-flush bit, with the argument substituted');
    await vs.page.waitForTimeout(400); // let the hover finish fading in for the screenshot
    await vs.screenshot('macro-hover');
  });

  it('a typo shows as a diagnostic while typing', async () => {
    await vs.focusEditor('entry_64.S');
    await vs.gotoLine(28);
    await vs.page.keyboard.press('End');
    await vs.page.keyboard.press('Enter');
    await vs.page.keyboard.type('movq %rax, %cr9');
    const squiggle = vs.page.locator('.editor-instance .squiggly-error');
    await squiggle.first().waitFor({ timeout: 30_000 });
    const problems = vs.page.locator('.statusbar-item', { has: vs.page.locator('.codicon-error') }).first();
    assert.match(await problems.innerText(), /[1-9]/, 'the Problems count in the status bar');
    await vs.screenshot('diagnostic-while-typing');
    // Put the file back as it is on disk (a scratch copy; nothing was saved).
    await vs.command('File: Revert File');
    await squiggle.first().waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('"Show Expanded Macro at Cursor" opens the expansion beside the source', async () => {
    await vs.focusEditor('entry_64.S');
    const lines = readFileSync(resolve('samples/kernel-entry/entry_64.S'), 'utf8').split('\n');
    await vs.gotoLine(lines.findIndex((l) => /SWITCH_TO_KERNEL_CR3 scratch_reg=%rax/.test(l)) + 1);
    await vs.page.keyboard.press('Home');
    await vs.command('x64emu: Show Expanded Macro at Cursor');
    const end = Date.now() + 30_000;
    let shown: string[] = [];
    while (Date.now() < end && !shown.some((t) => /expansion of SWITCH_TO_KERNEL_CR3/i.test(t))) {
      shown = await vs.page.evaluate(() => Array.from(document.querySelectorAll('.editor-instance .view-line')).map((l) => (l.textContent ?? '').replace(/\s+/g, ' ').trim()));
      await vs.page.waitForTimeout(200);
    }
    assert.ok(shown.some((t) => /expansion of SWITCH_TO_KERNEL_CR3/i.test(t)), shown.join('\n'));
    assert.ok(shown.some((t) => /movq %cr3, ?%rax/.test(t)), shown.join('\n'));
    await vs.screenshot('expanded-macro');
  });
});
