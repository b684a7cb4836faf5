// Seeded random multi-module assembly programs for differential testing against GNU ld:
// random section mixes (standard, .text.*/.rodata.* subsections, merge sections, RELRO
// sections, orphans of every kind, .eh_frame from CFI directives), sizes across page
// boundaries, alignments up to a page, and cross-module references of the common relocations.

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

interface SectionKind {
  directive: string;
  kind: 'code' | 'data' | 'bss' | 'str' | 'cst';
}

const KINDS: SectionKind[] = [
  { directive: '.text', kind: 'code' },
  { directive: '.section .text.hot,"ax",@progbits', kind: 'code' },
  { directive: '.section .text.unlikely,"ax",@progbits', kind: 'code' },
  { directive: '.section .fast,"ax",@progbits', kind: 'code' },
  { directive: '.section .rodata', kind: 'data' },
  { directive: '.section .rodata.tables,"a"', kind: 'data' },
  { directive: '.section .rodata.str1.1,"aMS",@progbits,1', kind: 'str' },
  { directive: '.section .rodata.cst8,"aM",@progbits,8', kind: 'cst' },
  { directive: '.section .ro_orphan,"a"', kind: 'data' },
  { directive: '.data', kind: 'data' },
  { directive: '.section .data.rel.ro,"aw"', kind: 'data' },
  { directive: '.section .rw_orphan,"aw"', kind: 'data' },
  { directive: '.section my_table,"aw"', kind: 'data' },
  { directive: '.bss', kind: 'bss' },
  { directive: '.section .bss.big,"aw",@nobits', kind: 'bss' },
  { directive: '.section .nb_orphan,"aw",@nobits', kind: 'bss' },
];

export function randomProgram(seed: number): Record<string, string> {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const size = () => (r() < 0.15 ? int(0x800, 0x2400) : r() < 0.5 ? int(1, 0x100) : int(0, 24));
  const nfiles = int(1, 4);
  const files: Record<string, string> = {};
  const globals: string[][] = [];
  for (let f = 0; f < nfiles; f++) globals.push([]);
  // Decide the labels first so that references can cross modules.
  const plans = Array.from({ length: nfiles }, (_, f) =>
    Array.from({ length: int(1, 6) }, (_, i) => ({ sec: pick(KINDS), label: `f${f}_l${i}`, global: r() < 0.6 })),
  );
  plans.forEach((p, f) => p.forEach((x) => x.global && x.sec.kind !== 'str' && x.sec.kind !== 'cst' && globals[f].push(x.label)));
  const allGlobals = globals.flat();
  const strs = ['hello', 'world', 'lo', 'other', 'x', 'hello world'];
  for (let f = 0; f < nfiles; f++) {
    const lines: string[] = [];
    const plan = plans[f];
    if (f === 0) {
      lines.push('\t.globl _start', '\t.text', '_start:');
      for (let i = 0; i < int(0, 4); i++) {
        const target = allGlobals.length ? pick(allGlobals) : '_start';
        lines.push(pick([`\tlea ${target}(%rip), %rax`, `\tmovabs $${target}, %rax`, `\tmov $60, %eax`]));
      }
      lines.push('\tmov $60, %eax', '\txor %edi, %edi', '\tsyscall');
    }
    for (const x of plan) {
      lines.push(`\t${x.sec.directive}`);
      const align = r() < 0.3 ? pick([0, 1, 2, 3, 4, 5, 6, 12]) : -1;
      if (x.sec.kind === 'cst') lines.push('\t.p2align 3');
      else if (align >= 0 && x.sec.kind !== 'str') lines.push(`\t.p2align ${align}`);
      if (x.global && x.sec.kind !== 'str' && x.sec.kind !== 'cst') lines.push(`\t.globl ${x.label}`);
      if (x.sec.kind !== 'str' && x.sec.kind !== 'cst') lines.push(`${x.label}:`);
      switch (x.sec.kind) {
        case 'code': {
          const cfi = r() < 0.3;
          if (cfi) lines.push('\t.cfi_startproc');
          for (let i = 0; i < int(0, 3); i++) {
            const target = allGlobals.length && r() < 0.7 ? pick(allGlobals) : x.label;
            lines.push(pick([`\tcall ${target}`, `\tlea ${target}(%rip), %rsi`, `\tmov $${target}, %rbx`, `\tjmp ${target}`, '\tnop', '\tret']));
          }
          const n = size();
          if (n) lines.push(`\t.fill ${n}, 1, 0x90`);
          if (cfi) lines.push(...(r() < 0.5 ? ['\tpush %rbp', '\t.cfi_def_cfa_offset 16', '\tpop %rbp', '\t.cfi_def_cfa_offset 8'] : []), '\t.cfi_endproc');
          break;
        }
        case 'data': {
          for (let i = 0; i < int(0, 3); i++) {
            const target = allGlobals.length ? pick(allGlobals) : x.label;
            lines.push(pick([`\t.quad ${target}`, `\t.long ${target} - .`, `\t.byte ${int(0, 255)}`]));
          }
          const n = size();
          if (n) lines.push(`\t.fill ${n}, 1, ${int(0, 255)}`);
          break;
        }
        case 'bss': {
          const n = size();
          lines.push(`\t.skip ${n === 0 ? 1 : n}`);
          break;
        }
        case 'str':
          for (let i = 0; i < int(1, 4); i++) lines.push(`\t.asciz "${pick(strs)}"`);
          break;
        case 'cst':
          for (let i = 0; i < int(1, 3); i++) lines.push(`\t.quad ${int(0, 3)}`);
          break;
      }
    }
    files[`r${f}.s`] = lines.join('\n') + '\n';
  }
  return files;
}

const K = 0xffffffff80000000n;

/**
 * A random linker script over the sections randomProgram() produces (the rest become orphans).
 * `sane`: every output section of the script has contents (a LONG) and explicit addresses only
 * grow — what real scripts do. Without it, output sections that end up empty but carry symbol
 * assignments, AT(), ALIGN() or addresses hit corners of ld that are only partly reproduced.
 */
export function randomScript(seed: number, sane = true): string {
  const r = rng(seed * 7919 + 13);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const high = chance(0.3);
  const lines: string[] = ['ENTRY(_start)'];
  if (high) lines.push(`KBASE = 0x${K.toString(16)};`);
  lines.push('SECTIONS', '{');
  lines.push(`  . = ${high ? 'KBASE + 0x1000000' : pick(['0x10000', '0x400000', '0x400000 + SIZEOF_HEADERS', '0x401000', '0x600123'])};`);
  const groups: { name: string; body: string[] }[] = [
    { name: '.text', body: ['*(.text.unlikely .text.unlikely.*)', '*(.text .text.*)'] },
    { name: '.rodata', body: ['*(.rodata .rodata.*)'] },
    { name: '.data', body: ['*(.data)'] },
    { name: '.bss', body: ['*(.bss .bss.*)'] },
  ];
  if (chance(0.5)) groups.push({ name: '.relro', body: ['*(.data.rel.ro)'] });
  if (chance(0.5)) groups.push({ name: 'my_table', body: ['*(my_table)'] });
  if (chance(0.3)) groups.push({ name: '.fast', body: ['*(.fast)'] });
  // Mostly keep the usual order; sometimes shuffle.
  if (chance(0.3)) groups.sort(() => r() - 0.5);
  let useAt = high || chance(0.2);
  let nextAddress = 0x800000;
  for (const g of groups) {
    if (chance(0.4)) lines.push(`  . = ALIGN(${pick(['8', '16', '0x100', '0x1000', '4096'])});`);
    let header = `  ${g.name}`;
    let special = false;
    if (chance(0.1) && !high) {
      nextAddress += Math.floor(r() * 16) * 0x1000 + (chance(0.5) ? 0x10 : 0) + 0x10000;
      header += ` 0x${nextAddress.toString(16)}`;
      special = true;
    }
    header += ' :';
    if (useAt && high) header += ` AT(ADDR(${g.name}) - KBASE)`;
    else if (useAt && chance(0.3)) {
      header += ` AT(0x${(0x1000000 + Math.floor(r() * 64) * 0x1000).toString(16)})`;
      special = true;
    }
    if (chance(0.2)) {
      header += ` ALIGN(${pick(['32', '0x1000'])})`;
      special = true;
    }
    if (high) special = true;
    lines.push(`${header} {`);
    const sym = g.name.replace(/\W/g, '_');
    if (chance(0.5)) lines.push(`    __start${sym} = .;`);
    for (const b of g.body) lines.push(`    ${b}`);
    if (chance(0.3)) lines.push(`    . = ALIGN(${pick(['8', '64', '4096'])});`);
    if (sane || chance(0.2)) lines.push(`    LONG(0x${Math.floor(r() * 0xffffffff).toString(16)})`);
    if (chance(0.5)) lines.push(`    __end${sym} = .;`);
    lines.push('  }');
  }
  if (chance(0.5)) lines.push('  _end = .;');
  if (chance(0.3)) lines.push('  /DISCARD/ : { *(.comment) *(.rw_orphan) }');
  lines.push('}');
  return lines.join('\n') + '\n';
}
