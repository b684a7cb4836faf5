/**
 * Starts the x64emu language client: the server (dist/language-server.js) runs in its own Node
 * process over stdio. The server reads `x64emu.includePaths` / `x64emu.defines` itself (through
 * workspace/configuration) and falls back to the `x64emu` launch configuration's fields.
 */
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** Request behind "Show Expanded Macro at Cursor" (see src/language/server.ts). */
export const EXPANDED_SOURCE_REQUEST = 'x64emu/expandedSource';

export interface ExpandedSourceResult {
  macro?: string;
  text: string;
}

/**
 * `serverModule` is the absolute path of dist/language-server.js (context.asAbsolutePath). The
 * returned client is started; the caller stops it on deactivation (or adds it to
 * context.subscriptions).
 */
export async function startLanguageClient(serverModule: string, context?: ExtensionContext): Promise<LanguageClient> {
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'x64asm' },
      { scheme: 'file', pattern: '**/*.{S,s,inc}' },
    ],
    synchronize: {
      configurationSection: 'x64emu',
      fileEvents: [workspace.createFileSystemWatcher('**/*.{S,s,h,inc}'), workspace.createFileSystemWatcher('**/.vscode/launch.json')],
    },
    initializationOptions: {
      includePaths: workspace.getConfiguration('x64emu').get('includePaths'),
      defines: workspace.getConfiguration('x64emu').get('defines'),
    },
  };
  const client = new LanguageClient('x64emu', 'x64emu assembly', serverOptions, clientOptions);
  await client.start();
  if (context) context.subscriptions.push({ dispose: () => void client.stop() });
  return client;
}
