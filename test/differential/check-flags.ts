// Cross-check of flags-table.json against iced-x86's `rflagsUndefined`.
// Every single-instruction case of the default set is assembled and decoded with iced; for
// instructions whose undefined flags do not depend on a count, our mask must equal iced's. For the
// count-dependent rules (shifts, rotates, shld/shrd) the SDM rule is authoritative: differences
// are only listed (iced treats a %cl count as "anything may be undefined").
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder, DecoderOptions, RflagsBits } from 'iced-x86';
import { run } from './build.js';
import { FLAGS_TABLE, undefinedFlags } from './flags.js';
import { AF, CF, DF, FLAG_NAMES, OF, PF, SF, ZF } from './layout.js';
import { generatePrograms } from './harness.js';

const ICED_TO_RFLAGS: [number, number][] = [
  [RflagsBits.OF, OF], [RflagsBits.SF, SF], [RflagsBits.ZF, ZF], [RflagsBits.AF, AF],
  [RflagsBits.CF, CF], [RflagsBits.PF, PF], [RflagsBits.DF, DF],
];

function fromIced(bits: number): number {
  return ICED_TO_RFLAGS.reduce((acc, [i, r]) => (bits & i ? acc | r : acc), 0);
}

function names(bits: number): string {
  return FLAG_NAMES.filter(([b]) => bits & b).map(([, n]) => n).join(' ') || '-';
}

export interface FlagCheckResult { checked: number; disagreements: number; notes: number }

export async function checkFlagTable(opts: { log?: (l: string) => void } = {}): Promise<FlagCheckResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const cases = generatePrograms({}).flatMap((p) => p.cases()).filter((c) => c.insn !== undefined);
  const dir = mkdtempSync(join(tmpdir(), 'x64emu-flags-'));
  try {
    const src = join(dir, 'x.s');
    writeFileSync(src, '\t.text\n' + cases.map((c) => '\t' + c.insn).join('\n') + '\n');
    const a = await run('as', ['--64', '-o', join(dir, 'x.o'), src]);
    if (a.code !== 0) throw new Error(`as failed: ${a.stderr.slice(0, 2000)}`);
    const o = await run('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'x.o'), join(dir, 'x.bin')]);
    if (o.code !== 0) throw new Error(`objcopy failed: ${o.stderr}`);
    const bytes = new Uint8Array(readFileSync(join(dir, 'x.bin')));
    const decoder = new Decoder(64, bytes, DecoderOptions.None);
    const groups = new Map<string, { count: number; example: string; ours: number; iced: number; rule: boolean; counts: Set<number> }>();
    let checked = 0;
    for (const c of cases) {
      const insn = decoder.decode();
      const iced = fromIced(insn.rflagsUndefined);
      insn.free();
      const key = c.flagKey;
      const ours = key ? undefinedFlags(key.mnemonic, key.width, key.count).flags : 0;
      checked++;
      if (ours === iced) continue;
      const rule = !!(key && FLAGS_TABLE[key.mnemonic]?.rule);
      const form = c.insn!.includes('%cl,') ? 'cl' : /\$\d+,/.test(c.insn!) ? 'imm' : 'other';
      const g = `${key?.mnemonic ?? c.insn!.split(' ')[0]} w${key?.width ?? '?'} ${form}${rule ? '' : ` count=${key?.count ?? '-'}`} ours=[${names(ours)}] iced=[${names(iced)}]`;
      const e = groups.get(g) ?? { count: 0, example: c.insn!, ours, iced, rule, counts: new Set<number>() };
      e.count++;
      if (key?.count !== undefined) e.counts.add(key.count);
      groups.set(g, e);
    }
    decoder.free();
    let disagreements = 0;
    let notes = 0;
    const lines = [...groups.entries()].sort();
    for (const [g, e] of lines) {
      if (e.rule) {
        notes += e.count;
      } else {
        disagreements += e.count;
        log(`DISAGREE ${g}: ${e.count}x, e.g. ${e.example}`);
      }
    }
    const ruleGroups = lines.filter(([, e]) => e.rule);
    if (ruleGroups.length) {
      log(`count-dependent (SDM rule kept; iced is conservative or count-blind) - ${ruleGroups.length} kinds:`);
      for (const [g, e] of ruleGroups) {
        const counts = [...e.counts].sort((x, y) => x - y);
        log(`  ${g}: ${e.count}x, counts ${counts.slice(0, 12).join(',')}${counts.length > 12 ? ',...' : ''}`);
      }
    }
    log(`flag table check: ${checked} instructions, ${disagreements} disagreements with iced-x86, ${notes} count-dependent differences (SDM rule)`);
    return { checked, disagreements, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
