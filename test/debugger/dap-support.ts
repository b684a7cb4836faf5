/**
 * Shared pieces of the adapter tests: a DebugClient on the stand-alone adapter (dist/), line
 * lookup by content (line numbers rot), and helpers that wait for a stop the race-free way.
 */
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const KERNEL = join(ROOT, 'samples/kernel-entry');
export const ADAPTER = join(ROOT, 'dist/debug-adapter.js');

export const kernelLaunch = (extra: Record<string, unknown> = {}) => ({
  program: ['head_64.S', 'entry_64.S', 'core.S', 'user.S'].map((f) => join(KERNEL, f)),
  includePaths: [join(KERNEL, 'include')],
  linkerScript: join(KERNEL, 'kernel.lds'),
  mode: 'system',
  cpus: 2,
  ...extra,
});

/** 1-based number of the first line of `file` matching `re` (after the line `after` if given). */
export function lineOf(file: string, re: RegExp, after?: RegExp): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = after ? lines.findIndex((l) => after.test(l)) : 0;
  if (from < 0) throw new Error(`${file}: no line matches ${after}`);
  const i = lines.findIndex((l, k) => k >= from && re.test(l));
  if (i < 0) throw new Error(`${file}: no line matches ${re}`);
  return i + 1;
}

export async function startClient(): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'x64emu');
  dc.defaultTimeout = 30_000;
  await dc.start();
  return dc;
}

/** Sends a request and waits for the stop it causes; returns the stop event. */
export async function stopAfter(dc: DebugClient, request: Promise<unknown>): Promise<{ body: DebugProtocol.StoppedEvent['body'] & { threadId: number } }> {
  const [, stopped] = await Promise.all([request, dc.waitForEvent('stopped')]);
  const body = (stopped as DebugProtocol.StoppedEvent).body;
  if (body.threadId === undefined) throw new Error(`stopped event without a thread: ${JSON.stringify(body)}`);
  return { body: { ...body, threadId: body.threadId } };
}

export async function topFrames(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
}

/** Evaluates in the top frame of `threadId` and returns the result text. */
export async function value(dc: DebugClient, threadId: number, expression: string, context = 'watch'): Promise<string> {
  const [top] = await topFrames(dc, threadId);
  return (await dc.evaluateRequest({ expression, frameId: top.id, context })).body.result;
}

/** The leading hex number of a value text (`0x… <annotation>`), as a bigint. */
export const num = (text: string): bigint => BigInt(/^(0x[0-9a-f]+|\d+)/i.exec(text)?.[1] ?? NaN.toString());

/** Every variable of a scope, by name. */
export async function scope(dc: DebugClient, threadId: number, name: string): Promise<Map<string, DebugProtocol.Variable>> {
  const [top] = await topFrames(dc, threadId);
  const scopes = (await dc.scopesRequest({ frameId: top.id })).body.scopes;
  const s = scopes.find((x) => x.name === name);
  if (!s) throw new Error(`no scope ${name}: ${scopes.map((x) => x.name).join(', ')}`);
  const vars = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
  return new Map(vars.map((v) => [v.name, v]));
}
