/**
 * A minimal LSP client for the integration suites: starts the server from source (tsx) as a
 * child process over stdio, answers workspace/configuration from the settings given, and keeps
 * the latest published diagnostics per document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const uri = (path: string) => pathToFileURL(path).href;

export interface Settings {
  includePaths?: string[];
  defines?: Record<string, string> | string[];
}

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: Array<{ uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }> = [];
  private versions = new Map<string, number>();
  stderr = '';

  /** `server`: the command line (default: the server from source, through tsx). */
  constructor(private readonly settings: Settings, server: string[] = [process.execPath, '--import', 'tsx', join(ROOT, 'src/language/server.ts')]) {
    this.child = spawn(server[0], [...server.slice(1), '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
      params.items.map((i) => (i.section === 'x64emu' ? this.settings : null)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.listen();
  }

  async initialize(rootPath: string): Promise<Record<string, unknown>> {
    const r = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(rootPath),
      workspaceFolders: [{ uri: uri(rootPath), name: 'root' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { hover: { contentFormat: ['markdown'] } } },
    });
    await this.connection.sendNotification('initialized', {});
    return r as Record<string, unknown>;
  }

  async open(path: string, text = readFileSync(path, 'utf8')): Promise<void> {
    this.versions.set(uri(path), 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId: 'x64asm', version: 1, text } });
  }

  async replace(path: string, text: string): Promise<void> {
    const v = (this.versions.get(uri(path)) ?? 1) + 1;
    this.versions.set(uri(path), v);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version: v }, contentChanges: [{ text }] });
  }

  /** Resolves with the first published diagnostics of `path` that satisfy `test`. */
  waitForDiagnostics(path: string, test: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 30_000): Promise<Diagnostic[]> {
    const u = uri(path);
    const now = this.diagnostics.get(u);
    if (now && test(now)) return Promise.resolve(now);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${path}; last: ${JSON.stringify(this.diagnostics.get(u))}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri: u, test, resolve: (d) => { clearTimeout(timer); resolvePromise(d); } });
    });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  at(path: string, line: number, character: number) {
    return { textDocument: { uri: uri(path) }, position: { line, character } };
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** 0-based line and character of the first occurrence of `needle` in the file (after `after`). */
export function positionOf(text: string, needle: string, after?: string): { line: number; character: number } {
  const from = after ? text.indexOf(after) : 0;
  if (from < 0) throw new Error(`"${after}" not found`);
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, i);
  const line = before.split('\n').length - 1;
  return { line, character: i - (before.lastIndexOf('\n') + 1) };
}
