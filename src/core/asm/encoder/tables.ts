/**
 * Data that turns iced-x86's opcode table into GNU as's AT&T view of it: mnemonic spellings,
 * suffix rules and the places where GAS picks a different form than a plain reading of the
 * Intel tables would. templates.ts applies these to every iced `Code`.
 */

/** Condition-code spellings GAS accepts, by the name iced uses (after the j/set/cmov stem). */
export const CC_ALIASES: Record<string, string[]> = {
  o: ['o'],
  no: ['no'],
  b: ['b', 'c', 'nae'],
  ae: ['ae', 'nb', 'nc'],
  e: ['e', 'z'],
  ne: ['ne', 'nz'],
  be: ['be', 'na'],
  a: ['a', 'nbe'],
  s: ['s'],
  ns: ['ns'],
  p: ['p', 'pe'],
  np: ['np', 'po'],
  l: ['l', 'nge'],
  ge: ['ge', 'nl'],
  le: ['le', 'ng'],
  g: ['g', 'nle'],
};

/**
 * iced mnemonics (lower case) outside the encoder's scope: x87 (and MMX's emms/femms; MMX forms
 * drop out because their registers are not supported), instructions GAS 2.40 does not know, and
 * iced's pseudo mnemonics.
 */
export const SKIP_MNEMONIC = /^((?!fxsave|fxrstor)f[a-z0-9]*|emms|femms|ccs_.*|xsha512.*|xstore_alt|erets|eretu|lkgs|pbndkb|pcommit|rdudbg|wrudbg|undoc|reservednop|zero_bytes|db|dw|dd|dq|invalid)$/;

/**
 * iced Codes skipped: alternative encodings GAS never emits (nop with 66/REX.W, lfence E9..EF,
 * test F6 /1, sal /6, ...), 16-bit rel8 branch forms, forms GAS rejects (bswap %ax, movzww,
 * tpause %r64, lss into r64, getsecq), the 32-bit-address twins of instructions whose %eax
 * operand form is handled by IMPLICIT_OPERANDS, and movsx/movzx/movsxd forms that are given
 * explicitly in templates.ts.
 */
export const SKIP_CODE = /^(Nopw|Nopq|Lfence_E.|Mfence_F.|Sfence_F.|Ud0|Sal_.*|Bswap_r16|Test_rm.*_F.r1|.*_rel8_16.*|Movzx_r16_rm16|Movsx_r16_rm16|Movsxd_r16_rm16|Movsxd_r32_rm32|Vmrund|Vmloadd|Vmsaved|Invlpgad|Monitord|Monitorxd|Clzerod|Invlpgbd|Pvalidated|Tpause_r64|Umwait_r64|L[fgs]s_r64_m1664|Getsecq)$/;

/** AT&T names for an iced mnemonic, when not (only) its lower-case spelling. */
export const RENAME: Record<string, string[]> = {
  cbw: ['cbtw', 'cbw'],
  cwde: ['cwtl', 'cwde'],
  cdqe: ['cltq', 'cdqe'],
  cwd: ['cwtd', 'cwd'],
  cdq: ['cltd', 'cdq'],
  cqo: ['cqto', 'cqo'],
  retf: ['lret'],
  iretd: ['iret'],
  iretq: ['iret'],
  pushfq: ['pushf'],
  popfq: ['popf'],
  sysretq: ['sysret'],
  sysexitq: ['sysexit'],
  movsb: ['movs'],
  movsw: ['movs'],
  movsd: ['movs'],
  movsq: ['movs'],
  cmpsb: ['cmps'],
  cmpsw: ['cmps'],
  cmpsd: ['cmps'],
  cmpsq: ['cmps'],
  stosb: ['stos'],
  stosw: ['stos'],
  stosd: ['stos'],
  stosq: ['stos'],
  lodsb: ['lods'],
  lodsw: ['lods'],
  lodsd: ['lods'],
  lodsq: ['lods'],
  scasb: ['scas'],
  scasw: ['scas'],
  scasd: ['scas'],
  scasq: ['scas'],
  insb: ['ins'],
  insw: ['ins'],
  insd: ['ins'],
  outsb: ['outs'],
  outsw: ['outs'],
  outsd: ['outs'],
  xlatb: ['xlat'],
  movsxd: ['movsl'],
  ud1: ['ud1', 'ud2b'],
  ud2: ['ud2', 'ud2a'],
  wait: ['wait', 'fwait'],
  // The 64-bit save/restore forms are also spelled with a `q` suffix (fxsaveq = fxsave64).
  fxsave64: ['fxsave64', 'fxsave'],
  fxrstor64: ['fxrstor64', 'fxrstor'],
  xsave64: ['xsave64', 'xsave'],
  xrstor64: ['xrstor64', 'xrstor'],
  xsaveopt64: ['xsaveopt64', 'xsaveopt'],
};

/** Mnemonics whose operand size is given by the source operand, not the destination (crc32b/w/l/q). */
export const SIZE_FROM_SOURCE = new Set(['crc32']);

/**
 * Suffix letters a mnemonic accepts, when different from "the letter of the form's operand
 * size". '' = no suffix at all (GAS: "invalid instruction suffix").
 */
export const SUFFIXES: Record<string, string> = {
  rdfsbase: '',
  rdgsbase: '',
  wrfsbase: '',
  wrgsbase: '',
  rdpid: '',
  invpcid: '',
  invept: '',
  invvpid: '',
  invlpg: '',
  cmpxchg16b: '',
  ...Object.fromEntries(
    ('aadd aand aor axor enqcmd enqcmds fxrstor64 fxsave64 incsspd incsspq jecxz jrcxz llwpcb lwpins lwpval movdir64b ' +
      'rdsspd rdsspq senduipi slwpcb tpause umonitor umwait wrssd wrssq wrussd wrussq xbegin xrstor64 xrstors64 xsave64 ' +
      'xsavec64 xsaveopt64 xsaves64 encodekey128 encodekey256')
      .split(' ')
      .map((n) => [n, '']),
  ),
  cbtw: '',
  cwtl: '',
  cltq: '',
  cwtd: '',
  cltd: '',
  cqto: '',
  cbw: '',
  cwde: '',
  cdqe: '',
  cwd: '',
  cdq: '',
  cqo: '',
  rdrand: '',
  rdseed: '',
  ljmp: 'wl',
  lcall: 'wl',
};

/** Extra suffix letters accepted on forms without a sized register (memory-only system forms). */
export const EXTRA_SUFFIXES: Record<string, string> = {
  lgdt: 'q',
  lidt: 'q',
  sgdt: 'q',
  sidt: 'q',
  cmpxchg8b: 'q',
};

/**
 * Forms for which GAS emits no operand-size prefix: the 16-bit register/memory form of these
 * selector/descriptor instructions is encoded like the 32-bit form (and the 64-bit register form
 * without REX.W).
 */

/** Branches GAS relaxes (short ↔ near) when given a direct target. */
export const RELAXABLE = new Set(['jmp', ...Object.values(CC_ALIASES).flat().map((cc) => 'j' + cc)]);

/** Instructions whose mandatory F3 prefix may also be written as `rep` (VIA PadLock). */
export const REP_IS_MANDATORY = /^(xcrypt|xsha|montmul|xstore)/;

/** Instructions other than the string ones that take rep/repe/repne (`rep ret`, `rep nop`, `rep bsf`). */
export const REP_OK = new Set(['ret', 'nop', 'bsf', 'bsr']);

/** Instruction prefixes written as separate words before (or instead of) a mnemonic. */
export const PREFIX_BYTES: Record<string, number> = {
  lock: 0xf0,
  rep: 0xf3,
  repe: 0xf3,
  repz: 0xf3,
  repne: 0xf2,
  repnz: 0xf2,
  xacquire: 0xf2,
  xrelease: 0xf3,
  bnd: 0xf2,
  notrack: 0x3e,
  data16: 0x66,
  addr32: 0x67,
  cs: 0x2e,
  ds: 0x3e,
  es: 0x26,
  fs: 0x64,
  gs: 0x65,
  ss: 0x36,
};

/** Intel spellings of string instructions that GAS maps to the AT&T 'l' form, with a warning. */
export const INTEL_STRING_D: Record<string, string> = {
  movsd: 'movsl',
  cmpsd: 'cmpsl',
};

/**
 * Register operands GAS accepts (and ignores, apart from their address size) on instructions
 * whose operands are implicit, in AT&T order. `A` is the address register: %rax, or %eax, which
 * adds an address-size prefix.
 */
export const IMPLICIT_OPERANDS: Record<string, string> = {
  Monitorq: 'A,ecx|rcx,edx|rdx',
  Monitorxq: 'A,ecx|rcx,edx|rdx',
  Mwait: 'eax,ecx;rax,rcx',
  Mwaitx: 'eax,ecx,ebx;rax,rcx,rbx',
  Invlpgaq: 'A,ecx|rcx',
  Vmrunq: 'A',
  Vmloadq: 'A',
  Vmsaveq: 'A',
  Skinit: 'eax',
  Clzeroq: 'A',
  Invlpgbq: 'A,ecx|rcx,edx|rdx',
  Pvalidateq: 'A,ecx|rcx,edx|rdx;A',
  Rmpupdate: 'A,ecx|rcx;A',
  Rmpadjust: 'A,ecx|rcx,edx|rdx;A',
  Rmpquery: 'A,ecx|rcx,edx|rdx',
  Psmash: 'A',
  // The SSE4.1 blends and sha256rnds2 take %xmm0 implicitly (it may be written first).
  Blendvps_xmm_xmmm128: 'xmm0',
  Blendvpd_xmm_xmmm128: 'xmm0',
  Pblendvb_xmm_xmmm128: 'xmm0',
  Sha256rnds2_xmm_xmmm128: 'xmm0',
};

/** SSE compare predicates GAS accepts in the mnemonic (cmpltsd = cmpsd $1). */
export const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'];

/** pclmulqdq immediates GAS accepts in the mnemonic. */
export const PCLMUL_ALIASES: Record<string, number> = { pclmullqlqdq: 0x00, pclmulhqlqdq: 0x01, pclmullqhqdq: 0x10, pclmulhqhqdq: 0x11 };
