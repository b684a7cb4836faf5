/**
 * Drives a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in Debian's Chromium through
 * playwright-core, as DESIGN.md's "Testing in a real VS Code" describes. scripts/e2e-run.mjs
 * installs code-server and the extension and passes their places in the environment.
 * Every check reads what a user sees (DOM text of the workbench); screenshots of each stage
 * and, on a failure, the screen and the extension host's logs go to test-results/e2e/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e tests with npm run test:e2e`);
  return v;
};

export const RESULTS = process.env.X64EMU_E2E_RESULTS ?? 'test-results/e2e';
const CHROMIUM = process.env.X64EMU_E2E_CHROMIUM ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export class VsCode {
  page!: Page;
  private browser!: Browser;
  private server!: ChildProcess;
  private serverLog = '';
  readonly userDataDir: string;
  private shot = 0;

  private constructor(
    readonly name: string,
    readonly folder: string,
  ) {
    this.userDataDir = mkdtempSync(join(env('X64EMU_E2E_SCRATCH'), `user-data-${name}-`));
  }

  /** A scratch copy of `source` (a folder or a file) to open as the workspace. */
  static workspace(name: string, source: string): string {
    const dir = mkdtempSync(join(env('X64EMU_E2E_SCRATCH'), `ws-${name}-`));
    const isDir = statSync(source).isDirectory();
    cpSync(source, isDir ? dir : join(dir, source.split('/').pop()!), { recursive: true });
    return dir;
  }

  static async open(name: string, folder: string): Promise<VsCode> {
    const vs = new VsCode(name, folder);
    await vs.start();
    return vs;
  }

  private async start(): Promise<void> {
    mkdirSync(RESULTS, { recursive: true });
    const settings = join(this.userDataDir, 'User');
    mkdirSync(settings, { recursive: true });
    writeFileSync(
      join(settings, 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'debug.inlineValues': 'on',
        'editor.hover.delay': 100,
        'window.commandCenter': false,
        'telemetry.telemetryLevel': 'off',
      }),
    );
    const port = await freePort();
    this.server = spawn(process.execPath, [
      env('X64EMU_E2E_CODE_SERVER'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', this.userDataDir,
      '--extensions-dir', env('X64EMU_E2E_EXTENSIONS'), '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', this.folder,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.server.stdout!.on('data', (d) => (this.serverLog += d));
    this.server.stderr!.on('data', (d) => (this.serverLog += d));
    await this.waitFor(() => /HTTP server listening/.test(this.serverLog), 60_000, 'code-server to listen');
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await this.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    this.page = await context.newPage();
    await this.page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(this.folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    // The explorer shows the folder once the workbench has connected to the server.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => {});
    this.server?.kill();
  }

  private async waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${this.serverLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Saves test-results/e2e/<name>-NN-<stage>.png. */
  async screenshot(stage: string): Promise<string> {
    const file = join(RESULTS, `${this.name}-${String(++this.shot).padStart(2, '0')}-${stage}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** On a failure: the screen, and the logs of the extension host and the server. */
  async saveFailure(test: string): Promise<void> {
    const safe = test.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60);
    await this.page?.screenshot({ path: join(RESULTS, `FAILED-${this.name}-${safe}.png`) }).catch(() => {});
    const logs = join(RESULTS, `FAILED-${this.name}-logs`);
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'code-server.log'), this.serverLog);
    const walk = (dir: string): string[] =>
      existsSync(dir) ? readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : f.endsWith('.log') ? [join(dir, f)] : [])) : [];
    for (const f of walk(join(this.userDataDir, 'logs'))) {
      const target = join(logs, relative(join(this.userDataDir, 'logs'), f));
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(f, target);
    }
  }

  // ---- workbench actions, as a user does them ----

  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>' + title);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab.active`, { hasText: name }).waitFor();
    await this.page.locator('.editor-instance .view-lines').first().waitFor();
  }

  /** Keys pressed while a webview has focus stay in its iframe: this gives an editor the focus. */
  async focusEditor(name: string): Promise<void> {
    await this.page.locator('.tab', { hasText: name }).first().click();
  }

  async gotoLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The rows of a debug view (Variables, Watch, Call Stack) as text. */
  async viewRows(view: 'Variables' | 'Watch' | 'Call Stack'): Promise<string[]> {
    const pane = this.pane(view);
    return pane.locator('.monaco-list-row').allInnerTexts();
  }

  pane(view: string) {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${view}`, 'i') }) });
  }

  /** Waits until a row of `view` matches `re`, and returns its text. */
  async waitForRow(view: 'Variables' | 'Watch' | 'Call Stack', re: RegExp, ms = 30_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const rows = await this.viewRows(view);
      const hit = rows.find((r) => re.test(r.replace(/\s+/g, ' ')));
      if (hit) return hit.replace(/\s+/g, ' ');
      if (Date.now() > end) throw new Error(`no row of ${view} matches ${re}; rows: ${JSON.stringify(rows)}`);
      await this.page.waitForTimeout(200);
    }
  }

  /** Adds `expression` in the Watch view through its "Add Expression" button. */
  async addWatch(expression: string): Promise<void> {
    const pane = this.pane('Watch');
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Add Expression"]').click();
    const input = pane.locator('input.input, textarea.input, .monaco-inputbox input').first();
    await input.waitFor();
    await input.fill(expression);
    await this.page.keyboard.press('Enter');
  }

  /** The screen rectangle of the first occurrence of `token` in the editor line containing `lineText`. */
  async tokenBox(lineText: string, token: string): Promise<{ x: number; y: number }> {
    const box = await this.page.evaluate(
      ([lineText, token]) => {
        // Tabs render as runs of spaces: match the line with any whitespace where the text has some.
        const pattern = new RegExp(lineText.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
        for (const line of Array.from(document.querySelectorAll('.editor-instance .view-line'))) {
          const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
          const m = pattern.exec(text);
          if (!m) continue;
          const at = text.indexOf(token, m.index);
          if (at < 0) continue;
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          let offset = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const len = node.textContent!.length;
            if (at < offset + len) {
              const range = document.createRange();
              range.setStart(node, at - offset);
              range.setEnd(node, Math.min(len, at - offset + 2));
              const r = range.getBoundingClientRect();
              return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
            }
            offset += len;
          }
        }
        return undefined;
      },
      [lineText, token] as const,
    );
    if (!box) throw new Error(`no editor line shows ${JSON.stringify(lineText)}`);
    return box;
  }

  /** Hovers `token` on the line showing `lineText` and returns the debug hover's text. */
  async debugHover(lineText: string, token: string): Promise<string> {
    const hover = this.page.locator('.debug-hover-widget');
    for (let attempt = 0; attempt < 5; attempt++) {
      const { x, y } = await this.tokenBox(lineText, token);
      // Off the token first (to the line-number gutter), so that coming back starts a new hover.
      await this.page.mouse.move(Math.max(0, x - 200), y);
      await this.page.waitForTimeout(300);
      await this.page.mouse.move(x, y, { steps: 4 });
      // The widget is attached first and filled when the adapter answers the evaluate request;
      // a hidden one still holds the previous hover's text, so only a shown one counts.
      const end = Date.now() + 5000;
      while (Date.now() < end) {
        const texts = await hover.evaluateAll((els) =>
          els
            .filter((e) => (e as HTMLElement).style.display !== 'none' && (e as HTMLElement).style.visibility !== 'hidden')
            .map((e) => {
              const copy = e.cloneNode(true) as HTMLElement;
              copy.querySelectorAll('style').forEach((s) => s.remove());
              return (copy.textContent ?? '').replace('Hold Alt key to switch to editor language hover', '');
            }),
        );
        const text = texts.map((t) => t.replace(/\s+/g, ' ').trim()).find((t) => /0x[0-9a-f]/i.test(t));
        if (text) return text;
        await this.page.waitForTimeout(200);
      }
    }
    throw new Error(`no debug hover over ${token} on ${lineText}`);
  }

  /** The frame of the webview whose page has `selector` (webviews are nested iframes). */
  async webviewFrame(selector: string, ms = 30_000): Promise<Frame> {
    const end = Date.now() + ms;
    for (;;) {
      for (const f of this.page.frames()) {
        if (await f.locator(selector).count().catch(() => 0)) return f;
      }
      if (Date.now() > end) throw new Error(`no webview shows ${selector}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Waits until a status bar item's text matches `re` (the x64emu item updates after each stop). */
  async waitForStatus(re: RegExp, ms = 30_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const texts = (await this.page.locator('.statusbar-item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      const hit = texts.find((t) => re.test(t));
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no status bar item matches ${re}: ${JSON.stringify(texts)}`);
      await this.page.waitForTimeout(200);
    }
  }
}

/** The leading hex number of a text such as "sp2: 0x601000 <user_stacks+0x1000>". */
export function hexAfter(text: string, label?: string): bigint {
  const from = label ? text.indexOf(label) + label.length : 0;
  const m = /0x[0-9a-f]+/i.exec(text.slice(from));
  if (!m) throw new Error(`no hex number in ${JSON.stringify(text)}`);
  return BigInt(m[0]);
}
