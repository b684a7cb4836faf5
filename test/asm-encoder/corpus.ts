// Generated AT&T corpus for the encoder: every mnemonic family × suffix × operand form, with
// every register (r8-r15, spl..dil, ah..bh), edge immediates and memory forms cycled through the
// lines. GAS decides which lines are valid; the test compares all of them.
import { templates } from '../../src/core/asm/encoder/templates.js';
import { lineLabel } from './gas.js';

const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const REGS: Record<string, string[]> = { b: R8, w: R16, l: R32, q: R64 };
const SREG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
const CREG = ['cr0', 'cr2', 'cr3', 'cr4', 'cr8'];
const DREG = ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7'];
const XMM = Array.from({ length: 16 }, (_, i) => `xmm${i}`);

const IMM = [
  '0', '1', '2', '3', '-1', '7', '8', '31', '63', '0x7f', '0x80', '-0x80', '-0x81', '0xff', '0x100', '0x7fff', '0x8000',
  '-0x8000', '-0x8001', '0xffe0', '0xffff', '0x10000', '0x7fffffff', '0x80000000', '-0x80000000', '-0x80000001',
  '0xffffffe0', '0xffffffff', '0x100000000', '0x7fffffffffffffff', '-0x7fffffffffffffff', '0xffffffffffffffff', '0x8000000000000000',
];

const MEM = [
  '(%rax)', '(%rbp)', '(%rsp)', '(%r12)', '(%r13)', '(%r15)', '0(%rax)', '0(%rbp)', '8(%rcx)', '-8(%rbp)', '0x7f(%rdx)',
  '0x80(%rbx)', '-0x80(%rsi)', '-0x81(%rdi)', '0x7fffffff(%r8)', '-0x80000000(%r9)', '(%rax,%rbx)', '(%rax,%rbx,2)',
  '8(%rsp,%rcx,4)', '-1(%r13,%r14,8)', '(%rbp,%rax,1)', '(%r12,%r12,2)', '(,%rax,4)', '0x10(,%r9,8)', '(,%rbp,1)', '0x1234',
  '0', '-4', '0x7fffffff', '-0x80000000', '0x10(%rip)', '-4(%rip)', '(%rip)', '(%eax)', '8(%ebx,%ecx,2)', '(%r8d)',
  '(%esp)', '(%ebp)', '0xffffffff(%eax)', '(,%eax,8)', '0x20(%eip)', '%fs:0x28', '%gs:(%rax)', '%es:8(%rdi)', '%ss:(%rbp)',
  '%ds:(%rbp)', '%cs:(%rax)', '%ss:(%rsp)', '%ds:(%rax)', '%ss:(%r13)', '%ds:(%r12)', '%fs:-8(%rbp,%rdx,8)', '%gs:(%rip)',
  '%ds:0x10(%rip)', '0x100(%rax,%r11)', '-0x100(%r10,%rdi,8)',
];

// Symbolic operand pools (relocations).
const SYM_IMM = ['ext', 'ext+8', 'ext-4', 'ext+0x7fffffff'];
const SYM_MEM = ['ext(%rip)', 'ext+16(%rip)', 'ext-8(%rip)', 'ext(%rax)', 'ext+4(%rbx,%rcx,4)', 'ext', 'ext+8', 'ext(%eax)', '%fs:ext', 'ext(,%rdx,8)'];

const CC = ['o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe', 's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle'];

class Cycle {
  private n = 0;
  constructor(private readonly items: string[]) {}
  next(): string {
    return this.items[this.n++ % this.items.length];
  }
}

/** A corpus line list with helpers that cycle operand pools so every value is used. */
class Corpus {
  readonly lines: string[] = [];
  private cycles = new Map<string, Cycle>();

  pick(pool: string, items: string[]): string {
    let c = this.cycles.get(pool);
    if (!c) this.cycles.set(pool, (c = new Cycle(items)));
    return c.next();
  }

  add(line: string): void {
    this.lines.push(line);
  }
}

/** Expands an operand token to concrete text. Tokens: rb rw rl rq (registers), m, i, s, c, d, literals. */
function operand(c: Corpus, tok: string, sym: boolean): string {
  switch (tok) {
    case 'rb':
    case 'rw':
    case 'rl':
    case 'rq':
      return '%' + c.pick(tok, REGS[tok[1]]);
    case 'm':
      return sym ? c.pick('symm', SYM_MEM) : c.pick('m', MEM);
    case 'i':
      return '$' + (sym ? c.pick('symi', SYM_IMM) : c.pick('i', IMM));
    case 'i8':
      return '$' + c.pick('i8', ['0', '1', '2', '3', '7', '8', '15', '16', '31', '32', '63', '0x7f', '0x80', '0xff', '-1', '-0x80']);
    case 's':
      return '%' + c.pick('s', SREG);
    case 'c':
      return '%' + c.pick('c', CREG);
    case 'd':
      return '%' + c.pick('d', DREG);
    case 'x':
      return '%' + c.pick('x', XMM);
    default:
      return tok;
  }
}

/**
 * Adds `count` lines of mnemonic `mn` with operand shape `shape` (comma-separated tokens; `R`
 * = a register of the suffix's size, or of every size for an empty suffix).
 */
function gen(c: Corpus, mn: string, suffixes: string, shapes: string[], count = 0, sym = false): void {
  for (const suf of suffixes === '' ? [''] : suffixes.split('')) {
    const s = suf === '-' ? '' : suf;
    for (const shape of shapes) {
      const sizes = s ? [s] : shape.includes('R') ? ['b', 'w', 'l', 'q'] : [''];
      for (const size of sizes) {
        const toks = shape ? shape.split(',') : [];
        // Enough lines that each pool value of the shape's operands appears.
        const pools = toks.map((t) => (t === 'R' ? (REGS[size] ?? R32).length : t === 'm' ? (sym ? SYM_MEM : MEM).length : t === 'i' ? (sym ? SYM_IMM : IMM).length : t.startsWith('r') && t.length === 2 ? REGS[t[1]].length : 6));
        const n = count || Math.max(1, ...pools);
        for (let k = 0; k < n; k++) {
          const ops = toks.map((t) => operand(c, t === 'R' ? `r${size || 'l'}` : t, sym));
          c.add(`${mn}${s} ${ops.join(',')}`.trim());
        }
      }
    }
  }
}

/** The constant-operand corpus (bytes only; branch targets are labels of other lines). */
export function constantCorpus(): string[] {
  const c = new Corpus();
  const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
  for (const mn of ALU) gen(c, mn, '-bwlq', ['R,R', 'm,R', 'R,m', 'i,R', 'i,m']);
  gen(c, 'add', '-', ['rl,rq', 'rb,rw', 'i', 'm,m']);
  gen(c, 'test', '-bwlq', ['R,R', 'R,m', 'm,R', 'i,R', 'i,m']);
  gen(c, 'mov', '-bwlq', ['R,R', 'm,R', 'R,m', 'i,R', 'i,m']);
  gen(c, 'mov', '-', ['s,rw', 's,rl', 's,rq', 's,m', 'rw,s', 'rl,s', 'rq,s', 'm,s', 'c,rq', 'rq,c', 'd,rq', 'rq,d', 'c,rl', 'rl,c']);
  gen(c, 'mov', 'wlq', ['s,m', 'm,s', 's,R', 'R,s']);
  gen(c, 'mov', 'lq', ['c,R', 'R,c', 'd,R']);
  gen(c, 'movabs', '-', ['i,rq', 'i,rl', '0x8000000000,%al', '0x123456789,%rax', '%eax,0x1234', '0x10,%ax', '%rbx,0x10']);
  for (const a of ['%al', '%ax', '%eax', '%rax', '%bl', '%rbx']) {
    for (const addr of ['0x80000000', '0xffffffff', '0x100000000', '-0x80000001', '0x7fffffff', '%fs:0x80000000', '0x8000000000000000']) {
      c.add(`mov ${addr},${a}`);
      c.add(`mov ${a},${addr}`);
    }
  }
  gen(c, 'xchg', '-bwlq', ['R,R', 'm,R', 'R,m']);
  for (const [acc, regs] of [['al', R8], ['ax', R16], ['eax', R32], ['rax', R64]] as const) {
    for (const r of regs) {
      c.add(`xchg %${acc},%${r}`);
      c.add(`xchg %${r},%${acc}`);
    }
  }
  for (const mn of ['inc', 'dec', 'neg', 'not', 'mul', 'div', 'idiv', 'imul']) gen(c, mn, '-bwlq', ['R', 'm']);
  gen(c, 'imul', '-wlq', ['R,R', 'm,R', 'i,R,R', 'i,m,R', 'i,R']);
  for (const mn of ['rol', 'ror', 'rcl', 'rcr', 'shl', 'sal', 'shr', 'sar']) gen(c, mn, '-bwlq', ['R', 'm', 'i8,R', 'i8,m', '%cl,R', '%cl,m', '$1,R', '$1,m']);
  gen(c, 'shl', 'l', ['i,rl']);
  for (const mn of ['shld', 'shrd']) gen(c, mn, '-wlq', ['i8,R,R', 'i8,R,m', '%cl,R,R', '%cl,R,m', 'R,R', 'R,m']);
  for (const mn of ['bt', 'bts', 'btr', 'btc']) gen(c, mn, '-wlq', ['R,R', 'R,m', 'i8,R', 'i8,m']);
  for (const mn of ['bsf', 'bsr', 'popcnt', 'lzcnt', 'tzcnt']) gen(c, mn, '-wlq', ['R,R', 'm,R']);
  for (const mn of ['movzbw', 'movzbl', 'movzbq', 'movsbw', 'movsbl', 'movsbq']) gen(c, mn, '-', ['rb,' + (mn.endsWith('w') ? 'rw' : mn.endsWith('l') ? 'rl' : 'rq'), 'm,' + (mn.endsWith('w') ? 'rw' : mn.endsWith('l') ? 'rl' : 'rq')]);
  for (const mn of ['movzwl', 'movzwq', 'movswl', 'movswq']) gen(c, mn, '-', ['rw,' + (mn.endsWith('l') ? 'rl' : 'rq'), 'm,' + (mn.endsWith('l') ? 'rl' : 'rq')]);
  gen(c, 'movslq', '-', ['rl,rq', 'm,rq']);
  for (const mn of ['movzx', 'movsx']) gen(c, mn, '-', ['rb,rw', 'rb,rl', 'rb,rq', 'rw,rl', 'rw,rq', 'm,rl'], 8);
  for (const mn of ['movzb', 'movzw', 'movsb', 'movsw']) gen(c, mn, '-', ['rb,rl', 'rw,rq', 'm,rw', 'm,rq'], 4);
  gen(c, 'movsxd', '-', ['rl,rq', 'm,rq'], 8);
  for (const cc of CC) {
    gen(c, `cmov${cc}`, '-wlq', ['R,R', 'm,R'], 3);
    gen(c, `set${cc}`, '-', ['rb', 'm'], 3);
  }
  gen(c, 'setb', 'b', ['rb', 'm'], 3);
  gen(c, 'lea', '-wlq', ['m,R']);
  gen(c, 'push', '-wq', ['R', 'm', 'i', 's']);
  gen(c, 'pop', '-wq', ['R', 'm', 's']);
  gen(c, 'push', 'l', ['rl', 'i'], 3);
  gen(c, 'bswap', '-wlq', ['R']);
  for (const mn of ['cmpxchg', 'xadd']) gen(c, mn, '-bwlq', ['R,R', 'R,m']);
  gen(c, 'cmpxchg8b', '-q', ['m'], 6);
  gen(c, 'cmpxchg16b', '-q', ['m'], 6);
  for (const mn of ['movbe']) gen(c, mn, '-wlq', ['m,R', 'R,m', 'R,R']);
  for (const mn of ['adcx', 'adox']) gen(c, mn, '-lq', ['R,R', 'm,R']);
  gen(c, 'crc32', 'bwlq', ['R,rl', 'R,rq', 'm,rl', 'm,rq'], 6);
  gen(c, 'crc32', '-', ['rb,rl', 'rw,rl', 'rl,rl', 'rq,rq', 'rb,rq', 'm,rl'], 4);
  for (const mn of ['andn', 'bextr', 'bzhi', 'mulx', 'pdep', 'pext', 'sarx', 'shlx', 'shrx']) gen(c, mn, '-lq', ['R,R,R', 'R,m,R', 'm,R,R'], 6);
  for (const mn of ['blsi', 'blsmsk', 'blsr']) gen(c, mn, '-lq', ['R,R', 'm,R'], 6);
  gen(c, 'rorx', '-lq', ['i8,R,R', 'i8,m,R'], 6);
  gen(c, 'movnti', '-lq', ['R,m'], 6);
  gen(c, 'nop', '-wlq', ['', 'R', 'm']);
  gen(c, 'ud1', '-wlq', ['R,R', 'm,R'], 4);
  gen(c, 'ud0', '-wlq', ['R,R', 'm,R'], 4);
  gen(c, 'rdrand', '-wlq', ['R'], 4);
  gen(c, 'rdseed', '-wlq', ['R'], 4);
  gen(c, 'rdpid', '-q', ['R'], 4);
  for (const mn of ['rdfsbase', 'rdgsbase', 'wrfsbase', 'wrgsbase']) gen(c, mn, '-lq', ['R'], 4);
  gen(c, 'invpcid', '-', ['m,rq', 'm,rl'], 6);
  for (const mn of ['lar', 'lsl']) gen(c, mn, '-wlq', ['R,R', 'm,R', 'rw,R'], 4);
  // Selector and descriptor-table instructions.
  for (const mn of ['sldt', 'str', 'smsw']) gen(c, mn, '-wlq', ['R', 'm'], 4);
  for (const mn of ['lldt', 'ltr', 'verr', 'verw', 'lmsw']) gen(c, mn, '-wlq', ['R', 'm'], 4);
  for (const mn of ['lgdt', 'lidt', 'sgdt', 'sidt']) gen(c, mn, '-wlq', ['m', 'rq'], 4);
  for (const mn of ['invlpg', 'clflush', 'clflushopt', 'clwb', 'prefetcht0', 'prefetcht1', 'prefetcht2', 'prefetchnta', 'prefetchw', 'xsave', 'xrstor', 'xsaveopt', 'xsavec', 'xsaves', 'xrstors', 'xsave64', 'xrstor64', 'fxsave', 'fxrstor', 'fxsave64', 'fxrstor64']) {
    gen(c, mn, '-', ['m'], 4);
  }
  gen(c, 'invlpg', 'q', ['m'], 2);
  // No-operand instructions.
  const NOOPS = [
    'cbw', 'cwde', 'cdqe', 'cwd', 'cdq', 'cqo', 'cbtw', 'cwtl', 'cltq', 'cwtd', 'cltd', 'cqto', 'clc', 'stc', 'cmc', 'cld',
    'std', 'cli', 'sti', 'lahf', 'sahf', 'pushf', 'pushfq', 'pushfw', 'pushfl', 'popf', 'popfq', 'popfw', 'popfl', 'hlt',
    'nop', 'pause', 'cpuid', 'rdtsc', 'rdtscp', 'rdmsr', 'wrmsr', 'rdpmc', 'syscall', 'sysret', 'sysretq', 'sysretl',
    'sysenter', 'sysexit', 'sysexitl', 'sysexitq', 'swapgs', 'iret', 'iretw', 'iretl', 'iretq', 'iretd', 'leave', 'leaveq',
    'leavew', 'leavel', 'ret', 'retq', 'retw', 'retl', 'lret', 'lretq', 'lretl', 'lretw', 'int3', 'int1', 'ud2', 'lfence',
    'mfence', 'sfence', 'endbr64', 'endbr32', 'clac', 'stac', 'wbinvd', 'invd', 'clts', 'rsm', 'xgetbv', 'xsetbv',
    'monitor', 'mwait', 'rdpkru', 'wrpkru', 'serialize', 'xlat', 'xlatb', 'wait', 'fwait', 'vmcall', 'vmlaunch',
    'vmresume', 'vmxoff', 'xend', 'xtest', 'wbnoinvd', 'into', 'aaa', 'salc', 'movsb', 'movsw', 'movsl', 'movsq', 'movsd', 'movs',
    'cmpsb', 'cmpsw', 'cmpsl', 'cmpsq', 'cmpsd', 'stosb', 'stosw', 'stosl', 'stosq', 'stosd', 'lodsb', 'lodsw', 'lodsl',
    'lodsq', 'lodsd', 'scasb', 'scasw', 'scasl', 'scasq', 'scasd', 'insb', 'insw', 'insl', 'insd', 'outsb', 'outsw', 'outsl',
    'outsd', 'ins', 'outs', 'stos', 'lods', 'scas', 'cmps', 'int', 'jmp', 'call', 'foo', 'movzx',
  ];
  for (const mn of NOOPS) c.add(mn);
  for (const p of ['rep', 'repe', 'repz', 'repne', 'repnz']) {
    for (const mn of ['movsb', 'movsq', 'stosl', 'lodsw', 'scasb', 'cmpsq', 'insb', 'outsl', 'ret', 'nop', 'addl $1,(%rax)', 'movl %eax,(%rbx)']) c.add(`${p} ${mn}`);
  }
  // String instructions with operands, segment overrides and 32-bit addressing.
  for (const s of ['', 'b', 'w', 'l', 'q']) {
    c.add(`movs${s} (%rsi),(%rdi)`);
    c.add(`movs${s} %fs:(%rsi),%es:(%rdi)`);
    c.add(`movs${s} (%esi),(%edi)`);
    c.add(`movs${s} %ds:(%rsi),(%rdi)`);
    c.add(`cmps${s} (%rdi),(%rsi)`);
    c.add(`cmps${s} %es:(%rdi),%gs:(%rsi)`);
    c.add(`stos${s} (%rdi)`);
    c.add(`stos${s} %es:(%edi)`);
    c.add(`lods${s} (%rsi)`);
    c.add(`lods${s} %ss:(%esi)`);
    c.add(`scas${s} (%rdi)`);
    c.add(`scas${s} %es:(%edi)`);
    c.add(`ins${s} (%dx),(%rdi)`);
    c.add(`ins${s} (%dx),%es:(%edi)`);
    c.add(`outs${s} (%rsi),(%dx)`);
    c.add(`outs${s} %fs:(%esi),(%dx)`);
    c.add(`rep stos${s} (%rdi)`);
    c.add(`addr32 movs${s}`);
    c.add(`addr32 rep stos${s}`);
    c.add(`xlat${s} (%rbx)`);
    c.add(`xlat${s} %fs:(%ebx)`);
  }
  for (const a of ['al', 'ax', 'eax', 'rax']) {
    c.add(`stos %${a},(%rdi)`);
    c.add(`lods (%rsi),%${a}`);
    c.add(`scas (%rdi),%${a}`);
    c.add(`stos %${a},%es:(%edi)`);
  }
  // I/O.
  for (const s of ['', 'b', 'w', 'l', 'q']) {
    for (const f of ['%dx,%al', '%dx,%ax', '%dx,%eax', '(%dx),%al', '(%dx),%eax', '$0x80,%al', '$0x80,%ax', '$0xff,%eax', '$0x100,%al', '$-1,%al', '%dx', '(%dx)', '$0x40']) c.add(`in${s} ${f}`);
    for (const f of ['%al,%dx', '%ax,%dx', '%eax,%dx', '%al,(%dx)', '%eax,(%dx)', '%al,$0x80', '%ax,$0x80', '%eax,$0xff', '%dx', '$0x40']) c.add(`out${s} ${f}`);
  }
  // Interrupts, returns, enter.
  for (const v of ['0', '3', '4', '0x80', '0xff', '0x100', '-1', '-0x80', '-0x81']) c.add(`int $${v}`);
  for (const mn of ['ret', 'retq', 'retw', 'lret', 'lretq', 'lretl', 'lretw']) for (const v of ['0', '8', '0xffff', '0x10000', '-1']) c.add(`${mn} $${v}`);
  for (const mn of ['enter', 'enterq', 'enterw', 'enterl']) for (const [a, b] of [['0', '0'], ['8', '1'], ['0xffff', '0xff'], ['0x10000', '0'], ['16', '0x100'], ['-1', '-1']]) c.add(`${mn} $${a},$${b}`);
  // Indirect branches.
  for (const mn of ['jmp', 'call', 'jmpq', 'callq', 'jmpw', 'callw', 'jmpl', 'calll', 'ljmp', 'lcall', 'ljmpw', 'ljmpl', 'ljmpq', 'lcallw', 'lcalll', 'lcallq']) {
    for (const r of ['%rax', '%r11', '%eax', '%ax', '%r9w']) c.add(`${mn} *${r}`);
    for (let k = 0; k < 12; k++) c.add(`${mn} *${c.pick('m', MEM)}`);
    c.add(`${mn} %rax`);
    c.add(`${mn} (%rax)`);
  }
  for (const p of ['notrack', 'bnd', 'ds']) for (const mn of ['jmp *%rax', 'call *(%rbx)', 'jmpq *8(%rax,%rcx,8)']) c.add(`${p} ${mn}`);
  c.add('bnd ret');
  c.add('bnd jmp *%rdx');
  // Prefixes.
  for (const p of ['lock', 'data16', 'addr32', 'fs', 'gs', 'cs', 'ss', 'ds', 'es', 'rex', 'rex.w', 'rex.b', 'rex.wrxb', 'xacquire lock', 'xrelease lock']) {
    for (const i of ['addl $1,(%rax)', 'xchgl %eax,(%rbx)', 'incq (%rcx)', 'btsl $3,(%rdx)', 'cmpxchg %ecx,(%rsi)', 'xaddq %rax,8(%rsp)', 'notb (%rdi)', 'negw (%r8)', 'orl %eax,(%eax)', 'movl %eax,(%rbx)', 'addl %eax,%ebx', 'cmpxchg16b (%rdi)', 'addw $0x1234,(%eax)', 'addb %al,%bl', 'movb %ah,%bl', 'sbbl $-1,%fs:8(%r9)']) {
      c.add(`${p} ${i}`);
    }
  }
  for (const p of ['lock', 'rep', 'repne', 'rex.w', 'rex', 'data16', 'addr32', 'cs', 'notrack']) c.add(p);
  c.add('lock lock addl $1,(%rax)');
  c.add('rep repne movsb');
  c.add('fs gs movl (%rax),%eax');
  c.add('fs movl %gs:(%rax),%eax');
  c.add('rex.w movb %ah,%al');
  // Segment register push/pop.
  for (const s of ['', 'w', 'l', 'q']) for (const r of SREG) {
    c.add(`push${s} %${r}`);
    c.add(`pop${s} %${r}`);
  }
  // Addressing edge cases: 32-bit wrap-around, addr32 absolute forms, default segments.
  for (const m of ['0x100000000(%eax)', '-0x80000001(%eax)', '0x1ffffffff(%eax)', '0xffffff80(%ebx)', '0x80000000(%rip)', '-0x80000001(%rip)', '(%eip)', '-4(%eip)', '%ss:(%rsp)', '%ss:8(%rsp,%rax)', '%ss:(%rax,%rbp)', '%ds:(%rbp,%rax)', '%ss:(,%rbp,1)', '%ds:(,%rbp,1)', '%ss:0x10', '%ds:0x10', '%ds:0x10(%rip)', '%ss:(%rip)', '%ss:(%ebp)', '%ds:(%esp)']) {
    c.add(`movl ${m},%eax`);
    c.add(`addr32 movl ${m},%eax`);
  }
  for (const a of ['0x1234', '0xffffffff', '0x100000000', '-1', '%fs:0x10']) for (const r of ['%al', '%ax', '%eax', '%rax', '%ecx']) {
    c.add(`addr32 mov ${a},${r}`);
    c.add(`addr32 mov ${r},${a}`);
    c.add(`addr32 movabs ${a},${r}`);
    c.add(`movabs ${r},${a}`);
  }
  // SSE (the usual suspects of memcpy/strlen/crypto code).
  const SSE2 = [
    'movaps', 'movups', 'movapd', 'movupd', 'movdqa', 'movdqu', 'movss', 'movsd', 'addps', 'addpd', 'addss', 'addsd', 'subps',
    'mulsd', 'divss', 'sqrtsd', 'minps', 'maxsd', 'andps', 'andnpd', 'orps', 'xorps', 'xorpd', 'pxor', 'por', 'pand', 'pandn',
    'paddb', 'paddd', 'paddq', 'psubw', 'pcmpeqb', 'pcmpeqd', 'pcmpgtb', 'pminub', 'pmaxsw', 'pmovmskb', 'punpcklbw',
    'punpckhqdq', 'packuswb', 'unpcklps', 'comiss', 'ucomisd', 'cvtps2pd', 'cvtsd2ss', 'cvtdq2ps', 'cvttps2dq', 'pshufb',
    'palignr', 'ptest', 'pcmpistri', 'pcmpestri', 'aesenc', 'aesenclast', 'aesdec', 'aesimc', 'aeskeygenassist', 'pclmulqdq',
    'sha1rnds4', 'sha256rnds2', 'sha1msg1', 'crc32', 'movntdq', 'movntps', 'lddqu', 'movddup', 'movshdup', 'haddps', 'pmulld',
    'pmovzxbw', 'pminsd', 'blendps', 'pblendw', 'roundsd', 'dpps', 'insertps', 'mpsadbw', 'movmskps', 'cmpps', 'cmpsd', 'shufps',
    'pshufd', 'pshufhw', 'psrldq', 'pslldq', 'psrlw', 'psllq', 'psrad',
  ];
  for (const mn of SSE2) gen(c, mn, '-', ['x,x', 'm,x', 'x,m', 'i8,x,x', 'i8,m,x', 'i8,x', 'x,rl', 'x,rq'], 4);
  for (const mn of ['movd', 'movq']) gen(c, mn, '-', ['rl,x', 'rq,x', 'x,rl', 'x,rq', 'm,x', 'x,m', 'x,x'], 6);
  for (const mn of ['pextrb', 'pextrw', 'pextrd', 'pextrq', 'extractps']) gen(c, mn, '-', ['i8,x,rl', 'i8,x,rq', 'i8,x,m'], 4);
  for (const mn of ['pinsrb', 'pinsrw', 'pinsrd', 'pinsrq']) gen(c, mn, '-', ['i8,rl,x', 'i8,rq,x', 'i8,m,x'], 4);
  for (const mn of ['cvtsi2sd', 'cvtsi2ss', 'cvtsi2sdl', 'cvtsi2sdq', 'cvtsi2ssl', 'cvtsi2ssq']) gen(c, mn, '-', ['rl,x', 'rq,x', 'm,x'], 4);
  for (const mn of ['cvtsd2si', 'cvttsd2si', 'cvtss2si', 'cvttss2si', 'cvtsd2sil', 'cvtsd2siq']) gen(c, mn, '-', ['x,rl', 'x,rq', 'm,rl', 'm,rq'], 4);
  for (const p of ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord']) for (const t of ['ps', 'pd', 'ss', 'sd']) gen(c, `cmp${p}${t}`, '-', ['x,x', 'm,x'], 2);
  for (const mn of ['pclmullqlqdq', 'pclmulhqlqdq', 'pclmullqhqdq', 'pclmulhqhqdq']) gen(c, mn, '-', ['x,x', 'm,x'], 2);
  for (const mn of ['ldmxcsr', 'stmxcsr', 'fxsave', 'fxrstor', 'movnti']) gen(c, mn, '-', ['m'], 2);
  // Pseudo prefixes.
  for (const p of ['{disp8}', '{disp32}', '{load}', '{store}']) {
    for (const i of ['movl (%rax),%eax', 'movl 8(%rbp),%eax', 'movl 0x100(%rax),%eax', 'movl (%rip),%eax', 'movl %eax,%ebx', 'addq %rax,%rbx', 'testb %al,%bl', 'xchgl %ecx,%edx', 'movl %eax,(%rbx)', 'leaq 0(%rax,%rbx),%rcx', 'movl $1,(,%rax,2)', 'cmpw %ax,%r9w', 'sbbb %ah,%dh']) {
      c.add(`${p} ${i}`);
    }
  }
  // A kernel entry/exit path as a kernel would write it.
  const KERNEL = [
    'swapgs', 'movq %rsp,%gs:0x6014', 'movq %gs:0x6000,%rsp', 'pushq $0x2b', 'pushq %gs:0x6014', 'pushq %r11', 'pushq $0x33',
    'pushq %rcx', 'pushq %rax', 'pushq %rdi', 'pushq %rsi', 'pushq %rdx', 'xorl %edx,%edx', 'xorl %ecx,%ecx', 'movq %rsp,%rdi',
    'movslq %eax,%rsi', 'movq 0x58(%rsp),%rcx', 'movq 0x88(%rsp),%r11', 'cmpq %rcx,%r11', 'shlq $16,%rcx', 'sarq $16,%rcx',
    'testq $0x10100,%r11', 'popq %rdi', 'popq %rsp', 'sysretq', 'iretq', 'movq %cr3,%rax', 'movq %rax,%cr3', 'movq %cr4,%rax',
    'orq $0x80,%rax', 'movq %rax,%cr4', 'movq %cr0,%rax', 'movq %cr2,%rdi', 'movl $0xc0000080,%ecx', 'rdmsr', 'btsl $8,%eax',
    'btsl $0,%eax', 'wrmsr', 'movl $0xc0000101,%ecx', 'movl $0xc0000102,%ecx', 'lgdt 0x10(%rip)', 'lidt (%rdi)', 'sgdt (%rsp)',
    'sidt 8(%rsp)', 'ltr %ax', 'lldt %ax', 'movw $0x28,%ax', 'movl %eax,%ds', 'movl %eax,%es', 'movw %ax,%ss', 'movl %eax,%fs',
    'movl %eax,%gs', 'movw %ds,%ax', 'pushq $0x10', 'lretq', 'lretq $8', 'cli', 'sti', 'hlt', 'pause', 'invlpg (%rdi)',
    'invpcid (%rsi),%rdi', 'wbinvd', 'rdtsc', 'rdtscp', 'rdpid %rax', 'cpuid', 'clac', 'stac', 'rdfsbase %rax', 'wrfsbase %rdi',
    'rdgsbase %rcx', 'wrgsbase %rdx', 'inb $0x60,%al', 'outb %al,$0x80', 'inw %dx,%ax', 'outl %eax,%dx', 'rep outsb', 'rep insw',
    'int3', 'int $0x80', 'ud2', 'ud1 (%rax),%eax', 'ud0 %eax,%eax', 'lfence', 'mfence', 'sfence', 'endbr64', 'lock cmpxchg8b (%rdi)',
    'lock cmpxchg16b (%rdi)', 'lock xaddl %eax,(%rdi)', 'xchgq %rax,(%rdi)', 'pushq %fs', 'popq %gs', 'pushfq', 'popfq',
    'ljmpl *(%rax)', 'lcalll *8(%rbx)', 'nopl 0(%rax)', 'nopw 0(%rax,%rax,1)', 'nopl 0x0(%rax,%rax,1)', 'nopw %cs:0x0(%rax,%rax,1)',
    'data16 nopw %cs:0x0(%rax,%rax,1)', 'xchg %ax,%ax', 'movabsq $0xffffffff81000000,%rax', 'movq $-1,%rax', 'mov %dr7,%rax',
    'mov %rax,%dr7', 'movq %rax,%dr6', 'movl $1,%gs:0x10', 'incl %gs:0x20', 'decq %gs:(%rax)', 'cmpb $0,%gs:0x6020',
    'movq %gs:0x28,%rax', 'leaq -0x8(%rsp),%rsp', 'leaq 0x10(%rsp,%rax,8),%rdi', 'rep movsq', 'rep stosq', 'repe cmpsb',
    'repne scasb', 'swapgs', 'sysretl', 'iretl', 'verw (%rsp)', 'verw %ax', 'smsw %ax', 'lmsw %ax', 'clts', 'xsetbv', 'xgetbv',
    'xsave (%rdi)', 'xrstor (%rdi)', 'xsaveopt (%rdi)', 'fxsave (%rdi)', 'fxrstor (%rdi)', 'monitor', 'mwait', 'wrpkru', 'rdpkru',
  ];
  for (const l of KERNEL) c.add(l);
  // Direct branches to other lines of the corpus (short and near; relaxation decides).
  const base = c.lines.length;
  const branchLines: string[] = [];
  const JCC = CC.map((cc) => `j${cc}`);
  const all = ['jmp', 'jmpq', ...JCC, 'call', 'callq', 'callw', 'loop', 'loope', 'loopz', 'loopne', 'loopnz', 'jrcxz', 'jecxz', 'xbegin', 'loopq', 'loopl', 'loopnel', 'jmpl', 'jmpw', '{disp32} jmp', '{disp32} jne', '{disp8} jmp', 'data16 jmp', 'data16 jg', 'bnd jmp', 'bnd jle', 'ds je', 'cs jne'];
  for (const mn of all) {
    // Distances in lines: near ones fit rel8 for sure, far ones surely do not (rel8-only branches).
    const far = /^(loop|jrcxz|jecxz)/.test(mn) ? [300, -300, 2000] : [20, 40, 60, -60, 300, -300, 2000];
    for (const d of [-3, -1, 0, 1, 2, 5, -5, ...far]) branchLines.push(`${mn} ${'@'}${d}`);
  }
  for (const p of ['addr32', 'data16', 'rex.w', 'bnd', 'notrack', 'ds', 'cs']) for (const mn of ['jmp', 'je', 'call', 'loop', 'jrcxz']) branchLines.push(`${p} ${mn} @5`);
  branchLines.forEach((l, k) => {
    const i = base + k;
    const m = /@(-?\d+)/.exec(l)!;
    const target = Math.min(Math.max(i + Number(m[1]), 0), base + branchLines.length - 1);
    c.add(l.replace(m[0], lineLabel(target)));
  });
  return c.lines;
}

/** Lines with symbolic operands (relocations). */
export function symbolCorpus(): string[] {
  const c = new Corpus();
  const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
  for (const mn of ALU) gen(c, mn, '-bwlq', ['i,R', 'i,m', 'm,R', 'R,m'], 0, true);
  gen(c, 'test', '-bwlq', ['i,R', 'i,m', 'm,R'], 0, true);
  gen(c, 'mov', '-bwlq', ['i,R', 'i,m', 'm,R', 'R,m'], 0, true);
  gen(c, 'movabs', '-', ['i,rq', 'ext,%al', 'ext+8,%rax', '%eax,ext', '%ax,ext-1'], 4, true);
  gen(c, 'imul', '-wlq', ['i,R,R', 'i,m,R', 'i,R', 'm,R'], 0, true);
  for (const mn of ['shl', 'rol', 'sar']) gen(c, mn, '-bwlq', ['i,R', 'i,m'], 4, true);
  gen(c, 'bt', '-wlq', ['i,R', 'i,m'], 4, true);
  gen(c, 'push', '-wq', ['i', 'm'], 0, true);
  gen(c, 'lea', '-wlq', ['m,R'], 0, true);
  gen(c, 'inc', '-bwlq', ['m'], 0, true);
  for (const mn of ['int', 'ret', 'retw', 'lret', 'in', 'out']) gen(c, mn, '-', ['i'], 4, true);
  c.add('in $ext,%al');
  c.add('out %eax,$ext+1');
  c.add('enter $ext,$ext+1');
  c.add('enter $8,$ext');
  for (const r of ['%al', '%eax', '%rax', '%ecx']) {
    c.add(`addr32 mov ext,${r}`);
    c.add(`addr32 mov ${r},ext+4`);
    c.add(`addr32 movl $ext,ext(%eax)`);
    c.add(`mov ext(%eip),${r}`);
  }
  for (const mn of ['jmp', 'call', 'je', 'jne', 'jmpq', 'callq', 'ja', 'xbegin']) for (const t of ['ext', 'ext+4', 'ext-0x10']) c.add(`${mn} ${t}`);
  for (const mn of ['jmp', 'call']) for (const m of SYM_MEM) c.add(`${mn} *${m}`);
  for (const mn of ['loop', 'jrcxz']) c.add(`${mn} ext`);
  for (const i of ['movl $ext,%fs:ext(%rip)', 'movq $ext,ext(%rip)', 'movw $ext,ext(%rip)', 'movb $ext,ext(%rip)', 'addq $ext,ext+4(%rip)', 'imul $ext,ext(%rip),%eax', 'shll $ext,ext(%rip)', 'lock addl $ext,ext(%rip)', 'cmpb $ext,ext(%eip)']) c.add(i);
  return c.lines;
}

/**
 * Every mnemonic the encoder knows, with every suffix and a spread of operand shapes (most of
 * them invalid): GAS and the encoder must agree on what is accepted, and on the bytes.
 */
export function fuzzCorpus(): string[] {
  const c = new Corpus();
  const SHAPES = [
    '', 'rb', 'rw', 'rl', 'rq', 'm', 'i8', 'i', 's', 'rl,rl', 'rq,rq', 'rw,rw', 'rb,rb', 'rb,rl', 'rw,rq', 'rl,rq', 'rq,rl',
    'm,rl', 'm,rq', 'm,rw', 'm,rb', 'rl,m', 'rq,m', 'rb,m', 'i,rl', 'i,rq', 'i,m', 'i8,rw', 'i8,rb', 'i8,m', 'rq,rq,rq', 'rl,rl,rl',
    'rl,m,rl', 'm,rq,rq', 'i8,rl,rl', 'i8,m,rq', 'i8,rq,m', 'i8,i8', '%cl,rl', '%cl,m', '%dx', '(%dx)', '%al,%dx', 'c,rq', 'rq,c',
    'd,rq', 's,rl', 'rw,s', 'm,m', '*rq', '*m', '%rax,%ecx', '%rax,%rcx,%rdx', '%eax,%ecx,%edx',
    'x,x', 'm,x', 'x,m', 'rl,x', 'rq,x', 'x,rl', 'x,rq', 'i8,x,x', 'i8,m,x', 'i8,x,rl', 'i8,rl,x', 'x', '%xmm0,x,x',
  ];
  const names = [...templates().keys()].sort();
  for (const name of names) {
    for (const suf of ['', 'b', 'w', 'l', 'q']) {
      for (const shape of SHAPES) {
        // Keep the size manageable: the full shape list for the bare name, a sample for suffixed ones.
        if (suf && SHAPES.indexOf(shape) % 3 !== ('bwlq'.indexOf(suf) % 3)) continue;
        const ops = shape ? shape.split(',').map((t) => (t.startsWith('*') ? '*' + operand(c, t.slice(1), false) : operand(c, t, false))) : [];
        c.add(`${name}${suf} ${ops.join(',')}`.trim());
      }
    }
  }
  return c.lines;
}

/**
 * One or more lines per form of the encoder's table, with operands built from the form (so every
 * form is exercised in its accepted shape), alternating written and inferred suffixes.
 */
export function formCorpus(): string[] {
  const c = new Corpus();
  const IMMS: Record<string, string[]> = {
    imm8: ['5', '0x7f', '0xff'],
    imm8s: ['-5', '0x7f', '-0x80'],
    imm16: ['0x1234', '0xffff', '-2'],
    imm32: ['0x12345678', '0xffffffff', '-0x1000'],
    imm32s: ['-0x1000', '0x7fffffff', '0x12345'],
    imm64: ['0x123456789abc', '-0x100000000', '0x7fffffff'],
    one: ['1'],
  };
  const regOf = (size: number) => '%' + c.pick(`r${size}`, REGS[{ 8: 'b', 16: 'w', 32: 'l', 64: 'q' }[size]!]);
  let n = 0;
  for (const [name, list] of [...templates().entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const t of list) {
      for (let v = 0; v < 3; v++) {
        n++;
        const ops: string[] = [];
        let indirect = false;
        for (const s of t.ops) {
          if (s.opt && (n + ops.length) % 4 === 0 && s.k !== 'str') continue;
          switch (s.k) {
            case 'gpr':
              ops.push(s.reg && (!s.mem || v !== 1) ? regOf(s.size) : c.pick('m', MEM));
              break;
            case 'mem':
              ops.push(c.pick('m', MEM));
              break;
            case 'xmm':
              ops.push(!s.mem || v !== 1 ? '%' + c.pick('x', XMM) : c.pick('m', MEM));
              break;
            case 'fixed':
              ops.push('%' + s.reg);
              break;
            case 'port':
              ops.push(v === 2 ? '(%dx)' : '%dx');
              break;
            case 'count':
              ops.push('%cl');
              break;
            case 'implicit':
              ops.push('%' + s.regs[v % s.regs.length]);
              break;
            case 'sreg':
              ops.push('%' + c.pick('s', SREG));
              break;
            case 'cr':
              ops.push('%' + c.pick('c', CREG));
              break;
            case 'dr':
              ops.push('%' + c.pick('d', DREG));
              break;
            case 'imm':
              ops.push('$' + IMMS[s.imm][v]);
              break;
            case 'moffs':
              ops.push(['0x8000000000', '0x123456789', '%fs:0xffffffff80'][v]);
              break;
            case 'str':
              ops.push(v === 0 ? `(%r${s.reg})` : v === 1 ? `(%e${s.reg})` : `%${s.reg === 'di' ? 'es' : 'fs'}:(%r${s.reg})`);
              break;
            case 'rel':
              ops.push(`@${v === 0 ? 3 : v === 1 ? -2 : 100}`);
              break;
          }
        }
        if (t.indirect) indirect = true;
        // All string operands or none.
        const line = `${name}${v === 1 ? '' : t.suffixes[0] ?? ''} ${ops.map((o) => (indirect ? '*' + o : o)).join(',')}`.trim();
        c.add(line);
      }
    }
  }
  // Resolve @n branch targets to line labels.
  return c.lines.map((l, i) => l.replace(/@(-?\d+)/, (_, d) => lineLabel(Math.max(0, Math.min(c.lines.length - 1, i + Number(d))))));
}

/**
 * Random lines (fixed seed): a random prefix, a known mnemonic with a random suffix and up to
 * three operands drawn from registers, immediates (constant and symbolic) and memory forms.
 * Almost all are invalid; the point is that GAS and the encoder agree on which ones are not.
 */
export function randomCorpus(count = 20000, seed = 20240611): string[] {
  let state = seed >>> 0;
  const rnd = (n: number) => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)];
  const regs = [...R8, ...R16, ...R32, ...R64, ...SREG, ...CREG, ...DREG, ...XMM];
  const imms = [...IMM, ...SYM_IMM];
  const mems = [...MEM, ...SYM_MEM, '(%dx)', '(%rsi)', '(%rdi)', '(%esi)', '(%edi)', '(%rbx)'];
  const prefixes = ['', '', '', '', '', '', '', '', 'lock ', 'rep ', 'repne ', 'data16 ', 'addr32 ', 'fs ', 'rex.w ', 'rex ', 'notrack ', 'bnd ', 'xacquire lock ', 'xrelease ', '{load} ', '{disp32} '];
  const names = [...templates().keys()].sort();
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const name = pick(names) + pick(['', '', '', 'b', 'w', 'l', 'q']);
    const n = pick([0, 1, 1, 2, 2, 2, 3]);
    const ops: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = rnd(4);
      ops.push(t === 1 ? '$' + pick(imms) : t === 2 ? pick(mems) : '%' + pick(regs));
    }
    const star = /^l?(jmp|call)/.test(name) && n === 1 && rnd(2) ? '*' : '';
    out.push(`${pick(prefixes)}${name} ${star}${ops.join(',')}`.trim());
  }
  return out;
}
