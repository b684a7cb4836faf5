// The same extension under VS Code desktop via @vscode/test-electron, for machines that can
// download VS Code (this project's CI cannot: it runs the code-server suite, npm run test:e2e).
// Opens the kernel-entry sample and runs suite.cjs inside the extension host.
import { runTests } from '@vscode/test-electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test/e2e/electron/suite.cjs'),
    launchArgs: [join(root, 'samples/kernel-entry'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error('e2e (electron):', e);
  process.exit(1);
}
