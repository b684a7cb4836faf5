// The TextMate grammar (syntaxes/x64asm.tmLanguage.json) tokenized with vscode-textmate and
// vscode-oniguruma, as VS Code does: golden token listings for sample files, plus the scopes a
// reader relies on. Re-baseline the listings with X64EMU_REBASELINE=1 (and review the diff).
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { ROOT } from './lsp-client.js';

const require = createRequire(import.meta.url);
const GRAMMAR = join(ROOT, 'syntaxes/x64asm.tmLanguage.json');
const GOLDEN = join(ROOT, 'test/language/grammar');
const REBASELINE = process.env.X64EMU_REBASELINE === '1';

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (scope === 'source.x64asm' ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const g = await registry.loadGrammar('source.x64asm');
  if (!g) throw new Error('grammar did not load');
  return g;
}

interface Tok {
  text: string;
  scopes: string[];
}

function tokenize(g: vsctm.IGrammar, text: string): Tok[][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = g.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
  });
}

/** One line per token: `text` then its scopes (the root scope left out). */
function listing(lines: Tok[][]): string {
  return lines
    .map((toks, i) => toks.filter((t) => t.text.trim() !== '' || t.scopes.length).map((t) => `${i + 1}: ${JSON.stringify(t.text)} ${t.scopes.join(' ') || '-'}`).join('\n'))
    .filter(Boolean)
    .join('\n') + '\n';
}

describe('TextMate grammar', () => {
  let grammar: vsctm.IGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  const scopesOf = (line: string, text: string): string[] => {
    const toks = tokenize(grammar, line)[0];
    const t = toks.find((x) => x.text === text);
    assert.ok(t, `token ${JSON.stringify(text)} not found in ${JSON.stringify(toks)}`);
    return t.scopes;
  };
  const has = (scopes: string[], scope: string) => assert.ok(scopes.some((s) => s.startsWith(scope)), `${scope} not in ${scopes.join(' ')}`);

  for (const name of readdirSync(GOLDEN).filter((f) => /\.(S|s)$/.test(f))) {
    it(`tokenizes ${name} as recorded in ${name}.tokens`, () => {
      const actual = listing(tokenize(grammar, readFileSync(join(GOLDEN, name), 'utf8')));
      const file = join(GOLDEN, `${name}.tokens`);
      if (REBASELINE || !existsSync(file)) {
        if (!REBASELINE) assert.fail(`${file} is missing: run with X64EMU_REBASELINE=1 to record it`);
        writeFileSync(file, actual);
        return;
      }
      assert.equal(actual, readFileSync(file, 'utf8'));
    });
  }

  it('tells registers apart by kind: control, debug, segment, general', () => {
    has(scopesOf('\tmovq %cr3, %rax', '%cr3'), 'variable.language.register.control');
    has(scopesOf('\tmovq %dr7, %rax', '%dr7'), 'variable.language.register.debug');
    has(scopesOf('\tmovw %ax, %gs', '%gs'), 'variable.language.register.segment');
    has(scopesOf('\tmovl %r10d, %eax', '%r10d'), 'variable.language.register.general');
  });

  it('scopes mnemonics with their size suffix and prefixes', () => {
    has(scopesOf('\tlock cmpxchgq %rdx, (%rdi)', 'cmpxchg'), 'keyword.other.instruction');
    has(scopesOf('\tlock cmpxchgq %rdx, (%rdi)', 'q'), 'keyword.other.instruction.size-suffix');
    has(scopesOf('\tlock cmpxchgq %rdx, (%rdi)', 'lock '), 'storage.modifier.prefix');
  });

  it('does not take the symbol after a segment override for a mnemonic', () => {
    const s = scopesOf('\tmovq %rsp, %gs:cpu_tss_rw + 0x14', 'cpu_tss_rw');
    has(s, 'variable.other.symbol');
    assert.ok(!s.some((x) => x.startsWith('keyword.other.instruction')));
  });

  it('knows macro definitions, parameters and \\param references', () => {
    has(scopesOf('.macro SWITCH_CR3 scratch_reg:req', 'SWITCH_CR3'), 'entity.name.function.macro');
    has(scopesOf('.macro SWITCH_CR3 scratch_reg:req', 'scratch_reg'), 'variable.parameter.macro');
    has(scopesOf('.macro SWITCH_CR3 scratch_reg:req', 'req'), 'storage.modifier.parameter');
    has(scopesOf('\tmovq %cr3, \\scratch_reg', '\\scratch_reg'), 'variable.parameter.macro.reference');
  });

  it('separates the preprocessor from # comments', () => {
    has(scopesOf('#define TSS_sp2 0x14', 'TSS_sp2'), 'entity.name.function.preprocessor');
    has(scopesOf('#ifdef CONFIG_X86_64', 'ifdef'), 'keyword.control.directive.conditional');
    has(scopesOf('\tbtsq $63, %rax # no flush', '# no flush'), 'comment.line.number-sign');
  });

  it('marks numeric local labels and their f/b references', () => {
    has(scopesOf('1:\thlt', '1'), 'entity.name.label.local');
    has(scopesOf('\tjmp 1b', '1b'), 'entity.name.label.local.reference');
    has(scopesOf('_start:\tmovl $1, %eax', 'movl'.slice(0, 3)), 'keyword.other.instruction');
  });
});
