// Random macro-heavy sources for the differential test against GCC (deterministic per seed).
// They are nonsense on purpose: definitions and invocations built from a small alphabet of
// names, parameters, operators (# ## , ( )), quotes, comments, line breaks inside arguments and
// non-directive '#' lines, so that the expansion rules meet each other in odd combinations.

export function randomSource(seed: number): string {
  let state = seed >>> 0 || 1;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)];
  const names = ['A', 'B', 'F', 'G', 'H', 'x', 'y', 'CAT', 'S', 'V', 'E'];
  const ATOMS = [
    '__VA_OPT__(', '__VA_OPT__(x)', ', ##', '# a', '#a', 'a ## b', 'b##', '\n', '\n# c\n', '/* c\n */', '"', "'",
    'x', 'y', '1', '0x10', '%rax', '$', '(', ')', ',', '#', '##', '+', '-', '.', ':', ';', "'a'", '"s"',
    'A', 'B', 'F', 'G', 'H', 'CAT', 'S', 'V', 'E', '__LINE__', '__VA_ARGS__', ' ', '  ', '/**/', 'a', 'L', '.L1', '1b', '\\', '@',
  ];
  const body = (n: number, params: string[]) => {
    let s = '';
    for (let i = 0; i < n; i++) s += (rnd(3) ? ' ' : '') + (rnd(4) === 0 && params.length ? pick(params) : pick(ATOMS));
    return s;
  };
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) {
    const n = pick(names);
    if (rnd(2)) lines.push(`#define ${n} ${body(rnd(5), [])}`);
    else {
      const ps = pick([['a'], ['a', 'b'], ['a', '...'], ['...'], [], ['a', 'b', 'c']]);
      const pn = ps.map((p) => (p === '...' ? '__VA_ARGS__' : p));
      lines.push(`#define ${n}(${ps.join(', ')}) ${body(1 + rnd(6), pn)}`.replace(/##\s*$/, '').replace(/^(#define \w+\([^)]*\))\s*##/, '$1'));
    }
  }
  for (let i = 0; i < 8; i++) {
    let s = '';
    for (let j = 0; j < 3 + rnd(10); j++) {
      const r = rnd(6);
      if (r === 0) s += ` ${pick(names)}(${body(rnd(3), [])}, ${body(rnd(3), [])}${rnd(3) === 0 ? '\n' : ''})`;
      else if (r === 1) s += ` ${pick(names)}(${body(rnd(4), [])})`;
      else s += ' ' + pick(ATOMS);
    }
    if (rnd(8) === 0) s += '\n';
    lines.push(s);
    if (rnd(5) === 0) {
      const cond = pick(['1', '0', 'defined A', 'A + 1', 'F(1)', '1 ? 2 : 3', "'a' == 97", 'x']);
      lines.push(`#if ${cond}\nin_if ${body(2, [])}\n#else\nin_else\n#endif`);
    }
  }
  return lines.join('\n') + '\n';
}
