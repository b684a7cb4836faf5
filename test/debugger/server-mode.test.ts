// `x64emu dap --server=PORT`: the adapter over TCP on 127.0.0.1, one session per connection
// (how editors that attach to a running adapter use it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { ROOT, num, stopAfter, value } from './dap-support.js';

describe('debug adapter: --server mode', function () {
  this.timeout(60_000);

  it('listens on 127.0.0.1 and serves a session per connection', async () => {
    const server = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'dap', '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let err = '';
        server.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        server.on('exit', (code) => reject(new Error(`adapter exited (${code}): ${err}`)));
      });
      for (let session = 0; session < 2; session++) {
        const dc = new DebugClient('node', '', 'x64emu');
        await dc.start(port);
        await dc.initializeRequest();
        await dc.launch({ program: join(ROOT, 'samples/user/hello.S'), stopOnEntry: true });
        const stop = await stopAfter(dc, dc.configurationDoneRequest());
        assert.equal(stop.body.reason, 'entry');
        assert.ok(num(await value(dc, stop.body.threadId, '$rip')) > 0n);
        await dc.stop();
      }
    } finally {
      server.kill();
    }
  });
});
