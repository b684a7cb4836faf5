/**
 * Commands that are not the debugger's: the macro expansion at the cursor (asked of the
 * language server), a run without debugging that traces every instruction to an Output
 * channel (the `x64emu run --trace` command line, in a child process), and opening a copy of
 * the kernel-entry sample for the walkthrough.
 */
import { fork } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { configurationForFile } from './debug-configuration.js';
import { EXPANDED_SOURCE_REQUEST, type ExpandedSourceResult } from './language-client.js';

export async function showExpandedMacro(client: Promise<LanguageClient | undefined>): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const lc = await client;
  if (!editor || !lc) {
    void vscode.window.showInformationMessage('x64emu: open an assembly file first.');
    return;
  }
  const result = await lc.sendRequest<ExpandedSourceResult | null>(EXPANDED_SOURCE_REQUEST, {
    textDocument: { uri: editor.document.uri.toString() },
    position: { line: editor.selection.active.line, character: editor.selection.active.character },
  });
  if (!result) {
    void vscode.window.showInformationMessage('x64emu: this file is not part of an assembled unit.');
    return;
  }
  const header = result.macro ? `# expansion of ${result.macro} (line ${editor.selection.active.line + 1})\n` : '# the whole file after macro expansion\n';
  const doc = await vscode.workspace.openTextDocument({ language: 'x64asm', content: header + result.text });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

/** The `x64emu run` arguments that run what the debug configuration would debug. */
function runArguments(config: vscode.DebugConfiguration, maxInstructions: number): string[] {
  const args = ['run', '--trace', '--max-instructions', String(maxInstructions), '--mode', String(config.mode ?? 'user')];
  if (config.cpus) args.push('--cpus', String(config.cpus));
  if (config.memoryMiB) args.push('--memory', String(config.memoryMiB));
  for (const dir of (config.includePaths as string[] | undefined) ?? []) args.push('-I', dir);
  const defines = config.defines as Record<string, unknown> | string[] | undefined;
  const pairs = Array.isArray(defines) ? defines : Object.entries(defines ?? {}).map(([k, v]) => (v === null || v === true ? k : `${k}=${v}`));
  for (const d of pairs) args.push('-D', d);
  if (config.linkerScript) args.push('-T', String(config.linkerScript));
  args.push(...(Array.isArray(config.program) ? config.program : [config.program]));
  if (Array.isArray(config.args) && config.args.length > 0) args.push('--', ...config.args);
  return args;
}

export function runWithTrace(cliModule: string, output: vscode.OutputChannel): void {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file' || !/\.(S|s)$/.test(doc.fileName)) {
    void vscode.window.showInformationMessage('x64emu: open a .S or .s file to run it.');
    return;
  }
  const config = configurationForFile(doc.fileName);
  const maxInstructions = vscode.workspace.getConfiguration('x64emu').get<number>('trace.maxInstructions', 100000);
  const args = runArguments(config, maxInstructions);
  output.clear();
  output.show(true);
  output.appendLine(`$ x64emu ${args.join(' ')}`);
  // fork() runs the CLI bundle with the extension host's own Node (VS Code sets it up to act as Node).
  const child = fork(cliModule, args, { cwd: String(config.cwd), silent: true });
  child.stdout?.setEncoding('utf8').on('data', (t: string) => output.append(t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => output.append(t));
  child.on('exit', (code, signal) => output.appendLine(`\n[x64emu exited with ${signal ?? `status ${code}`}]`));
}

/** Copies the bundled kernel-entry sample to global storage (once) and opens it as a folder. */
export async function openKernelSample(context: vscode.ExtensionContext): Promise<void> {
  const source = vscode.Uri.joinPath(context.extensionUri, 'samples', 'kernel-entry').fsPath;
  const target = vscode.Uri.joinPath(context.globalStorageUri, 'kernel-entry');
  if (!existsSync(target.fsPath)) cpSync(source, target.fsPath, { recursive: true });
  await vscode.commands.executeCommand('vscode.openFolder', target, { forceNewWindow: false });
}
