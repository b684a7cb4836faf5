// src/core must stay pure TypeScript: no VS Code API and no Node built-ins, so the same core
// can run in the debug adapter, a browser or a worker.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const FORBIDDEN = /from\s+['"](vscode|@vscode\/[^'"]*|node:[a-z_/]+|fs|path|os|child_process|worker_threads|crypto|util|events|stream|buffer)['"]|require\(/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('core purity', () => {
  it('imports neither vscode nor Node built-ins anywhere under src/core', () => {
    const files = sources('src/core');
    assert.ok(files.length > 10, 'expected the core sources to be found');
    const offenders = files.filter((f) => FORBIDDEN.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
