/**
 * Include paths and defines for assembling a unit: the `x64emu.includePaths` / `x64emu.defines`
 * settings, else the same fields of an `x64emu` configuration in `.vscode/launch.json` (so the
 * editor assembles what the debugger will), settings winning field by field.
 */
import { isAbsolute, join } from 'node:path';
import type { UnitOptions } from './analysis.js';

export interface RawBuildSettings {
  includePaths?: unknown;
  defines?: unknown;
}

/** `{"NAME": "VALUE"}` or `["NAME=VALUE", "NAME"]` → ordered pairs (a bare name means 1, as -D). */
export function parseDefines(value: unknown): Array<[string, string]> | undefined {
  if (Array.isArray(value)) {
    return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => {
      const eq = v.indexOf('=');
      return eq < 0 ? [v.trim(), '1'] : [v.slice(0, eq).trim(), v.slice(eq + 1)];
    });
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, v === true || v === null || v === undefined ? '1' : String(v)]);
  }
  return undefined;
}

export function parseIncludePaths(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** JSON with comments and trailing commas (what VS Code accepts in launch.json) → JSON. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** The build fields of the first `x64emu` launch configuration that has any. */
export function launchBuildSettings(launchJson: string): RawBuildSettings | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(launchJson));
  } catch {
    return undefined;
  }
  const configs = (parsed as { configurations?: unknown })?.configurations;
  if (!Array.isArray(configs)) return undefined;
  for (const c of configs) {
    if (c && typeof c === 'object' && (c as { type?: unknown }).type === 'x64emu') {
      const { includePaths, defines } = c as RawBuildSettings;
      if (includePaths !== undefined || defines !== undefined) return { includePaths, defines };
    }
  }
  return undefined;
}

/** Settings win over launch.json field by field; relative paths are relative to the folder. */
export function unitOptions(folder: string | undefined, settings: RawBuildSettings | undefined, launch: RawBuildSettings | undefined): UnitOptions {
  const paths = parseIncludePaths(settings?.includePaths) ?? parseIncludePaths(launch?.includePaths) ?? [];
  const defines = parseDefines(settings?.defines) ?? parseDefines(launch?.defines) ?? [];
  const absolute = (p: string) => {
    const q = folder ? p.replace(/\$\{workspaceFolder\}/g, folder) : p;
    return isAbsolute(q) || !folder ? q : join(folder, q);
  };
  return { includePaths: paths.map(absolute), defines };
}
