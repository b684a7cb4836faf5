// #if arithmetic (intmax_t / uintmax_t as GCC evaluates it), tested directly on the evaluator.
import { strict as assert } from 'node:assert';
import { evaluate, interpretChar, type ExprHost } from './expr.js';
import { lexAll } from './lexer.js';
import type { Token } from './tokens.js';

function ev(expr: string, defined: string[] = []): { value: boolean; diags: string[] } {
  const toks = lexAll(expr, 'x.S');
  let i = 0;
  const eof: Token = { kind: 'eof', text: '', flags: 0, pos: { file: 'x.S', line: 1, column: expr.length + 1 }, chain: [] };
  const diags: string[] = [];
  const host: ExprHost = {
    next: () => toks[i++] ?? eof,
    nextRaw: () => toks[i++] ?? eof,
    isDefined: (n) => defined.includes(n),
    testAssertion: () => ({ v: 0n, unsigned: false }),
    error: (m, t) => diags.push(`${t.pos.column}: error: ${m}`),
    warning: (m, t) => diags.push(`${t.pos.column}: warning: ${m}`),
    skipEval: 0,
  };
  return { value: evaluate(host, true), diags };
}

const t = (expr: string, defined?: string[]) => {
  const r = ev(expr, defined);
  assert.deepEqual(r.diags, [], `${expr}: ${r.diags.join('; ')}`);
  assert.equal(r.value, true, expr);
};

describe('preprocess #if expressions', () => {
  it('precedence and associativity', () => {
    t('1 + 2 * 3 == 7');
    t('(1 + 2) * 3 == 9');
    t('10 - 2 - 3 == 5');
    t('2 * 3 % 4 == 2');
    t('1 << 2 + 1 == 8');
    t('(1 | 2 ^ 3 & 4) == 3');
    t('1 == 1 == 1');
    t('2 > 1 > 0');
    t('(1 ? 0 : 1 ? 2 : 3) == 0');
    t('(0 ? 0 : 1 ? 2 : 3) == 2');
    t('(1, 2) == 2');
  });

  it('signed and unsigned 64-bit arithmetic with the usual conversions', () => {
    t('-1 < 0');
    t('-1 > 0u');
    t('-1 == 0xffffffffffffffff');
    t('0xffffffffffffffff > 0');
    t('0x7fffffffffffffff > 0 && 0x8000000000000000 > 0');
    t('-10 / 3 == -3 && -10 % 3 == -1 && 10 / -3 == -3');
    t('-10u / 3 == 6148914691236517202');
    t('(0 ? 1u : -1) > 0');
    t('~0 == -1 && ~0u == 18446744073709551615u');
    t('-(-1) == 1 && !0 == 1 && !7 == 0');
  });

  it('shifts: negative counts reverse, large counts saturate, right shifts are arithmetic for signed', () => {
    t('1 >> -1 == 2');
    t('4 << -1 == 2');
    t('-16 >> 2 == -4');
    t('-16 >> 100 == -1');
    t('16u >> 100 == 0');
    t('1u << 63 == 9223372036854775808u');
  });

  it('overflow warns but wraps', () => {
    assert.deepEqual(ev('9223372036854775807 + 1 < 0'), { value: true, diags: ['25: warning: integer overflow in preprocessor expression'] });
    assert.deepEqual(ev('-9223372036854775807 - 1 == -9223372036854775807 - 1').diags, []);
    assert.deepEqual(ev('(-9223372036854775807 - 1) / -1').diags, ['32: warning: integer overflow in preprocessor expression']);
    assert.equal(ev('1 << 63 < 0').value, true);
  });

  it('short-circuit and ?: suppress errors in the unevaluated operand', () => {
    t('0 && 1 / 0 || 1');
    t('1 || 1 / 0');
    t('1 ? 1 : 1 / 0');
    t('0 ? 1 / 0 : 1');
    assert.deepEqual(ev('1 && 1 / 0').diags, ['8: error: division by zero in #if']);
  });

  it('number forms and suffixes', () => {
    t('0x10 == 16 && 010 == 8 && 0b101 == 5 && 0X1F == 31 && 0 == 0');
    t('10L == 10 && 10UL == 10u && 10ll == 10LL && 10ULL == 10lu && 10llu == 10');
    assert.deepEqual(ev('10lL').diags, ['1: error: invalid suffix "lL" on integer constant']);
    assert.deepEqual(ev('10uu').diags, ['1: error: invalid suffix "uu" on integer constant']);
    assert.deepEqual(ev('08').diags, ['1: error: invalid digit "8" in octal constant']);
    assert.deepEqual(ev('0b12').diags, ['1: error: invalid digit "2" in binary constant']);
    assert.deepEqual(ev('1.5').diags, ['1: error: floating constant in preprocessor expression']);
    assert.deepEqual(ev('1e5').diags, ['1: error: floating constant in preprocessor expression']);
    assert.deepEqual(ev('5i').diags, ['1: error: imaginary number in preprocessor expression']);
    assert.deepEqual(ev('18446744073709551616').diags, ['1: warning: integer constant is too large for its type']);
  });

  it('character constants: escapes, signed char, multi-character ints', () => {
    t("'a' == 97 && '\\n' == 10 && '\\t' == 9 && '\\\\' == 92 && '\\'' == 39 && '\\0' == 0");
    t("'\\377' == -1 && '\\xff' == -1 && '\\x41' == 'A' && '\\101' == 65 && '\\e' == 27");
    t("L'a' == 97 && L'\\xff' == 255");
    assert.deepEqual(ev("'ab' == 24930"), { value: true, diags: ['1: warning: multi-character character constant'] });
    assert.deepEqual(ev("'abcde'").diags, ['1: warning: character constant too long for its type']);
    assert.deepEqual(ev("''").diags, ['1: error: empty character constant']);
    assert.deepEqual(ev("'\\q' == 'q'").diags, ["1: warning: unknown escape sequence: '\\q'"]);
  });

  it('interpretChar for UTF-8 source characters (bytes, signed)', () => {
    const [tok] = lexAll("'é'", 'x.S');
    const diags: string[] = [];
    const n = interpretChar(tok, { error: (m) => diags.push(m), warning: (m) => diags.push(m) });
    assert.equal(BigInt.asIntN(64, n.v), BigInt.asIntN(32, 0xc3a9n) /* (0xc3 << 8 | 0xa9) as int */);
    assert.deepEqual(diags, ['multi-character character constant']);
  });

  it('defined X, defined(X); unknown identifiers are 0', () => {
    t('defined X && defined(X) && !defined(Y)', ['X']);
    t('UNKNOWN == 0 && !UNKNOWN');
    assert.deepEqual(ev('defined').diags, ['8: error: operator "defined" requires an identifier']);
    assert.deepEqual(ev('defined(X').diags, ['10: error: missing \')\' after "defined"']);
  });

  it('syntax errors make the condition false', () => {
    assert.deepEqual(ev('1 +'), { value: false, diags: ["4: error: operator '+' has no right operand"] });
    assert.deepEqual(ev(''), { value: false, diags: ['1: error: #if with no expression'] });
    assert.deepEqual(ev('(1'), { value: false, diags: ["1: error: missing ')' in expression"] });
    assert.deepEqual(ev('1)'), { value: false, diags: ["2: error: missing '(' in expression"] });
    assert.deepEqual(ev('1 2'), { value: false, diags: ['3: error: missing binary operator before token "2"'] });
    assert.deepEqual(ev('f(1)'), { value: false, diags: ['2: error: missing binary operator before token "("'] });
    assert.deepEqual(ev('* 1'), { value: false, diags: ["1: error: operator '*' has no left operand"] });
    assert.deepEqual(ev('()'), { value: false, diags: ["2: error: missing expression between '(' and ')'"] });
    assert.deepEqual(ev('1 ? 2'), { value: false, diags: ["6: error: '?' without following ':'"] });
    assert.deepEqual(ev('1 : 2'), { value: false, diags: ["3: error:  ':' without preceding '?'"] });
    assert.deepEqual(ev('1 = 1'), { value: false, diags: ['3: error: token "=" is not valid in preprocessor expressions'] });
    assert.deepEqual(ev('"s"'), { value: false, diags: ['1: error: token ""s"" is not valid in preprocessor expressions'] });
    assert.deepEqual(ev('a.b'), { value: false, diags: ['2: error: token "." is not valid in preprocessor expressions'] });
  });
});
