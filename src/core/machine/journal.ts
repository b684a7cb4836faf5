/**
 * The execution journal behind reverse stepping. Instead of logging every instruction, it
 * keeps checkpoints: at each one the whole machine state (CPUs, devices, personality) is
 * saved, and during the following epoch every physical frame is copied just before its first
 * store. Going back to instruction count T restores the newest checkpoint at or before T —
 * reverting memory frame by frame — and re-executes forward to T. The machine is
 * deterministic (virtual time, recorded input), so the re-execution is exact.
 *
 * Cost when off: nothing (no hook is installed). Cost when on: one 4 KiB copy per frame
 * written per epoch, and the fast write path is re-armed at each checkpoint.
 */
import type { PhysicalMemory } from './physical-memory.js';

const PAGE = 4096;

interface Epoch<S> {
  /** Machine time (instructions retired, summed over CPUs) at the checkpoint. */
  at: number;
  state: S;
  /** Contents of frames at the checkpoint, saved on their first store after it. */
  pages: Map<number, Uint8Array>;
}

export interface JournalOptions {
  /** Memory for saved frames and states, in bytes; the oldest epochs go first. */
  budgetBytes?: number;
  /** Instructions between checkpoints. */
  interval?: number;
}

export class Journal<S> {
  readonly interval: number;
  private readonly budget: number;
  private readonly epochs: Epoch<S>[] = [];
  private bytes = 0;

  constructor(
    private readonly phys: PhysicalMemory,
    /** Re-arms the fast write paths so the next store to every frame is seen again. */
    private readonly rearm: () => void,
    options: JournalOptions = {},
  ) {
    this.budget = options.budgetBytes ?? 256 << 20;
    this.interval = options.interval ?? 20_000;
    phys.onFirstWrite = (frameIndex) => this.save(frameIndex);
  }

  /** Stops journaling: the hooks go away and the history is dropped. */
  detach(): void {
    this.phys.onFirstWrite = null;
    this.epochs.length = 0;
    this.bytes = 0;
  }

  /** The earliest machine time the journal can still go back to. */
  get horizon(): number {
    return this.epochs.length > 0 ? this.epochs[0].at : Infinity;
  }

  get epochCount(): number {
    return this.epochs.length;
  }

  get memoryBytes(): number {
    return this.bytes;
  }

  /** Starts a new epoch at machine time `at` with the machine's state. `separate`: even if an
   * epoch starts at the same time — the state was changed from outside (a debugger write), so
   * the time before and after the change must both stay reachable. */
  checkpoint(at: number, state: S, separate = false): void {
    const last = this.epochs[this.epochs.length - 1];
    if (last && last.at === at && !separate) {
      last.state = state;
      return;
    }
    this.epochs.push({ at, state, pages: new Map() });
    this.phys.resetFirstWrites();
    this.rearm();
    this.trim();
  }

  private save(frameIndex: number): void {
    const epoch = this.epochs[this.epochs.length - 1];
    if (!epoch || epoch.pages.has(frameIndex)) return;
    const start = frameIndex * PAGE;
    epoch.pages.set(frameIndex, this.phys.bytes.slice(start, start + PAGE));
    this.bytes += PAGE;
  }

  private trim(): void {
    while (this.bytes > this.budget && this.epochs.length > 1) {
      const dropped = this.epochs.shift()!;
      this.bytes -= dropped.pages.size * PAGE;
    }
  }

  /**
   * Reverts memory to the newest checkpoint at or before `target` and returns it (its state
   * and time); the caller restores the state and re-executes `target - at` instructions.
   * Undefined when `target` is older than the horizon.
   */
  rewind(target: number, strictlyBefore = false): { at: number; state: S } | undefined {
    let i = this.epochs.length - 1;
    while (i >= 0 && (this.epochs[i].at > target || (strictlyBefore && this.epochs[i].at === target && target > 0))) i--;
    if (i < 0) return undefined;
    for (let k = this.epochs.length - 1; k >= i; k--) {
      for (const [frameIndex, copy] of this.epochs[k].pages) {
        this.phys.bytes.set(copy, frameIndex * PAGE);
        this.phys.code.invalidate(frameIndex);
      }
      if (k > i) this.bytes -= this.epochs[k].pages.size * PAGE;
    }
    const epoch = this.epochs[i];
    this.bytes -= epoch.pages.size * PAGE;
    epoch.pages = new Map();
    this.epochs.length = i + 1;
    this.phys.resetFirstWrites();
    this.rearm();
    return { at: epoch.at, state: epoch.state };
  }
}
