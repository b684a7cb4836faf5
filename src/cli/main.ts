/** The `x64emu` command line. */
import { asmCommand } from './asm.js';
import { runCommand } from './run.js';
import { runDebugAdapter } from '../debugger/main.js';

const USAGE = `usage: x64emu asm FILE.S... [-I DIR]... [-D NAME[=VALUE]]... [-U NAME]... [-T SCRIPT.lds] -o OUT [--listing]
       x64emu run PROGRAM [--mode user|system] [--cpus N] [--memory MiB] [--max-instructions N]
                    [--trace] [--stats] [--journal] [--break SYMBOL|ADDR]... [-- ARGS...]
       x64emu run FILE.S... [-I DIR]... [-D NAME[=VALUE]]... [-U NAME]... [-T SCRIPT.lds] [options as above] [-- ARGS...]
       x64emu dap [--server=PORT]

  asm     assemble GNU-as sources (.S through the C preprocessor) and link them into an ELF
          executable; errors as file:line:col: error: message
  run     PROGRAM is an ELF file or .S/.s sources, assembled and linked in memory first (with
          -I/-D/-U/-T as for asm; errors as file:line:col: error: message, exit status 1)
          user mode (default): run a static x86-64 Linux executable (built with as/ld) as a
          Linux process; its output goes to stdout/stderr and its exit status is returned;
          program arguments follow \`--\` (with a single PROGRAM they may also follow it directly)
          system mode: boot an ELF kernel on N CPUs (boot protocol in the README); COM1 output
          goes to stdout, a write of v to port 0xf4 ends the run with status v
  dap     the debug adapter (Debug Adapter Protocol, debug type x64emu) over stdio, or over TCP on
          127.0.0.1:PORT with --server=PORT, for editors other than VS Code
  --trace one line per instruction on stderr: address, symbol, AT&T text, changed registers/flags
  --stats instructions retired and speed (MIPS) on stderr
  --journal keep the reverse-execution journal while running (to measure its cost)
  example: x64emu run --mode system --cpus 2 -I samples/kernel-entry/include -T samples/kernel-entry/kernel.lds \\
             samples/kernel-entry/head_64.S samples/kernel-entry/entry_64.S samples/kernel-entry/core.S samples/kernel-entry/user.S`;

/** What `asm` and `run` pass to the assembler: -I DIR, -D NAME[=VALUE], -U NAME, -T SCRIPT (value attached or separate). */
interface BuildFlags {
  includePaths: string[];
  defines: Array<[string, string]>;
  undefines: string[];
  linkerScript: string | undefined;
}

const newBuildFlags = (): BuildFlags => ({ includePaths: [], defines: [], undefines: [], linkerScript: undefined });

/** Consumes args[i] (and its value) if it is an assembler flag; returns the next index, or i if it is not one. */
function parseBuildFlag(args: string[], i: number, into: BuildFlags): number {
  const a = args[i];
  const flag = ['-I', '-D', '-U', '-T'].find((f) => a.startsWith(f));
  if (flag === undefined) return i;
  let value: string;
  let next = i + 1;
  if (a.length > flag.length) value = a.slice(flag.length);
  else {
    if (i + 1 >= args.length) throw new Error(`${flag} needs a value`);
    value = args[i + 1];
    next = i + 2;
  }
  if (flag === '-I') into.includePaths.push(value);
  else if (flag === '-D') {
    const eq = value.indexOf('=');
    into.defines.push(eq < 0 ? [value, '1'] : [value.slice(0, eq), value.slice(eq + 1)]);
  } else if (flag === '-U') into.undefines.push(value);
  else into.linkerScript = value;
  return next;
}

const isAssemblySource = (path: string) => /\.[sS]$/.test(path);

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === 'run') {
    const opts = {
      mode: 'user' as 'user' | 'system',
      cpus: 1,
      program: '',
      sources: [] as string[],
      args: [] as string[],
      maxInstructions: Number.MAX_SAFE_INTEGER,
      trace: false,
      stats: false,
      breakAt: [] as string[],
      memoryMiB: 256,
      journal: false,
      build: newBuildFlags(),
    };
    const positional: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const value = () => {
        if (i + 1 >= rest.length) throw new Error(`${a} needs a value`);
        return rest[++i];
      };
      const afterBuildFlag = parseBuildFlag(rest, i, opts.build);
      if (afterBuildFlag !== i) {
        i = afterBuildFlag - 1;
        continue;
      }
      if (a === '--') {
        opts.args.push(...rest.slice(i + 1));
        break;
      } else if (a === '--max-instructions') {
        opts.maxInstructions = Number(value());
        if (!Number.isSafeInteger(opts.maxInstructions) || opts.maxInstructions < 0) throw new Error('--max-instructions needs a non-negative integer');
      } else if (a === '--trace') opts.trace = true;
      else if (a === '--stats') opts.stats = true;
      else if (a === '--journal') opts.journal = true;
      else if (a === '--break') opts.breakAt.push(value());
      else if (a === '--memory') opts.memoryMiB = Number(value());
      else if (a === '--cpus') opts.cpus = Number(value());
      else if (a === '--mode') {
        const m = value();
        if (m !== 'user' && m !== 'system') throw new Error(`--mode ${m}: expected user or system`);
        opts.mode = m;
      }
      else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
      else positional.push(a);
    }
    if (positional.length === 0) throw new Error('run needs a PROGRAM');
    opts.program = positional[0];
    if (isAssemblySource(opts.program)) {
      // The leading .S/.s files are the program's sources. With one source, further words are
      // its arguments (as before multi-file builds); with several, arguments need `--`.
      let n = 1;
      while (n < positional.length && isAssemblySource(positional[n])) n++;
      opts.sources = positional.slice(0, n);
      const extra = positional.slice(n);
      if (extra.length > 0 && opts.sources.length > 1) {
        throw new Error(`'${extra[0]}' is not a .S/.s source: put program arguments after --`);
      }
      opts.args.unshift(...extra);
    } else {
      const b = opts.build;
      if (b.includePaths.length || b.defines.length || b.undefines.length || b.linkerScript !== undefined) {
        throw new Error(`-I/-D/-U/-T apply to .S/.s sources; ${opts.program} is not one`);
      }
      opts.args.unshift(...positional.slice(1));
    }
    return runCommand(opts);
  }
  if (command === 'asm') {
    const build = newBuildFlags();
    const opts = { files: [] as string[], output: undefined as string | undefined, listing: false };
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const afterBuildFlag = parseBuildFlag(rest, i, build);
      if (afterBuildFlag !== i) {
        i = afterBuildFlag - 1;
        continue;
      }
      if (a === '-o') {
        if (i + 1 >= rest.length) throw new Error('-o needs a value');
        opts.output = rest[++i];
      } else if (a === '--listing') opts.listing = true;
      else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
      else opts.files.push(a);
    }
    return asmCommand({ ...opts, ...build });
  }
  if (command === 'dap') return runDebugAdapter(rest);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  throw new Error(`unknown command '${command}'`);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`x64emu: ${(e as Error).message}\n${USAGE}\n`);
  process.exitCode = 2;
}
