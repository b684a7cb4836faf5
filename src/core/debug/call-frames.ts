/**
 * The Call Stack of one CPU: the current position's macro levels (innermost first), then the
 * shadow call stack's frames down to the first entry, with a separator where the CPU entered
 * the kernel (`[syscall from ring 3]`) above the frames of the code it came from.
 */
import type { SymbolMap } from '../loader/symbols.js';
import type { DebugEngine } from './engine.js';
import type { Level, SourcePos } from './line-table.js';

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export interface FrameInfo {
  cpu: number;
  name: string;
  address: number;
  source?: SourcePos;
  /** A separator row (privilege transition), not code. */
  label?: boolean;
}

const TRANSITION_LABEL: Record<string, string> = { syscall: 'syscall', interrupt: 'interrupt', exception: 'exception' };

export function buildStackFrames(engine: DebugEngine, n: number, symbols: SymbolMap): FrameInfo[] {
  const cpu = engine.cpus[n];
  const out: FrameInfo[] = [];
  const push = (address: number, levels: Level[]) => {
    const fn = symbols.lookup(address)?.symbol.name ?? `0x${address.toString(16)}`;
    if (levels.length === 0) {
      out.push({ cpu: n, name: fn, address });
      return;
    }
    levels.forEach((level, i) => {
      const where = basename(level.pos.file);
      // The innermost visible levels are macro bodies; the outermost is the function.
      const name = i < levels.length - 1 ? `${levels[i].macro ?? '?'} (${where})` : `${fn} (${where})`;
      out.push({ cpu: n, name, address, source: level.pos });
    });
  };
  push(cpu.rip, engine.visibleLevels(n));
  const frames = engine.stacks[n].frames;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (f.kind === 'call') {
      push(f.from, engine.lines.levels(f.from));
      continue;
    }
    const kind = TRANSITION_LABEL[f.kind] ?? f.kind;
    const ring = i > 0 ? frames[i - 1].cpl : f.cpl === 0 ? 3 : f.cpl;
    const vector = f.vector >= 0 ? ` ${f.vector}` : '';
    out.push({ cpu: n, name: `[${kind}${vector} from ring ${ring}]`, address: f.from, label: true });
    // For syscall the recorded address is the one after the instruction; show the syscall line.
    const at = f.kind === 'syscall' ? f.from - 1 : f.from;
    push(f.kind === 'syscall' ? f.from - 2 : f.from, engine.lines.levels(at));
  }
  return out;
}
