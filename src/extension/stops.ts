/**
 * One place that knows when an x64emu session stops, resumes or ends, for the status bar and
 * the Stack Switch view. It watches the adapter's own `stopped`/`continued`/`terminated`
 * events (a DebugAdapterTracker) and the CPU the user selects in the Call Stack, and fetches
 * the stack-switch model with the adapter's `x64emu.stackSwitch` request — never by reading
 * the Variables pane.
 */
import * as vscode from 'vscode';
import type { StackSwitchModel } from '../core/debug/stack-switch.js';
import { DEBUG_TYPE } from './debug-configuration.js';

export const STACK_SWITCH_REQUEST = 'x64emu.stackSwitch';

export type MachineState =
  | { kind: 'stopped'; session: vscode.DebugSession; threadId: number; model: StackSwitchModel; previous?: StackSwitchModel }
  | { kind: 'running'; session: vscode.DebugSession }
  | { kind: 'ended' };

export class StopWatcher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MachineState>();
  /** Fires with the machine's state after every stop (and on a change of the selected CPU). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private state: MachineState = { kind: 'ended' };
  /**
   * Per session and CPU, the last model fetched, at which stop, and what it was compared with:
   * "what changed in the last step" compares with the model of an earlier stop, so showing the
   * same stop again (another CPU selected and back) keeps its highlights.
   */
  private readonly seen = new Map<string, { model: StackSwitchModel; stop: number; previous?: StackSwitchModel }>();
  private readonly stops = new Map<string, { count: number; threadId: number }>();

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (message: { type?: string; event?: string; body?: { threadId?: number } }) => {
            if (message.type !== 'event') return;
            if (message.event === 'stopped') {
              const threadId = message.body?.threadId ?? 1;
              this.stops.set(session.id, { count: (this.stops.get(session.id)?.count ?? 0) + 1, threadId });
              void this.refresh(session, threadId);
            } else if (message.event === 'continued') {
              this.publish({ kind: 'running', session });
            }
          },
          onWillStartSession: () => this.publish({ kind: 'running', session }),
        }),
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        for (const key of [...this.seen.keys()]) if (key.startsWith(session.id + '/')) this.seen.delete(key);
        this.stops.delete(session.id);
        if (this.state.kind !== 'ended' && this.state.session.id === session.id) this.publish({ kind: 'ended' });
      }),
      vscode.debug.onDidChangeActiveStackItem((item) => {
        if (!item || item.session.type !== DEBUG_TYPE || !this.stops.has(item.session.id)) return;
        if (this.state.kind === 'stopped' && this.state.session.id === item.session.id && this.state.threadId === item.threadId) return;
        void this.refresh(item.session, item.threadId);
      }),
    );
  }

  get current(): MachineState {
    return this.state;
  }

  /** Fetches the model again for the selected CPU (the view asks this when it opens). */
  async refreshActive(): Promise<void> {
    const item = vscode.debug.activeStackItem;
    const session = item?.session ?? vscode.debug.activeDebugSession;
    if (!session || session.type !== DEBUG_TYPE) return;
    const threadId = item?.threadId ?? this.stops.get(session.id)?.threadId;
    if (threadId !== undefined) await this.refresh(session, threadId);
  }

  private async refresh(session: vscode.DebugSession, threadId: number): Promise<void> {
    const stop = this.stops.get(session.id)?.count ?? 0;
    let model: StackSwitchModel;
    try {
      model = (await session.customRequest(STACK_SWITCH_REQUEST, { threadId })) as StackSwitchModel;
    } catch {
      return; // running again, or ended, before the answer came: the next stop refreshes
    }
    if ((this.stops.get(session.id)?.count ?? 0) !== stop) return; // a newer stop has its own refresh
    const key = `${session.id}/${threadId}`;
    const last = this.seen.get(key);
    const previous = last && last.stop === stop ? last.previous : last?.model;
    this.seen.set(key, { model, stop, previous });
    this.publish({ kind: 'stopped', session, threadId, model, previous });
  }

  private publish(state: MachineState): void {
    this.state = state;
    this.changed.fire(state);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
