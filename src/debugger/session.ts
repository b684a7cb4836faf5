/**
 * The Debug Adapter Protocol session for debug type `x64emu`. It translates requests into
 * calls on the core (DebugEngine for execution, machine views and the expression evaluator
 * for state) and holds no machine semantics itself. Threads are CPUs; all-stop.
 */
import {
  Breakpoint,
  ExitedEvent,
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { basename } from 'node:path';
import { DebugEngine, EXCEPTION_FILTERS, type EngineStop } from '../core/debug/engine.js';
import { ProgramView } from '../core/debug/program-view.js';
import { stackSwitchModel } from '../core/debug/stack-switch.js';
import { assign, childCount, childrenOf, completions, evaluate, formatValue } from '../core/inspect/expression.js';
import { controlView, msrView, registersView, segmentsView, stackView, tssView, type ViewNode } from '../core/inspect/machine-views.js';
import { describePageFaultErrorCode, vectorMnemonic } from '../core/machine/faults.js';
import { explainTranslation, formatTranslation } from '../core/inspect/translation.js';
import { registersUsed } from '../core/inspect/registers-used.js';
import { LaunchArguments, LaunchError, Launched, launchProgram } from './launch.js';
import { buildStackFrames, type FrameInfo } from '../core/debug/call-frames.js';
import { disassembleListing, hexAddr } from './disassembly.js';
import { formatType, sizeOf } from '../core/inspect/ctype-model.js';

/** Children of a variables reference; paged ones (large arrays) take the requested window. */
type Provider = ((start?: number, count?: number) => DebugProtocol.Variable[]) & { paged?: boolean };

/** Arrays longer than this are shown in pages (VS Code's [0..99] groups). */
const ARRAY_PAGE = 100;


export class X64DebugSession extends LoggingDebugSession {
  private launched: Launched | undefined;
  private engine: DebugEngine | undefined;
  private view: ProgramView | undefined;
  private launchArgs: LaunchArguments | undefined;
  private providers = new Map<number, Provider>();
  private nextRef = 1;
  private frames = new Map<number, FrameInfo>();
  /** Values shown at the previous stop, by evaluateName (to mark what changed). */
  private previous = new Map<string, string>();
  private current = new Map<string, string>();
  private running = false;
  private pauseRequested = false;
  private lastStop: EngineStop | undefined;
  private selectedCpu = 0;
  private pendingOutput = '';

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsBreakpointLocationsRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsGotoTargetsRequest: true,
      supportsSteppingGranularity: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsExceptionInfoRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsCompletionsRequest: true,
      supportsTerminateRequest: true,
      supportsValueFormattingOptions: false,
      supportsExceptionOptions: false,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ filter: f.filter, label: f.label, default: f.default })),
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments & LaunchArguments): void {
    this.launchArgs = args;
    try {
      this.startProgram(args);
    } catch (e) {
      if (e instanceof LaunchError) {
        for (const d of e.diagnostics) this.sendEvent(new OutputEvent(d + '\n', 'stderr'));
        this.sendErrorResponse(response, { id: 1001, format: [e.message, ...e.diagnostics].join('\n'), showUser: true });
        return;
      }
      this.sendErrorResponse(response, { id: 1002, format: `launch failed: ${(e as Error).message}`, showUser: true });
      return;
    }
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  private startProgram(args: LaunchArguments): void {
    const launched = launchProgram(args, { output: (text, category) => this.guestOutput(text, category) });
    this.launched = launched;
    this.view = new ProgramView(launched.target, launched.types, launched.macros, launched.expand);
    this.engine = new DebugEngine(launched.target, launched.lines, {
      evaluate: (expr, cpu) => {
        const r = evaluate(expr, this.view!.context(cpu));
        return r.ok ? { ok: true, value: r.value.bits ?? 0n, text: formatValue(r.value, this.view!.context(cpu)) } : { ok: false, message: r.message };
      },
      output: (text) => this.sendEvent(new OutputEvent(text, 'console')),
    }, launched.journal);
    this.sendEvent(new OutputEvent(`x64emu: ${launched.target.mode} mode, ${launched.target.cpus.length} CPU${launched.target.cpus.length > 1 ? 's' : ''}, ${basename(launched.programName)}\n`, 'console'));
  }

  private guestOutput(text: string, category: 'stdout' | 'stderr' | 'console'): void {
    if (category === 'stdout') {
      this.pendingOutput += text;
      return;
    }
    this.sendEvent(new OutputEvent(text, category));
  }

  private flushOutput(): void {
    if (this.pendingOutput) this.sendEvent(new OutputEvent(this.pendingOutput, 'stdout'));
    this.pendingOutput = '';
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    if (!this.engine) return;
    if (this.launchArgs?.stopOnEntry) this.report({ kind: 'stopped', reason: 'entry', cpu: 0, description: 'entry' });
    else void this.drive(this.engine.continue());
  }

  // ---- breakpoints ----

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const engine = this.requireEngine(response);
    if (!engine) return;
    const file = args.source.path ?? '';
    const bound = engine.breakpoints.setSource(file, (args.breakpoints ?? []).map((b) => ({ line: b.line, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage })), this.launched!.lines);
    response.body = {
      breakpoints: bound.map((b) => {
        const bp = new Breakpoint(b.verified, b.line) as DebugProtocol.Breakpoint;
        bp.id = b.id;
        if (b.message) bp.message = b.message;
        return bp;
      }),
    };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const engine = this.requireEngine(response);
    if (!engine) return;
    const bound = engine.breakpoints.setFunctions(args.breakpoints, (name) => this.launched!.target.symbols.address(name));
    response.body = { breakpoints: bound.map((b) => ({ id: b.id, verified: b.verified, message: b.message, instructionReference: b.address !== undefined ? hexAddr(b.address) : undefined })) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const engine = this.requireEngine(response);
    if (!engine) return;
    const specs = args.breakpoints.map((b) => ({ address: Number(BigInt.asIntN(64, BigInt(b.instructionReference) + BigInt(b.offset ?? 0))), condition: b.condition, hitCondition: b.hitCondition }));
    const bound = engine.breakpoints.setInstructions(specs);
    response.body = { breakpoints: bound.map((b) => ({ id: b.id, verified: true, instructionReference: hexAddr(b.address!) })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.engine?.setExceptionFilters(args.filters);
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const lines = this.launched?.lines.linesWithCode(args.source.path ?? '') ?? [];
    const end = args.endLine ?? args.line;
    response.body = { breakpoints: lines.filter((l) => l >= args.line && l <= end).map((line) => ({ line })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const expression = args.asAddress ? `*(u8 *)(${args.name})` : args.variablesReference ? this.evaluateNameOf(args.variablesReference, args.name) : (args.name ?? '');
    const view = this.view;
    if (!view || !expression) {
      response.body = { dataId: null, description: 'no expression for this value' };
      this.sendResponse(response);
      return;
    }
    const r = evaluate(expression, view.context(this.selectedCpu));
    if (r.ok && r.value.lvalue?.kind === 'register') {
      const register = r.value.lvalue.name;
      response.body = { dataId: JSON.stringify({ register }), description: `%${register} on any CPU (the machine then runs one instruction at a time)`, accessTypes: ['write'], canPersist: true };
    } else if (!r.ok || r.value.lvalue?.kind !== 'memory') {
      response.body = { dataId: null, description: r.ok ? `${expression} is not in memory` : r.message };
    } else {
      const size = args.bytes ?? Math.min(8, Math.max(1, sizeOf(r.value.type) ?? 8));
      response.body = { dataId: JSON.stringify({ expression, size }), description: `${expression} (${size} bytes)`, accessTypes: ['write', 'read', 'readWrite'], canPersist: true };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const engine = this.requireEngine(response);
    if (!engine) return;
    const specs = args.breakpoints.map((b) => {
      const { expression, size, register } = parseDataId(b.dataId);
      if (register) return { ranges: [], register, access: 'write' as const, description: `%${register}`, condition: b.condition, hitCondition: b.hitCondition };
      // The expression on every CPU: a per-CPU variable is watched in each CPU's copy.
      const ranges = new Map<number, { start: number; length: number }>();
      for (let n = 0; n < engine.cpus.length; n++) {
        const r = evaluate(expression, this.view!.context(n));
        if (!r.ok || r.value.lvalue?.kind !== 'memory') continue;
        const pa = this.view!.physical(n, r.value.lvalue.address);
        if (pa !== undefined) ranges.set(pa, { start: pa, length: size });
      }
      return { ranges: [...ranges.values()], access: b.accessType ?? 'write', description: expression, condition: b.condition, hitCondition: b.hitCondition };
    });
    const bound = engine.breakpoints.setData(specs);
    const ok = (i: number) => specs[i].ranges.length > 0 || specs[i].register !== undefined;
    response.body = { breakpoints: bound.map((b, i) => ({ id: b.id, verified: ok(i), message: ok(i) ? undefined : 'not mapped on any CPU' })) };
    this.sendResponse(response);
  }

  // ---- execution ----

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.startRun(response)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    void this.drive(this.engine!.continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, args, (e, n) => (args.granularity === 'instruction' ? e.stepInstruction(n, true) : e.stepLine(n, 'over')));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, args, (e, n) => (args.granularity === 'instruction' ? e.stepInstruction(n, false) : e.stepLine(n, 'in')));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.step(response, args, (e, n) => e.stepOut(n));
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.step(response, args, (e, n) => (args.granularity === 'instruction' ? e.stepBackInstruction(n) : e.stepBackLine(n)));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    if (!this.startRun(response)) return;
    this.sendResponse(response);
    void this.drive(this.engine!.reverseContinue());
  }

  private step(response: DebugProtocol.Response, args: { threadId: number }, make: (e: DebugEngine, n: number) => Generator<void, EngineStop, void>): void {
    const n = args.threadId - 1;
    if (!this.startRun(response)) return;
    if (n < 0 || n >= this.engine!.cpus.length) {
      this.running = false;
      this.sendErrorResponse(response, { id: 1003, format: `no thread ${args.threadId} (threads are CPUs 1..${this.engine!.cpus.length})` });
      return;
    }
    this.selectedCpu = n;
    this.sendResponse(response);
    void this.drive(make(this.engine!, n));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    const launch = (args?.arguments as LaunchArguments | undefined) ?? this.launchArgs;
    if (!launch) {
      this.sendErrorResponse(response, { id: 1004, format: 'restart: nothing was launched' });
      return;
    }
    const old = this.engine;
    try {
      this.startProgram(launch);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1001, format: (e as Error).message });
      return;
    }
    // Keep the user's breakpoints and filters across the restart.
    if (old) this.engine!.breakpoints.adopt(old.breakpoints, this.launched!.lines, (name) => this.launched!.target.symbols.address(name));
    this.sendResponse(response);
    if (launch.stopOnEntry) this.report({ kind: 'stopped', reason: 'entry', cpu: 0, description: 'entry' });
    else void this.drive(this.engine!.continue());
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const bound = this.launched?.lines.bind(args.source.path ?? '', args.line) ?? [];
    response.body = { targets: bound.map((b) => ({ id: b.address, label: `${basename(args.source.path ?? '')}:${args.line} (${hexAddr(b.address)})`, line: args.line, instructionPointerReference: hexAddr(b.address) })) };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    const engine = this.requireEngine(response);
    if (!engine || this.running) return;
    const n = args.threadId - 1;
    const cpu = engine.cpus[n];
    if (!cpu) {
      this.sendErrorResponse(response, { id: 1003, format: `no thread ${args.threadId}` });
      return;
    }
    const symbols = this.launched!.target.symbols;
    const from = symbols.lookup(cpu.rip)?.symbol.name;
    const to = symbols.lookup(args.targetId)?.symbol.name;
    if (from !== to) this.sendEvent(new OutputEvent(`warning: goto moves RIP from ${from ?? '?'} to ${to ?? '?'}: the stack is still ${from ?? 'the old function'}'s, so its return address and locals may not match\n`, 'console'));
    cpu.rip = args.targetId;
    this.launched!.target.noteExternalChange();
    this.sendResponse(response);
    this.report({ kind: 'stopped', reason: 'goto', cpu: n, description: 'goto' });
  }

  private startRun(response: DebugProtocol.Response): boolean {
    if (!this.requireEngine(response)) return false;
    if (this.running) {
      this.sendErrorResponse(response, { id: 1005, format: 'the machine is running; pause first' });
      return false;
    }
    this.running = true;
    this.pauseRequested = false;
    return true;
  }

  private async drive(run: Generator<void, EngineStop, void>): Promise<void> {
    this.running = true;
    try {
      // Let the response reach the client before the stop event (clients wait for it after).
      await new Promise((resolve) => setImmediate(resolve));
      for (;;) {
        const r = run.next();
        if (r.done) {
          this.report(r.value);
          return;
        }
        this.flushOutput();
        await new Promise((resolve) => setImmediate(resolve));
        if (this.pauseRequested) {
          run.return(undefined as never);
          this.report({ kind: 'stopped', reason: 'pause', cpu: this.engine!.lastCpu, description: 'paused' });
          return;
        }
      }
    } catch (e) {
      this.running = false;
      this.sendEvent(new OutputEvent(`x64emu: internal error: ${(e as Error).stack ?? e}\n`, 'stderr'));
      this.sendEvent(new TerminatedEvent());
    }
  }

  private report(stop: EngineStop): void {
    this.running = false;
    this.flushOutput();
    this.lastStop = stop;
    this.resetHandles();
    if (stop.kind === 'exited') {
      this.sendEvent(new OutputEvent(`x64emu: ${stop.description}\n`, 'console'));
      this.sendEvent(new ExitedEvent(stop.status));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.selectedCpu = stop.cpu;
    const e = new StoppedEvent(stop.reason, stop.cpu + 1, stop.fault ? stop.description : undefined) as DebugProtocol.StoppedEvent;
    e.body.description = stop.description;
    e.body.allThreadsStopped = true;
    if (stop.breakpointIds?.length) e.body.hitBreakpointIds = stop.breakpointIds;
    this.sendEvent(e);
  }

  private resetHandles(): void {
    this.providers.clear();
    this.frames.clear();
    this.previous = this.current;
    this.current = new Map();
  }

  // ---- state ----

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const engine = this.engine;
    response.body = { threads: engine ? engine.cpus.map((cpu, n) => new Thread(n + 1, this.threadName(n))) : [] };
    this.sendResponse(response);
  }

  private threadName(n: number): string {
    const cpu = this.engine!.cpus[n];
    if (this.launched!.target.mode === 'user') return `CPU 0 [ring ${cpu.cpl} • pid 1]`;
    const parts = [`ring ${cpu.cpl}`];
    if (cpu.halted) parts.push('halted');
    const task = this.view!.currentTaskLabel(n);
    if (task) parts.push(task);
    return `CPU ${n} [${parts.join(' • ')}]`;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const engine = this.requireEngine(response);
    if (!engine) return;
    const n = args.threadId - 1;
    if (!engine.cpus[n]) {
      this.sendErrorResponse(response, { id: 1003, format: `no thread ${args.threadId}` });
      return;
    }
    const infos = buildStackFrames(engine, n, this.launched!.target.symbols);
    const frames = infos.map((f, i) => {
      const id = n * 100000 + i + 1;
      this.frames.set(id, f);
      const sf = new StackFrame(id, f.name, f.source ? new Source(basename(f.source.file), f.source.file) : undefined, f.source?.line ?? 0, f.source?.column ?? 0) as DebugProtocol.StackFrame;
      sf.instructionPointerReference = hexAddr(f.address);
      if (f.label) sf.presentationHint = 'label';
      if (!f.source) sf.presentationHint = f.label ? 'label' : 'subtle';
      return sf;
    });
    const start = args.startFrame ?? 0;
    const count = args.levels || frames.length;
    response.body = { stackFrames: frames.slice(start, start + count), totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frames.get(args.frameId);
    const engine = this.engine;
    if (!frame || !engine) {
      this.sendErrorResponse(response, { id: 1006, format: `no frame ${args.frameId} (frames change at every stop)` });
      return;
    }
    const n = frame.cpu;
    const cpu = engine.cpus[n];
    const describe = (a: number) => this.view!.describe(cpu, a);
    const scope = (name: string, nodes: () => ViewNode[], expensive = false) => new Scope(name, this.ref(() => this.nodesToVariables(nodes(), n)), expensive);
    const scopes: DebugProtocol.Scope[] = [
      scope('Registers', () => registersView(cpu, describe)),
      scope('Segments', () => segmentsView(cpu)),
      scope('Control', () => controlView(cpu, describe)),
      scope('MSRs', () => msrView(cpu, describe)),
    ];
    if (this.launched!.target.mode === 'system') scopes.push(scope('TSS', () => tssView(cpu, describe)));
    if (this.view!.perCpuSymbols.length > 0) scopes.push(new Scope('Per-CPU', this.ref(() => this.perCpuVariables(n)), false));
    scopes.push(new Scope('Stack', this.ref(() => this.stackVariables(n)), false));
    response.body = { scopes };
    this.sendResponse(response);
  }

  private perCpuVariables(n: number): DebugProtocol.Variable[] {
    const ctx = this.view!.context(n);
    return this.view!.perCpuSymbols.map((name) => this.valueVariable(name, name, evaluate(name, ctx), n));
  }

  private stackVariables(n: number): DebugProtocol.Variable[] {
    const cpu = this.engine!.cpus[n];
    const vars = this.nodesToVariables(stackView(cpu, (a) => this.view!.describe(cpu, a)), n);
    // On a kernel stack, the pt_regs frame at its top, typed (if the headers declare it).
    const expr = cpu.cpl === 0 ? this.view!.ptRegsExpression() : undefined;
    if (expr) {
      const r = evaluate(expr, this.view!.context(n));
      if (r.ok) vars.unshift(this.valueVariable('pt_regs (top of this task\'s stack)', expr, r, n));
    }
    return vars;
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const provider = this.providers.get(args.variablesReference);
    if (!provider) {
      this.sendErrorResponse(response, { id: 1007, format: `no variables reference ${args.variablesReference} (references change at every stop)` });
      return;
    }
    let vars = provider(args.start, args.count);
    if (!provider.paged && (args.start !== undefined || args.count)) vars = vars.slice(args.start ?? 0, args.count ? (args.start ?? 0) + args.count : undefined);
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  private ref(p: Provider): number {
    const id = this.nextRef++;
    this.providers.set(id, p);
    return id;
  }

  private mark(v: DebugProtocol.Variable): DebugProtocol.Variable {
    const key = v.evaluateName ?? v.name;
    this.current.set(key, v.value);
    const before = this.previous.get(key);
    if (before !== undefined && before !== v.value) v.presentationHint = { ...(v.presentationHint ?? {}), attributes: [...(v.presentationHint?.attributes ?? []), 'changed'] };
    return v;
  }

  private nodesToVariables(nodes: ViewNode[], n: number): DebugProtocol.Variable[] {
    return nodes.map((node) =>
      this.mark({
        name: node.name,
        value: node.value,
        evaluateName: node.evaluateName,
        variablesReference: node.children ? this.ref(() => this.nodesToVariables(node.children!, n)) : 0,
        memoryReference: node.memoryReference !== undefined ? hexAddr(node.memoryReference) : undefined,
        presentationHint: node.readOnly ? { attributes: ['readOnly'] } : undefined,
      }),
    );
  }

  private valueVariable(name: string, evaluateName: string, r: ReturnType<typeof evaluate>, n: number): DebugProtocol.Variable {
    if (!r.ok) return { name, value: `<${r.message}>`, variablesReference: 0, evaluateName };
    const ctx = this.view!.context(n);
    const kids = childCount(r.value);
    const paged = r.value.type.kind === 'array' && kids > ARRAY_PAGE;
    const children: Provider = (start, count) =>
      childrenOf(r.value, this.view!.context(n), { evaluateName, start: start ?? 0, count: count ?? (paged ? ARRAY_PAGE : kids) }).map((c) =>
        this.valueVariable(c.name, c.evaluateName, { ok: true, value: c.value }, n),
      );
    children.paged = paged;
    return this.mark({
      name,
      value: formatValue(r.value, ctx),
      evaluateName,
      type: formatType(r.value.type),
      variablesReference: kids > 0 ? this.ref(children) : 0,
      indexedVariables: paged ? kids : undefined,
      memoryReference: r.value.lvalue?.kind === 'memory' ? hexAddr(Number(BigInt.asIntN(64, r.value.lvalue.address))) : undefined,
    });
  }

  private evaluateNameOf(ref: number, name: string): string | undefined {
    const provider = this.providers.get(ref);
    return provider?.().find((v) => v.name === name)?.evaluateName;
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const target = this.evaluateNameOf(args.variablesReference, args.name);
    if (!target) {
      this.sendErrorResponse(response, { id: 1008, format: `${args.name} cannot be changed here` });
      return;
    }
    this.assign(response, target, args.value, (value) => (response.body = { value }));
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    this.assign(response, args.expression, args.value, (value) => (response.body = { value }), args.frameId);
  }

  private assign(response: DebugProtocol.Response, target: string, value: string, done: (value: string) => void, frameId?: number): void {
    if (!this.view || this.running) {
      this.sendErrorResponse(response, { id: 1009, format: 'values can only be changed while stopped' });
      return;
    }
    const n = frameId !== undefined ? (this.frames.get(frameId)?.cpu ?? this.selectedCpu) : this.selectedCpu;
    const ctx = this.view.context(n);
    const r = assign(target, value, ctx);
    if (!r.ok) {
      this.sendErrorResponse(response, { id: 1010, format: r.message });
      return;
    }
    this.launched!.target.noteExternalChange();
    done(formatValue(r.value, ctx));
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (!this.view) {
      this.sendErrorResponse(response, { id: 1011, format: 'nothing is running' });
      return;
    }
    const n = args.frameId !== undefined ? (this.frames.get(args.frameId)?.cpu ?? this.selectedCpu) : this.selectedCpu;
    const r = evaluate(args.expression, this.view.context(n));
    if (!r.ok) {
      // Hovers over words that are not values stay quiet; elsewhere the message says why.
      this.sendErrorResponse(response, { id: 1012, format: r.message, showUser: args.context !== 'hover' });
      return;
    }
    const v = this.valueVariable(args.expression, args.expression, r, n);
    response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference };
    this.sendResponse(response);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    if (!this.view) {
      response.body = { targets: [] };
      this.sendResponse(response);
      return;
    }
    const before = args.text.slice(0, args.column - 1);
    const word = /[%$\w.>-]*$/.exec(before)?.[0] ?? '';
    const tail = /[\w]*$/.exec(before)?.[0] ?? '';
    response.body = { targets: completions(before, this.view.context(this.selectedCpu)).slice(0, 200).map((label) => ({ label, start: args.column - 1 - tail.length, length: tail.length, type: word.startsWith('%') ? 'variable' : 'value' })) };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const cpu = this.engine?.cpus[this.selectedCpu];
    if (!cpu) return this.noEngine(response);
    const start = Number(BigInt.asIntN(64, BigInt(args.memoryReference) + BigInt(args.offset ?? 0)));
    const count = Math.min(args.count, 1 << 20);
    const bytes = cpu.mem.peek(start, count);
    response.body = { address: hexAddr(start), data: Buffer.from(bytes).toString('base64'), unreadableBytes: count - bytes.length };
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const cpu = this.engine?.cpus[this.selectedCpu];
    if (!cpu) return this.noEngine(response);
    const start = Number(BigInt.asIntN(64, BigInt(args.memoryReference) + BigInt(args.offset ?? 0)));
    const data = new Uint8Array(Buffer.from(args.data, 'base64'));
    if (!cpu.mem.poke(start, data)) {
      this.sendErrorResponse(response, { id: 1013, format: `${hexAddr(start)}: not mapped under the current CR3` });
      return;
    }
    this.launched!.target.noteExternalChange();
    response.body = { bytesWritten: data.length };
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const engine = this.engine;
    if (!engine) return this.noEngine(response);
    response.body = { instructions: disassembleListing(engine.cpus[this.selectedCpu], this.launched!.lines, this.launched!.target.symbols, args) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const stop = this.lastStop;
    if (!stop || stop.kind !== 'stopped' || !stop.fault || stop.cpu !== args.threadId - 1) {
      this.sendErrorResponse(response, { id: 1014, format: 'this CPU did not stop on an exception' });
      return;
    }
    const f = stop.fault;
    const cpu = this.engine!.cpus[stop.cpu];
    const details: string[] = [f.describe()];
    if (f.vector === 14 && f.address !== undefined) {
      details.push(`CR2 = 0x${BigInt.asUintN(64, BigInt(f.address)).toString(16)}`);
      details.push(`error code 0x${f.errorCode.toString(16)}: ${describePageFaultErrorCode(f.errorCode)}`);
      const walk = explainTranslation(cpu.phys, BigInt.asUintN(64, BigInt(f.address)), cpu.cr3);
      details.push(formatTranslation(walk));
    }
    response.body = {
      exceptionId: vectorMnemonic(f.vector),
      description: details.join('\n'),
      breakMode: 'always',
      details: { message: details.join('\n'), typeName: vectorMnemonic(f.vector) },
    };
    this.sendResponse(response);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: (this.launched?.lines.files() ?? []).map((f) => new Source(basename(f), f)) };
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.pauseRequested = true;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /**
   * `x64emu.stackSwitch` {threadId}: the Stack Switch view's data for that CPU.
   * `x64emu.registersUsed` {frameId}: the registers the frame's instruction reads and writes,
   * implicit ones included (the editor's inline values).
   */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: { threadId?: number; frameId?: number }): void {
    if (command === 'x64emu.registersUsed') {
      const frame = args?.frameId !== undefined ? this.frames.get(args.frameId) : undefined;
      if (!frame || !this.engine) {
        this.sendErrorResponse(response, { id: 1006, format: `no frame ${args?.frameId} (frames change at every stop)` });
        return;
      }
      response.body = { registers: registersUsed(this.engine.cpus[frame.cpu].mem.peek(frame.address, 15), frame.address) };
      this.sendResponse(response);
      return;
    }
    if (command !== 'x64emu.stackSwitch') {
      this.sendErrorResponse(response, { id: 1098, format: `unknown request '${command}'` });
      return;
    }
    const engine = this.requireEngine(response);
    if (!engine) return;
    if (this.running) {
      this.sendErrorResponse(response, { id: 1005, format: 'the machine is running' });
      return;
    }
    const n = args?.threadId !== undefined ? args.threadId - 1 : this.selectedCpu;
    if (!engine.cpus[n]) {
      this.sendErrorResponse(response, { id: 1003, format: `no thread ${args?.threadId}` });
      return;
    }
    response.body = stackSwitchModel(this.view!, n);
    this.sendResponse(response);
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    try {
      super.dispatchRequest(request);
    } catch (e) {
      const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false };
      this.sendErrorResponse(response, { id: 1099, format: `${request.command}: ${(e as Error).message}` });
    }
  }

  private requireEngine(response: DebugProtocol.Response): DebugEngine | undefined {
    if (!this.engine) this.noEngine(response);
    return this.engine;
  }

  private noEngine(response: DebugProtocol.Response): void {
    this.sendErrorResponse(response, { id: 1000, format: 'no program is being debugged (launch first)' });
  }
}

function parseDataId(id: string): { expression: string; size: number; register?: string } {
  try {
    const v = JSON.parse(id) as { expression?: string; size?: number; register?: string };
    if (typeof v.register === 'string') return { expression: `$${v.register}`, size: 8, register: v.register };
    return { expression: String(v.expression), size: Math.max(1, Math.min(8, Number(v.size) || 8)) };
  } catch {
    return { expression: id, size: 8 };
  }
}


