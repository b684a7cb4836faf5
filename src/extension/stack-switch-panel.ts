/**
 * The Stack Switch view: a webview that draws the model of the adapter's `x64emu.stackSwitch`
 * request (media/stack-switch.js does the drawing). The extension only forwards the model and
 * the one before it; the page compares them to highlight what the last step changed.
 * Strict CSP: no remote content, one nonce'd script, styles from the extension's media folder.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { MachineState, StopWatcher } from './stops.js';

export class StackSwitchPanel implements vscode.Disposable {
  static readonly viewType = 'x64emu.stackSwitch';
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stops: StopWatcher,
  ) {
    this.subscription = stops.onDidChange((state) => this.post(state));
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
    } else {
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      this.panel = vscode.window.createWebviewPanel(StackSwitchPanel.viewType, 'Stack Switch', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [media],
      });
      this.panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
      this.panel.webview.html = this.html(this.panel.webview, media);
      this.panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m?.type === 'ready') {
          this.post(this.stops.current);
          void this.stops.refreshActive();
        }
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
  }

  private post(state: MachineState): void {
    if (!this.panel) return;
    if (state.kind === 'stopped') void this.panel.webview.postMessage({ type: 'model', threadId: state.threadId, model: state.model, previous: state.previous });
    else void this.panel.webview.postMessage({ type: state.kind });
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'stack-switch.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'stack-switch.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Stack Switch</title>
</head>
<body>
<header id="summary">Start debugging an x64emu program; the view follows the selected CPU at every stop.</header>
<main id="diagram" aria-live="polite"></main>
<svg id="arrows" aria-hidden="true"></svg>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
