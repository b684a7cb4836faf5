// Runs inside VS Code desktop's extension host (see run.mjs): the kernel-entry sample through
// the vscode API — start debugging with the configuration F5 would use, break on the TSS_sp2
// store, step three times and check TSS.sp2, CR3 and RSP with the adapter's own requests.
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');

// Trackers attach when a session starts: one factory, registered before, feeds every wait.
let onStop = () => {};
vscode.debug.registerDebugAdapterTrackerFactory('x64emu', {
  createDebugAdapterTracker: () => ({
    onDidSendMessage: (m) => {
      if (m.type === 'event' && m.event === 'stopped') onStop(m.body.threadId);
    },
  }),
});
const waitForStop = () => new Promise((resolve) => (onStop = resolve));

async function evaluate(session, threadId, expression) {
  const { stackFrames } = await session.customRequest('stackTrace', { threadId });
  const r = await session.customRequest('evaluate', { expression, frameId: stackFrames[0].id, context: 'watch' });
  return BigInt(/^0x[0-9a-f]+/i.exec(r.result)[0]);
}

exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders[0];
  const entry = join(folder.uri.fsPath, 'entry_64.S');
  const lines = readFileSync(entry, 'utf8').split('\n');
  const from = lines.findIndex((l) => /^#else/.test(l));
  const line = lines.findIndex((l, i) => i > from && /movq\s+%rsp, PER_CPU_VAR\(cpu_tss_rw \+ TSS_sp2\)/.test(l));
  await vscode.window.showTextDocument(vscode.Uri.file(entry));
  vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(entry), new vscode.Position(line, 0)))]);
  let stopped = waitForStop();
  assert.ok(await vscode.debug.startDebugging(folder, { type: 'x64emu', request: 'launch', name: 'e2e' }));
  const session = vscode.debug.activeDebugSession;
  const threadId = await stopped;
  const userRsp = await evaluate(session, threadId, '%rsp');
  for (let i = 0; i < 3; i++) {
    stopped = waitForStop();
    await session.customRequest('next', { threadId });
    await stopped;
  }
  assert.equal(await evaluate(session, threadId, 'cpu_tss_rw.x86_tss.sp2'), userRsp);
  assert.equal((await evaluate(session, threadId, '$cr3')) & 0x1000n, 0n);
  assert.equal(await evaluate(session, threadId, '%rsp'), await evaluate(session, threadId, 'pcpu_hot.top_of_stack'));
  const model = await session.customRequest('x64emu.stackSwitch', { threadId });
  assert.equal(model.on, 'kernel');
  await vscode.debug.stopDebugging(session);
};
