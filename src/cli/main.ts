/** The `x64emu` command line. */
import { runCommand } from './run.js';

const USAGE = `usage: x64emu run PROGRAM [--mode user|system] [--cpus N] [--memory MiB] [--max-instructions N]
                    [--trace] [--stats] [--journal] [--break SYMBOL|ADDR]... [-- ARGS...]

  run     user mode (default): run a static x86-64 Linux executable (built with as/ld) as a
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
