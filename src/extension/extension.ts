/**
 * The VS Code extension's entry point (dist/extension.js). Thin glue only: the debug adapter
 * (src/debugger) runs inline in the extension host, the language server (src/language) in its
 * own process; this file wires them to VS Code's UI.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { X64DebugSession } from '../debugger/session.js';
import { openKernelSample, runWithTrace, showExpandedMacro } from './commands.js';
import { DEBUG_TYPE, X64DebugConfigurationProvider } from './debug-configuration.js';
import { evaluatableExpressionProvider, inlineValuesProvider } from './editor-providers.js';
import { startLanguageClient } from './language-client.js';
import { StackSwitchPanel } from './stack-switch-panel.js';
import { createStatusBar } from './status-bar.js';
import { StopWatcher } from './stops.js';

export const LANGUAGE_ID = 'x64asm';

let languageClient: Promise<LanguageClient | undefined> = Promise.resolve(undefined);

export function activate(context: vscode.ExtensionContext): void {
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  const stops = new StopWatcher();
  const stackSwitch = new StackSwitchPanel(context.extensionUri, stops);
  const traceOutput = vscode.window.createOutputChannel('x64emu trace');

  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new X64DebugSession()),
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new X64DebugConfigurationProvider()),
    vscode.languages.registerEvaluatableExpressionProvider(selector, evaluatableExpressionProvider),
    vscode.languages.registerInlineValuesProvider(selector, inlineValuesProvider),
    stops,
    stackSwitch,
    createStatusBar(stops),
    traceOutput,
    vscode.commands.registerCommand('x64emu.showStackSwitchView', () => stackSwitch.show()),
    vscode.commands.registerCommand('x64emu.showExpandedMacro', () => showExpandedMacro(languageClient)),
    vscode.commands.registerCommand('x64emu.runWithoutDebugging', () => runWithTrace(context.asAbsolutePath('dist/cli.js'), traceOutput)),
    vscode.commands.registerCommand('x64emu.debugFile', () => vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { type: DEBUG_TYPE, request: 'launch', name: 'x64emu: debug the active file' })),
    vscode.commands.registerCommand('x64emu.openKernelSample', () => openKernelSample(context)),
  );

  // The language server is not needed for debugging: a failure to start it must not stop the rest.
  languageClient = startLanguageClient(context.asAbsolutePath('dist/language-server.js'), context).catch((e: unknown) => {
    void vscode.window.showWarningMessage(`x64emu: the assembly language server did not start: ${(e as Error).message}`);
    return undefined;
  });
}

export async function deactivate(): Promise<void> {
  const client = await languageClient;
  await client?.stop();
}
