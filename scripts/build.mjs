// Bundles each entry point with esbuild into dist/. iced-x86 loads its wasm from
// beside its own JS file, so the wasm is copied next to the bundles.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const entries = [{ in: 'src/cli/main.ts', out: 'cli' }, { in: 'src/debugger/stdio.ts', out: 'debug-adapter' }];
entries.push({ in: 'src/language/server.ts', out: 'language-server' });
// The VS Code extension; `vscode` is provided by the extension host at run time.
entries.push({ in: 'src/extension/extension.ts', out: 'extension' });

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: entries.map((e) => ({ in: e.in, out: e.out })),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
  external: ['vscode'],
});
const icedDir = dirname(require.resolve('iced-x86/package.json'));
copyFileSync(join(icedDir, 'iced_x86_bg.wasm'), 'dist/iced_x86_bg.wasm');
// The project's sources are ES modules; the bundles are CommonJS (as VS Code loads extensions).
writeFileSync('dist/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
