// Runs the real-VS-Code end-to-end tests (npm run test:e2e): installs code-server and Chromium
// if needed (scripts/e2e-install.sh, cached outside the checkout), packages the extension as a
// .vsix and installs it into a fresh extensions folder, then runs test/e2e/*.e2e.ts with mocha.
// The tests start code-server and Chromium themselves (test/e2e/harness.ts).
// Screenshots and logs go to test-results/e2e/ (git-ignored).
// X64EMU_E2E_DEV=1 links the checkout as the extension instead of packaging a .vsix (faster).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results', 'e2e');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const install = spawnSync('bash', [join(root, 'scripts/e2e-install.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (install.status !== 0) {
  console.error('e2e: installing code-server failed');
  process.exit(1);
}
const codeServerDir = install.stdout.trim().split('\n').pop();
console.log(`e2e: code-server ready in ${codeServerDir} (${seconds()} s)`);

const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: root, encoding: 'utf8' }));
const extensionId = `${pkg.publisher}.${pkg.name}`;
const scratch = mkdtempSync(join(tmpdir(), 'x64emu-e2e-'));
const extensionsDir = join(scratch, 'extensions');
mkdirSync(extensionsDir);
const entry = join(codeServerDir, 'node_modules/code-server/out/node/entry.js');
if (process.env.X64EMU_E2E_DEV === '1') {
  symlinkSync(root, join(extensionsDir, `${extensionId}-${pkg.version}`));
} else {
  // The packaged extension, installed the way a user installs it: code-server --install-extension.
  const vsix = join(results, `${pkg.name}.vsix`);
  execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('node', [entry, '--extensions-dir', extensionsDir, '--user-data-dir', join(scratch, 'install-user-data'), '--install-extension', vsix], { stdio: 'inherit' });
  console.log(`e2e: installed ${vsix} (${seconds()} s)`);
}

const mocha = spawnSync('npx', ['mocha', '--timeout', '300000', 'test/e2e/*.e2e.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, X64EMU_E2E_CODE_SERVER: entry, X64EMU_E2E_EXTENSIONS: extensionsDir, X64EMU_E2E_SCRATCH: scratch, X64EMU_E2E_RESULTS: results },
});
rmSync(scratch, { recursive: true, force: true });
console.log(`e2e: finished in ${seconds()} s; screenshots and logs in ${results}`);
process.exit(mocha.status ?? 1);
