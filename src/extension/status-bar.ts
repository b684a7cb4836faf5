/** Status bar item while an x64emu session is stopped: the selected CPU, its ring and CR3. */
import * as vscode from 'vscode';
import type { MachineState, StopWatcher } from './stops.js';

export function createStatusBar(stops: StopWatcher): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('x64emu.machine', vscode.StatusBarAlignment.Left, 50);
  item.name = 'x64emu machine state';
  item.command = 'x64emu.showStackSwitchView';
  const show = (state: MachineState) => {
    if (state.kind === 'ended') {
      item.hide();
      return;
    }
    if (state.kind === 'running') {
      item.text = '$(debug-alt) x64emu: running';
      item.tooltip = undefined;
    } else {
      const m = state.model;
      const half = m.mode === 'system' ? (m.cr3.userHalf ? ' (user half)' : ' (kernel half)') : '';
      item.text = `$(chip) CPU ${m.cpu} • ring ${m.ring} • CR3 ${m.cr3.value}${half}`;
      item.tooltip = new vscode.MarkdownString(
        `**CPU ${m.cpu}**, ring ${m.ring}, at \`${m.location ?? m.rip}\`\n\n` +
          `CR3 = \`${m.cr3.value}\`: PGD \`${m.cr3.pgd}\`, PCID \`${m.cr3.pcid}\`${half}\n\n` +
          `RSP = \`${m.rsp}\` (${m.on} stack)\n\nClick for the Stack Switch view.`,
      );
    }
    item.show();
  };
  const sub = stops.onDidChange(show);
  return vscode.Disposable.from(item, sub);
}
