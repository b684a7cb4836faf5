// Debugger latency (part of npm run bench): what a user waits for after pressing F10 on the
// kernel sample — `next` until `stopped`, then the stackTrace, scopes and every variable of
// the visible scopes, as VS Code asks for them — and after a step back. Through the built
// adapter (dist/debug-adapter.js) over stdio. The reference in the same run is the plain
// round trip of a `threads` request, so the ratio says how much is the debugger's own work.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { kernelLaunch, lineOf, KERNEL, startClient, stopAfter } from '../test/debugger/dap-support.js';
import { join } from 'node:path';

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], worst: s[s.length - 1] };
};

export async function runDebuggerBench(): Promise<void> {
  const dc = await startClient();
  try {
    await dc.initializeRequest();
    await dc.launch(kernelLaunch());
    const entry = join(KERNEL, 'entry_64.S');
    await dc.setBreakpointsRequest({ source: { path: entry }, breakpoints: [{ line: lineOf(entry, /^entry_SYSCALL_64:/) + 1 }] });
    const hit = await stopAfter(dc, dc.configurationDoneRequest());
    const t = hit.body.threadId;
    await dc.setBreakpointsRequest({ source: { path: entry }, breakpoints: [] });
    const refresh = async () => {
      const frames = (await dc.stackTraceRequest({ threadId: t, startFrame: 0, levels: 20 })).body.stackFrames;
      const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
      const all = await Promise.all(scopes.map((s: DebugProtocol.Scope) => dc.variablesRequest({ variablesReference: s.variablesReference })));
      return all.reduce((n, r) => n + r.body.variables.length, 0);
    };
    await refresh();
    const round: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await dc.threadsRequest();
      round.push(performance.now() - t0);
    }
    const next: number[] = [];
    let variables = 0;
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      await stopAfter(dc, dc.nextRequest({ threadId: t }));
      variables = await refresh();
      next.push(performance.now() - t0);
    }
    const back: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await stopAfter(dc, dc.stepBackRequest({ threadId: t, granularity: 'instruction' }));
      await refresh();
      back.push(performance.now() - t0);
    }
    const r = stats(round);
    const n = stats(next);
    const b = stats(back);
    console.log(`debugger: threads round trip median ${r.median.toFixed(2)} ms (reference)`);
    console.log(`debugger: next → stopped + stackTrace + scopes + ${variables} variables: median ${n.median.toFixed(1)} ms, worst ${n.worst.toFixed(1)} ms (${(n.median / r.median).toFixed(0)}x the round trip)`);
    console.log(`debugger: stepBack (instruction) + refresh: median ${b.median.toFixed(1)} ms, worst ${b.worst.toFixed(1)} ms (${(b.median / r.median).toFixed(0)}x the round trip)`);
  } finally {
    await dc.stop();
  }
}
