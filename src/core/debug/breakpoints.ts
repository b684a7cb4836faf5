/**
 * The debugger's breakpoints: source lines (bound through macro expansion), functions,
 * instruction addresses and data (physical ranges, so a per-CPU variable is caught whichever
 * CPU or address space writes it), with conditions, hit counts and log messages.
 * Code breakpoints are armed on every CPU through Cpu.setBreakpoint (zero cost when not hit).
 */
import type { Cpu } from '../machine/cpu.js';
import type { Watchpoint } from '../machine/linear-memory.js';
import type { LineTable } from './line-table.js';

export interface BreakpointSpec {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface CodeBreakpoint extends BreakpointSpec {
  id: number;
  kind: 'source' | 'function' | 'instruction';
  /** Address → hidden macro levels when stopping there (the level the line matched at). */
  addresses: Map<number, number>;
  hits: number;
}

export interface DataBreakpoint extends BreakpointSpec {
  id: number;
  /** Physical ranges watched (one per CPU for a per-CPU variable). */
  ranges: Array<{ start: number; length: number }>;
  /** A register watched instead of memory (written on any CPU). */
  register?: string;
  access: 'read' | 'write' | 'readWrite';
  description: string;
  hits: number;
}

/** Result of binding a requested breakpoint: `verified` false comes with a message. */
export interface BoundBreakpoint {
  id: number;
  verified: boolean;
  line?: number;
  address?: number;
  message?: string;
}

export class BreakpointTable {
  private nextId = 1;
  /** Groups replaced as a whole by each request: `source:<file>`, `function`, `instruction`. */
  private readonly groups = new Map<string, CodeBreakpoint[]>();
  private readonly armed = new Map<number, CodeBreakpoint[]>();
  /** The requests as made, per group (kept for restart). */
  private readonly requests = new Map<string, unknown[]>();
  data: DataBreakpoint[] = [];
  private watches: Array<{ cpu: Cpu; w: Watchpoint }> = [];

  constructor(private readonly cpus: readonly Cpu[]) {}

  setSource(file: string, lines: Array<BreakpointSpec & { line: number }>, table: LineTable): BoundBreakpoint[] {
    const withCode = table.linesWithCode(file);
    const bps: CodeBreakpoint[] = [];
    const out = lines.map((spec): BoundBreakpoint => {
      const id = this.nextId++;
      // A line without code moves to the next line that has some (as other debuggers do).
      const line = withCode.find((l) => l >= spec.line);
      if (line === undefined || line - spec.line > 20) return { id, verified: false, line: spec.line, message: 'no code at or after this line' };
      const addresses = new Map(table.bind(file, line).map((b) => [b.address, b.level] as const));
      bps.push({ ...pick(spec), id, kind: 'source', addresses, hits: 0 });
      return { id, verified: true, line };
    });
    this.requests.set(`source:${file}`, lines);
    this.replace(`source:${file}`, bps);
    return out;
  }

  setFunctions(specs: Array<BreakpointSpec & { name: string }>, resolve: (name: string) => number | undefined): BoundBreakpoint[] {
    const bps: CodeBreakpoint[] = [];
    const out = specs.map((spec): BoundBreakpoint => {
      const id = this.nextId++;
      const address = resolve(spec.name);
      if (address === undefined) return { id, verified: false, message: `no symbol named '${spec.name}'` };
      bps.push({ ...pick(spec), id, kind: 'function', addresses: new Map([[address, 0]]), hits: 0 });
      return { id, verified: true, address };
    });
    this.requests.set('function', specs);
    this.replace('function', bps);
    return out;
  }

  setInstructions(specs: Array<BreakpointSpec & { address: number }>): BoundBreakpoint[] {
    const bps = specs.map((spec): CodeBreakpoint => ({ ...pick(spec), id: this.nextId++, kind: 'instruction', addresses: new Map([[spec.address, 0]]), hits: 0 }));
    this.requests.set('instruction', specs);
    this.replace('instruction', bps);
    return bps.map((b) => ({ id: b.id, verified: true, address: spec0(b) }));
  }

  setData(specs: Array<Omit<DataBreakpoint, 'id' | 'hits'>>): BoundBreakpoint[] {
    for (const { cpu, w } of this.watches) cpu.mem.removeWatchpoint(w);
    this.watches = [];
    this.data = specs.map((s) => ({ ...s, id: this.nextId++, hits: 0 }));
    for (const d of this.data) {
      for (const r of d.ranges) {
        const w: Watchpoint = { start: r.start, length: r.length, physical: true, read: d.access !== 'write', write: d.access !== 'read' };
        for (const cpu of this.cpus) {
          cpu.mem.addWatchpoint(w);
          this.watches.push({ cpu, w });
        }
      }
    }
    return this.data.map((d) => ({ id: d.id, verified: true }));
  }

  /** Takes over another table's breakpoints (restart: same requests against the new build). */
  adopt(old: BreakpointTable, table: LineTable, resolve: (name: string) => number | undefined): void {
    for (const [group, bps] of old.requests) {
      if (group.startsWith('source:')) this.setSource(group.slice(7), bps as Array<BreakpointSpec & { line: number }>, table);
      else if (group === 'function') this.setFunctions(bps as Array<BreakpointSpec & { name: string }>, resolve);
      else if (group === 'instruction') this.setInstructions(bps as Array<BreakpointSpec & { address: number }>);
    }
  }

  /** User breakpoints at `address` (empty if none). */
  at(address: number): CodeBreakpoint[] {
    return this.armed.get(address) ?? [];
  }

  /** The data breakpoint a physical access hit. */
  dataAt(physical: number, length: number): DataBreakpoint | undefined {
    return this.data.find((d) => d.ranges.some((r) => physical < r.start + r.length && r.start < physical + length));
  }

  /** Temporary breakpoints (stepping) share the arming, so user ones are never disarmed by them. */
  armTemporary(cpu: Cpu, address: number): void {
    cpu.setBreakpoint(address, true);
  }

  disarmTemporary(cpu: Cpu, address: number): void {
    if (!this.armed.has(address)) cpu.setBreakpoint(address, false);
  }

  private replace(group: string, bps: CodeBreakpoint[]): void {
    this.groups.set(group, bps);
    const next = new Map<number, CodeBreakpoint[]>();
    for (const list of this.groups.values()) {
      for (const bp of list) {
        for (const a of bp.addresses.keys()) {
          const at = next.get(a);
          if (at) at.push(bp);
          else next.set(a, [bp]);
        }
      }
    }
    for (const a of this.armed.keys()) if (!next.has(a)) this.cpus.forEach((c) => c.setBreakpoint(a, false));
    for (const a of next.keys()) if (!this.armed.has(a)) this.cpus.forEach((c) => c.setBreakpoint(a, true));
    this.armed.clear();
    for (const [a, list] of next) this.armed.set(a, list);
  }
}

function pick(spec: BreakpointSpec): BreakpointSpec {
  return { condition: spec.condition || undefined, hitCondition: spec.hitCondition || undefined, logMessage: spec.logMessage || undefined };
}

function spec0(b: CodeBreakpoint): number {
  return b.addresses.keys().next().value as number;
}

/**
 * VS Code's hit-count syntax: `5` or `>= 5` (from the 5th hit on), `> 5`, `== 5`, `< 5`,
 * `<= 5`, `% 5` (every 5th). Undefined: the expression is not understood.
 */
export function hitConditionMet(expr: string, hits: number): boolean | undefined {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(expr);
  if (!m) return undefined;
  const n = Number(m[2]);
  switch (m[1]) {
    case undefined:
    case '>=':
      return hits >= n;
    case '>':
      return hits > n;
    case '<':
      return hits < n;
    case '<=':
      return hits <= n;
    case '=':
    case '==':
      return hits === n;
    case '%':
      return n > 0 && hits % n === 0;
  }
  return undefined;
}
