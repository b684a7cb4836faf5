/**
 * Stand-alone debug adapter: DAP over stdio (editors that spawn an adapter: nvim-dap, Emacs
 * dap-mode, VS Code's executable form) or, with `--server=PORT`, over TCP on 127.0.0.1 — one
 * session per connection.
 */
import { createServer } from 'node:net';
import { X64DebugSession } from './session.js';

export function runDebugAdapter(args: string[]): number {
  const server = args.find((a) => a.startsWith('--server'));
  if (server === undefined) {
    const session = new X64DebugSession();
    session.setRunAsServer(false);
    session.start(process.stdin, process.stdout);
    return 0;
  }
  const port = Number(server.split('=')[1] ?? '4711');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`dap ${server}: give a TCP port, e.g. --server=4711`);
  createServer((socket) => {
    const session = new X64DebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  })
    .listen(port, '127.0.0.1', function (this: import('node:net').Server) {
      const address = this.address();
      process.stderr.write(`x64emu debug adapter listening on 127.0.0.1:${typeof address === 'object' && address ? address.port : port}\n`);
    });
  return 0;
}
