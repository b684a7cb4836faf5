/** `x64emu asm`: assemble and link GNU-as sources into an ELF executable. */
import { writeFileSync } from 'node:fs';
import { BuildOptions, buildProgram } from '../core/asm/build.js';
import { formatDiagnostic } from '../core/asm/types.js';
import { parseElf, PT_LOAD } from '../core/loader/elf.js';
import { nodeFileSystem } from './node-fs.js';

export interface AsmCommandOptions {
  files: string[];
  includePaths: string[];
  defines: Array<[string, string]>;
  undefines: string[];
  linkerScript?: string;
  output?: string;
  listing: boolean;
}

/** Builds in memory; prints diagnostics GCC-style. Returns the ELF, or undefined on errors. */
export function assembleForRun(opts: Omit<BuildOptions, 'fs'>): Uint8Array | undefined {
  const result = buildProgram({ ...opts, fs: nodeFileSystem });
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  return result.elf;
}

export function asmCommand(opts: AsmCommandOptions): number {
  if (opts.files.length === 0) throw new Error('asm needs at least one source file');
  if (!opts.output) throw new Error('asm needs -o OUT');
  const result = buildProgram({
    files: opts.files,
    fs: nodeFileSystem,
    includePaths: opts.includePaths,
    defines: opts.defines,
    undefines: opts.undefines,
    linkerScript: opts.linkerScript,
  });
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  if (!result.elf) return 1;
  writeFileSync(opts.output, result.elf, { mode: 0o755 });
  if (opts.listing) process.stdout.write(listing(result.elf, result.lineMap));
  return 0;
}

/** Address, bytes and source line for every emitted instruction and data item. */
function listing(elf: Uint8Array, lines: ReturnType<typeof buildProgram>['lineMap']): string {
  const image = parseElf(elf);
  const bytesAt = (address: bigint, length: number): Uint8Array => {
    const a = Number(address);
    for (const ph of image.programHeaders) {
      if (ph.type === PT_LOAD && a >= ph.vaddr && a + length <= ph.vaddr + ph.filesz) {
        return elf.subarray(ph.offset + a - ph.vaddr, ph.offset + a - ph.vaddr + length);
      }
    }
    return new Uint8Array(0);
  };
  const sources = new Map<string, string[]>();
  const text = (file: string, line: number) => {
    if (!sources.has(file)) sources.set(file, (nodeFileSystem.readFile(file) ?? '').split('\n'));
    return sources.get(file)![line - 1] ?? '';
  };
  return lines
    .map((l) => {
      const hex = Array.from(bytesAt(l.address, Math.min(l.length, 10)), (b) => b.toString(16).padStart(2, '0')).join(' ');
      const via = l.chain.length ? `  [${l.chain.map((f) => `${f.kind} ${f.name}`).join(' < ')}]` : '';
      return `${l.address.toString(16).padStart(16, '0')}  ${hex.padEnd(30)} ${l.location.file}:${l.location.line}: ${text(l.location.file, l.location.line).trim()}${via}`;
    })
    .join('\n') + '\n';
}
