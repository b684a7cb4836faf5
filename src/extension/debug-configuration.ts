/**
 * Launch configurations for the `x64emu` debug type. F5 with no launch.json debugs the active
 * `.S` file: as a Linux user program, or — when its folder has a linker script, as the
 * kernel-entry sample does — as a kernel in system mode built from every `.S` file there, with
 * the folder's `include/` and that linker script.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';

export const DEBUG_TYPE = 'x64emu';
const SOURCE = /\.(S|s)$/;

/** A configuration for the assembly file at `file`, from what lies beside it. */
export function configurationForFile(file: string): vscode.DebugConfiguration {
  const dir = dirname(file);
  const linkerScript = readdirSync(dir).filter((f) => f.endsWith('.lds')).sort()[0];
  if (linkerScript) {
    // head*.S first, as the kernel's Makefiles link head_64.o first.
    const sources = readdirSync(dir)
      .filter((f) => SOURCE.test(f))
      .sort((a, b) => Number(b.startsWith('head')) - Number(a.startsWith('head')) || a.localeCompare(b));
    const include = join(dir, 'include');
    return {
      type: DEBUG_TYPE,
      request: 'launch',
      name: `Debug kernel in ${basename(dir)} (system mode)`,
      program: sources.map((f) => join(dir, f)),
      mode: 'system',
      cpus: 2,
      includePaths: existsSync(include) ? [include] : [],
      linkerScript: join(dir, linkerScript),
      // Every header, so that C types the assembly never includes (struct pt_regs) are known too.
      typeHeaders: existsSync(include) ? headersUnder(include) : [],
      cwd: dir,
      journal: true,
    };
  }
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug ${basename(file)} (user mode)`,
    program: file,
    mode: 'user',
    includePaths: [dir],
    cwd: dir,
    stopOnEntry: false,
  };
}

function headersUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? headersUnder(p) : name.endsWith('.h') ? [p] : [];
    });
}

function activeAssemblyFile(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file') return undefined;
  return doc.languageId === 'x64asm' || SOURCE.test(doc.fileName) ? doc.fileName : undefined;
}

export class X64DebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [
      { type: DEBUG_TYPE, request: 'launch', name: 'x64emu: debug the current .S file (user mode)', program: '${file}', mode: 'user', stopOnEntry: false },
    ];
  }

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const empty = !config.type && !config.request && !config.name;
    if (empty || !config.program) {
      const file = activeAssemblyFile();
      if (!file) {
        void vscode.window.showInformationMessage('x64emu: open a .S or .s file to debug it (or add an x64emu configuration to launch.json).');
        return undefined;
      }
      const derived = configurationForFile(file);
      return empty ? derived : { ...derived, ...config, program: derived.program };
    }
    return config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    // The adapter runs inside the extension host, whose working directory means nothing to
    // the user: relative paths are relative to the workspace folder (or the program's folder).
    if (!config.cwd) {
      const first = Array.isArray(config.program) ? config.program[0] : config.program;
      config.cwd = folder?.uri.fsPath ?? (typeof first === 'string' ? dirname(first) : undefined);
    }
    return config;
  }
}
