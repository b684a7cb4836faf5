/** The `x64emu` command line. */
import { asmCommand } from './asm.js';
import { runCommand } from './run.js';

const USAGE = `usage: x64emu asm FILE.S... [-I DIR]... [-D NAME[=VALUE]]... [-U NAME]... [-T SCRIPT.lds] -o OUT [--listing]
       x64emu run PROGRAM [--mode user|system] [--cpus N] [--memory MiB] [--max-instructions N]
                    [--trace] [--stats] [--journal] [--break SYMBOL|ADDR]... [-- ARGS...]

  asm     assemble GNU-as sources (.S through the C preprocessor) and link them into an ELF
          executable; errors as file:line:col: error: message
  run     PROGRAM is an ELF file or a .S/.s source (assembled in memory first)
          user mode (default): run a static x86-64 Linux executable (built with as/ld) as a
          Linux process; its output goes to stdout/stderr and its exit status is returned
          system mode: boot an ELF kernel on N CPUs (boot protocol in the README); COM1 output
          goes to stdout, a write of v to port 0xf4 ends the run with status v
  --trace one line per instruction on stderr: address, symbol, AT&T text, changed registers/flags
  --stats instructions retired and speed (MIPS) on stderr
  --journal keep the reverse-execution journal while running (to measure its cost)`;

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === 'run') {
    const opts = {
      mode: 'user' as 'user' | 'system',
      cpus: 1,
      program: '',
      args: [] as string[],
      maxInstructions: Number.MAX_SAFE_INTEGER,
      trace: false,
      stats: false,
      breakAt: [] as string[],
      memoryMiB: 256,
      journal: false,
    };
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const value = () => {
        if (i + 1 >= rest.length) throw new Error(`${a} needs a value`);
        return rest[++i];
      };
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
      else if (!opts.program) opts.program = a;
      else opts.args.push(a);
    }
    if (!opts.program) throw new Error('run needs a PROGRAM');
    return runCommand(opts);
  }
  if (command === 'asm') {
    const opts = { files: [] as string[], includePaths: [] as string[], defines: [] as Array<[string, string]>, undefines: [] as string[], linkerScript: undefined as string | undefined, output: undefined as string | undefined, listing: false };
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const value = (flag: string) => {
        if (a.length > flag.length) return a.slice(flag.length);
        if (i + 1 >= rest.length) throw new Error(`${flag} needs a value`);
        return rest[++i];
      };
      if (a.startsWith('-I')) opts.includePaths.push(value('-I'));
      else if (a.startsWith('-D')) {
        const d = value('-D');
        const eq = d.indexOf('=');
        opts.defines.push(eq < 0 ? [d, '1'] : [d.slice(0, eq), d.slice(eq + 1)]);
      } else if (a.startsWith('-U')) opts.undefines.push(value('-U'));
      else if (a.startsWith('-T')) opts.linkerScript = value('-T');
      else if (a === '-o') opts.output = value('-o');
      else if (a === '--listing') opts.listing = true;
      else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
      else opts.files.push(a);
    }
    return asmCommand(opts);
  }
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
