// Differential test runner (see README.md).
//   node --import tsx test/differential/run.ts [--long] [--family NAME]... [--emulator 'CMD ...']
//        [--seed S] [--jobs N] [--chunk N] [--scale X] [--detail N] [--quiet]
//   node --import tsx test/differential/run.ts --self-check [--family NAME]...   native vs native and vs qemu-x86_64
//   node --import tsx test/differential/run.ts --check-flags                    flag table vs iced-x86
//   node --import tsx test/differential/run.ts --list                           families
import { FAMILIES } from './families/index.js';
import { DEFAULT_EMULATOR, runDifferential, type Options } from './harness.js';
import { haveTool } from './build.js';
import { checkFlagTable } from './check-flags.js';

function usage(): never {
  console.error(`usage: run.ts [--long] [--family NAME]... [--emulator 'CMD ...'] [--seed S] [--jobs N] [--chunk N]
              [--scale X] [--detail N] [--quiet] | --self-check | --check-flags | --list
  default emulator: '${DEFAULT_EMULATOR}'. An emulator command may contain {prog} and {args}
  placeholders; otherwise the program path (and the start case as argv[1]) are appended.`);
  process.exit(2);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const opts: Options = { families: [], progress: true };
  let mode: 'run' | 'self-check' | 'check-flags' | 'list' = 'run';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage();
      return v;
    };
    switch (a) {
      case '--long': opts.long = true; break;
      case '--family': opts.families!.push(...value().split(',')); break;
      case '--emulator': opts.emulator = value(); break;
      case '--seed': opts.seed = value(); break;
      case '--jobs': opts.jobs = Number(value()); break;
      case '--chunk': opts.chunk = Number(value()); break;
      case '--scale': opts.scale = Number(value()); break;
      case '--detail': opts.detail = Number(value()); break;
      case '--quiet': opts.progress = false; break;
      case '--self-check': mode = 'self-check'; break;
      case '--check-flags': mode = 'check-flags'; break;
      case '--list': mode = 'list'; break;
      case '-h': case '--help': usage();
      default: console.error(`unknown argument ${a}`); usage();
    }
  }
  if (mode === 'list') {
    for (const f of FAMILIES) console.log(`${f.name.padEnd(10)} ${String(f.count).padStart(5)}  ${f.description}`);
    console.log(`total ${FAMILIES.reduce((s, f) => s + f.count, 0)} cases by default`);
    return 0;
  }
  if (mode === 'check-flags') {
    const r = await checkFlagTable({ log: (l) => console.log(l) });
    return r.disagreements ? 1 : 0;
  }
  if (mode === 'self-check') {
    // The harness against itself (native vs native: catches nondeterministic or uninitialised state,
    // since undefined flags are compared here too only if they are stable) and against qemu-x86_64.
    console.log('self-check 1/2: native vs native');
    const a = await runDifferential({ ...opts, emulator: '{prog} {args}' });
    const bad = a.mismatches;
    if (haveTool('qemu-x86_64')) {
      console.log('\nself-check 2/2: native vs qemu-x86_64');
      const b = await runDifferential({ ...opts, emulator: 'qemu-x86_64' });
      console.log(`(qemu-x86_64: ${b.mismatches} mismatches; qemu's own deviations from the CPU are expected to show here)`);
    } else {
      console.log('qemu-x86_64 not installed (apt-get install qemu-user): skipped part 2');
    }
    return bad ? 1 : 0;
  }
  const r = await runDifferential(opts);
  return r.mismatches ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
