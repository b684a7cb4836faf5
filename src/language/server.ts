/**
 * The x64emu language server (stdio, or whatever transport the client passes on the command
 * line). It translates LSP requests into queries over the assembler's analysis of each unit;
 * all assembly semantics live in src/core/asm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createConnection, DidChangeConfigurationNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type Diagnostic as LspDiagnostic, type InitializeParams, type InitializeResult, type Position,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { complete, signatureHelp } from './completion.js';
import { toLspDiagnostics } from './diagnostics.js';
import { foldingRanges } from './folding.js';
import { hover } from './hover.js';
import { callAt, expandedFile, expansionOfCall } from './macro-expansion.js';
import { definition, occurrenceAt, references, renameEdits } from './navigation.js';
import { fromPosition, pathToUri, toRange, uriToPath } from './positions.js';
import { LEGEND, semanticTokens } from './semantic-tokens.js';
import { launchBuildSettings, unitOptions, type RawBuildSettings } from './settings.js';
import { documentSymbols, workspaceSymbols } from './symbols.js';
import { lineOf } from './text.js';
import { Workspace, type Unit } from './workspace.js';

/** Request behind "Show Expanded Macro at Cursor". */
export const EXPANDED_SOURCE_REQUEST = 'x64emu/expandedSource';
export interface ExpandedSourceParams {
  textDocument: { uri: string };
  /** On a macro invocation: that invocation's expansion; otherwise the whole file. */
  position?: Position;
}
export interface ExpandedSourceResult {
  /** The macro name, when one invocation was expanded. */
  macro?: string;
  text: string;
}

const DEBOUNCE_MS = 200;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const ws = new Workspace();
let hasConfiguration = false;
let initOptions: RawBuildSettings | undefined;
/** Diagnostics per unit main, per file (a header can get diagnostics from several units). */
const published = new Map<string, Map<string, LspDiagnostic[]>>();
const pending = new Map<string, NodeJS.Timeout>();
/** Analyses wait for the settings (include paths decide what a unit even is). */
let settingsReady = false;
const deferred = new Set<string>();
/** Workspace sources not analysed yet (indexed in the background). */
let scanQueue: string[] = [];

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? (params.rootUri ? [uriToPath(params.rootUri)] : []);
  ws.folders = folders;
  hasConfiguration = !!params.capabilities.workspace?.configuration;
  initOptions = params.initializationOptions as RawBuildSettings | undefined;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      completionProvider: { triggerCharacters: ['%', '.', '#', '$', '='] },
      signatureHelpProvider: { triggerCharacters: [' ', ',', '('] },
      semanticTokensProvider: { legend: LEGEND, full: true },
      foldingRangeProvider: true,
    },
    serverInfo: { name: 'x64emu-language-server' },
  };
});

connection.onInitialized(async () => {
  if (hasConfiguration) connection.client.register(DidChangeConfigurationNotification.type, { section: 'x64emu' }).catch(() => {});
  await loadSettings();
  settingsReady = true;
  for (const main of deferred) schedule(main, 0);
  deferred.clear();
  // Index the workspace in the background, one unit per turn of the event loop.
  scanQueue = ws.sourceFiles();
  const next = () => {
    const f = scanQueue.shift();
    if (!f) return;
    if (!ws.units.has(f)) ws.analyse(f);
    setImmediate(next);
  };
  setImmediate(next);
});

/** Finishes the background indexing now (a header nobody analysed yet was asked about). */
function finishScan(): void {
  for (const f of scanQueue.splice(0)) if (!ws.units.has(f)) ws.analyse(f);
}

async function loadSettings(): Promise<void> {
  const folders = ws.folders.length ? ws.folders : [undefined];
  for (const folder of folders) {
    let settings: RawBuildSettings | undefined = initOptions;
    if (hasConfiguration) {
      try {
        const c = (await connection.workspace.getConfiguration({ section: 'x64emu', ...(folder ? { scopeUri: pathToUri(folder) } : {}) })) as RawBuildSettings | null;
        if (c && (c.includePaths !== undefined || c.defines !== undefined)) settings = { ...initOptions, ...stripEmpty(c) };
      } catch {
        // A client without configuration support: initialization options only.
      }
    }
    const launchPath = folder ? join(folder, '.vscode', 'launch.json') : undefined;
    const launch = launchPath && existsSync(launchPath) ? launchBuildSettings(readFileSync(launchPath, 'utf8')) : undefined;
    ws.setOptions(folder, unitOptions(folder, settings, launch));
  }
}

/** VS Code reports unset settings as their defaults (empty): those must not hide launch.json. */
function stripEmpty(c: RawBuildSettings): RawBuildSettings {
  const out: RawBuildSettings = {};
  if (Array.isArray(c.includePaths) ? c.includePaths.length : c.includePaths !== undefined && c.includePaths !== null) out.includePaths = c.includePaths;
  if (Array.isArray(c.defines) ? c.defines.length : c.defines && Object.keys(c.defines as object).length) out.defines = c.defines;
  return out;
}

connection.onDidChangeConfiguration(async () => {
  await loadSettings();
  for (const main of [...ws.units.keys()]) schedule(main, 0);
});

connection.onDidChangeWatchedFiles(() => {
  for (const main of [...ws.units.keys()]) schedule(main, DEBOUNCE_MS);
});

// ---------------------------------------------------------------- analysis and diagnostics

function mainsFor(file: string): string[] {
  const units = ws.unitsContaining(file).map((u) => u.analysis.main);
  if (units.length) return units;
  return ws.isSource(file) ? [file] : [];
}

function schedule(main: string, delay = DEBOUNCE_MS): void {
  clearTimeout(pending.get(main));
  if (!settingsReady) {
    deferred.add(main);
    return;
  }
  pending.set(main, setTimeout(() => runNow(main), delay));
}

function runNow(main: string): Unit {
  clearTimeout(pending.get(main));
  pending.delete(main);
  const unit = ws.analyse(main);
  publish(unit);
  return unit;
}

/** Runs any pending analysis of the units `file` belongs to, so answers see the latest text. */
function unitFor(file: string): Unit | undefined {
  for (const main of mainsFor(file)) if (pending.has(main)) runNow(main);
  if (!ws.unitsContaining(file).length && !ws.isSource(file)) finishScan();
  return ws.unitFor(file, isOpen);
}

function isOpen(file: string): boolean {
  return documents.get(pathToUri(file)) !== undefined || documents.all().some((d) => uriToPath(d.uri) === file);
}

function publish(unit: Unit): void {
  const a = unit.analysis;
  if (![...a.files].some(isOpen)) return;
  const byFile = new Map<string, LspDiagnostic[]>();
  for (const d of a.diagnostics) {
    for (const fd of toLspDiagnostics(d, a.main)) {
      if (!byFile.has(fd.file)) byFile.set(fd.file, []);
      byFile.get(fd.file)!.push(fd.diagnostic);
    }
  }
  const before = published.get(a.main);
  published.set(a.main, byFile);
  const touched = new Set([...(before?.keys() ?? []), ...byFile.keys(), a.main]);
  for (const file of touched) sendDiagnostics(file);
}

function sendDiagnostics(file: string): void {
  const all: LspDiagnostic[] = [];
  const seen = new Set<string>();
  for (const byFile of published.values()) {
    for (const d of byFile.get(file) ?? []) {
      const k = `${d.range.start.line}:${d.range.start.character}:${d.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      all.push(d);
    }
  }
  connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: all });
}

documents.onDidOpen((e) => {
  const file = uriToPath(e.document.uri);
  ws.fs.overlay.set(file, e.document.getText());
  if (settingsReady && !ws.isSource(file) && !ws.unitsContaining(file).length) finishScan();
  for (const main of mainsFor(file)) schedule(main, 0);
});

documents.onDidChangeContent((e) => {
  const file = uriToPath(e.document.uri);
  ws.fs.overlay.set(file, e.document.getText());
  for (const main of mainsFor(file)) schedule(main);
});

documents.onDidClose((e) => {
  const file = uriToPath(e.document.uri);
  ws.fs.overlay.delete(file);
  for (const main of mainsFor(file)) schedule(main);
  connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

// ---------------------------------------------------------------- requests

function context(uri: string, position: Position) {
  const file = uriToPath(uri);
  const unit = unitFor(file);
  if (!unit) return undefined;
  const { line, column } = fromPosition(position);
  const text = documents.get(uri)?.getText() ?? ws.fs.readFile(file) ?? '';
  return { file, unit, line, column, lineText: lineOf(text, line), text };
}

const readLine = (file: string, line: number) => lineOf(ws.fs.readFile(file) ?? '', line);

connection.onHover(({ textDocument, position }) => {
  const c = context(textDocument.uri, position);
  if (!c) return null;
  const contents = hover(ws, c.unit, c.file, c.lineText, c.line, c.column);
  return contents ? { contents } : null;
});

connection.onDefinition(({ textDocument, position }) => {
  const c = context(textDocument.uri, position);
  const o = c && occurrenceAt(c.unit, c.file, c.lineText, c.line, c.column);
  return o ? definition(ws, o) : null;
});

connection.onReferences(({ textDocument, position, context: ref }) => {
  const c = context(textDocument.uri, position);
  const o = c && occurrenceAt(c.unit, c.file, c.lineText, c.line, c.column);
  return o ? references(ws, o, ref.includeDeclaration) : [];
});

connection.onPrepareRename(({ textDocument, position }) => {
  const c = context(textDocument.uri, position);
  const o = c && occurrenceAt(c.unit, c.file, c.lineText, c.line, c.column);
  if (!o || o.kind === 'local-label' || o.location.file !== c.file || o.location.line !== c.line) return null;
  return { range: toRange({ ...o.location, endColumn: o.location.column + o.name.length }), placeholder: c.lineText.slice(o.location.column - 1, o.location.column - 1 + o.name.length) };
});

connection.onRenameRequest(({ textDocument, position, newName }) => {
  const c = context(textDocument.uri, position);
  const o = c && occurrenceAt(c.unit, c.file, c.lineText, c.line, c.column);
  if (!o) return null;
  const r = renameEdits(ws, o, newName);
  if (typeof r === 'string') throw new Error(r);
  return r;
});

connection.onDocumentSymbol(({ textDocument }) => {
  const file = uriToPath(textDocument.uri);
  const unit = unitFor(file);
  const doc = documents.get(textDocument.uri);
  return unit ? documentSymbols(unit.analysis, file, doc?.lineCount ?? (ws.fs.readFile(file) ?? '').split('\n').length) : [];
});

connection.onWorkspaceSymbol(({ query }) => {
  for (const main of [...pending.keys()]) runNow(main);
  return workspaceSymbols(ws, query);
});

connection.onCompletion(({ textDocument, position }) => {
  const c = context(textDocument.uri, position);
  return c ? complete(c.unit.analysis, c.lineText, c.column, readLine) : [];
});

connection.onSignatureHelp(({ textDocument, position }) => {
  const c = context(textDocument.uri, position);
  return (c && signatureHelp(c.unit.analysis, c.lineText, c.column)) ?? null;
});

connection.languages.semanticTokens.on(({ textDocument }) => {
  const file = uriToPath(textDocument.uri);
  const unit = unitFor(file);
  const text = documents.get(textDocument.uri)?.getText() ?? ws.fs.readFile(file) ?? '';
  return unit ? semanticTokens(unit.analysis, unit.occurrences, file, text.split('\n'), (name) => ws.globalSymbol(name)) : { data: [] };
});

connection.onFoldingRanges(({ textDocument }) => {
  const text = documents.get(textDocument.uri)?.getText() ?? ws.fs.readFile(uriToPath(textDocument.uri)) ?? '';
  return foldingRanges(text);
});

connection.onRequest(EXPANDED_SOURCE_REQUEST, (params: ExpandedSourceParams): ExpandedSourceResult | null => {
  const file = uriToPath(params.textDocument.uri);
  const unit = unitFor(file);
  if (!unit) return null;
  if (params.position) {
    const { line, column } = fromPosition(params.position);
    const call = callAt(unit.analysis, file, line, column);
    if (call) return { macro: call.name, text: expansionOfCall(unit.analysis, call).join('\n') + '\n' };
  }
  return { text: expandedFile(unit.analysis, file) };
});

documents.listen(connection);
connection.listen();
