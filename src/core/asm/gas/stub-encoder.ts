/**
 * A deliberately tiny encoder used by the front end's own unit tests and as the default until
 * the real encoder (src/core/asm/encoder) is wired in through encoder-adapter.ts. It knows a
 * handful of instructions — enough to exercise layout, relaxation, fixups and the line map.
 */
import type { EncodeRequest, EncodeResult } from './encoder-api.js';
import type { AsmValue, Fixup } from '../object.js';

const JCC: Record<string, number> = {
  jo: 0, jno: 1, jb: 2, jc: 2, jnae: 2, jae: 3, jnb: 3, jnc: 3, je: 4, jz: 4, jne: 5, jnz: 5,
  jbe: 6, jna: 6, ja: 7, jnbe: 7, js: 8, jns: 9, jp: 10, jpe: 10, jnp: 11, jpo: 11, jl: 12,
  jnge: 12, jge: 13, jnl: 13, jle: 14, jng: 14, jg: 15, jnle: 15,
};
const SIMPLE: Record<string, number[]> = {
  nop: [0x90], ret: [0xc3], retq: [0xc3], hlt: [0xf4], int3: [0xcc], syscall: [0x0f, 0x05],
  ud2: [0x0f, 0x0b], leave: [0xc9], cld: [0xfc], std: [0xfd], pushfq: [0x9c], popfq: [0x9d],
  cli: [0xfa], sti: [0xfb], iretq: [0x48, 0xcf], sysretq: [0x48, 0x0f, 0x07], swapgs: [0x0f, 0x01, 0xf8],
};
const REG64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const PREFIX: Record<string, number> = { 'rex.w': 0x48, lock: 0xf0, rep: 0xf3, repe: 0xf3, repz: 0xf3, repne: 0xf2, repnz: 0xf2, data16: 0x66, cs: 0x2e, ds: 0x3e, es: 0x26, fs: 0x64, gs: 0x65, ss: 0x36 };

type Fx = Omit<Fixup, 'location'>;
const fail = (message: string, operand?: number): EncodeResult => ({ ok: false, message, operand });

function le(value: bigint, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return out;
}

export function stubEncode(req: EncodeRequest): EncodeResult {
  const pre: number[] = [];
  for (const p of req.prefixes) {
    if (p.startsWith('{')) continue;
    const b = PREFIX[p];
    if (b === undefined) return fail(`stub encoder: unsupported prefix \`${p}'`);
    pre.push(b);
  }
  const m = req.mnemonic;
  const ops = req.operands;
  if (ops.length === 0 && PREFIX[m] !== undefined) return { ok: true, bytes: Uint8Array.from([...pre, PREFIX[m]]), fixups: [], relaxable: false };
  const done = (bytes: number[], fixups: Fx[] = [], relaxable = false): EncodeResult => ({
    ok: true,
    bytes: Uint8Array.from([...pre, ...bytes]),
    fixups: fixups.map((f) => ({ ...f, offset: f.offset + pre.length })),
    relaxable,
  });
  if (m in SIMPLE) {
    if (ops.length) return fail(`number of operands mismatch for \`${m}'`);
    return done(SIMPLE[m]);
  }
  const isJcc = m in JCC;
  if (m === 'jmp' || isJcc || m === 'call' || m === 'loop' || m === 'jrcxz') {
    const t = ops[0];
    if (ops.length !== 1 || t.kind !== 'target' || req.indirect) return fail(`stub encoder: unsupported form of \`${m}'`);
    const shortOp = m === 'jmp' ? [0xeb] : isJcc ? [0x70 + JCC[m]] : m === 'loop' ? [0xe2] : m === 'jrcxz' ? [0xe3] : undefined;
    const nearOp = m === 'jmp' ? [0xe9] : isJcc ? [0x0f, 0x80 + JCC[m]] : m === 'call' ? [0xe8] : undefined;
    const short = shortOp !== undefined && (m === 'loop' || m === 'jrcxz' || (req.branch === 'short' && !req.prefixes.includes('{disp32}')));
    const op = short ? shortOp! : nearOp!;
    const size = short ? 1 : 4;
    const len = pre.length + op.length + size;
    if (t.value.kind === 'constant') {
      const disp = t.value.value - (req.address + BigInt(len));
      const lim = short ? 128n : 1n << 31n;
      if (disp < -lim || disp >= lim) return fail(`jump target out of range`);
      return done([...op, ...le(disp, size)], [], m === 'jmp' || isJcc);
    }
    return done(
      [...op, ...new Array(size).fill(0)],
      [{ offset: op.length, size: size as 1 | 4, kind: 'pcrel', symbol: t.value.symbol, addend: t.value.addend - BigInt(size) }],
      m === 'jmp' || isJcc,
    );
  }
  if ((m === 'push' || m === 'pushq' || m === 'pop' || m === 'popq') && ops.length === 1 && ops[0].kind === 'reg') {
    const r = REG64.indexOf(ops[0].name);
    if (r < 0) return fail(`stub encoder: bad register`, 0);
    const base = m.startsWith('push') ? 0x50 : 0x58;
    return done(r >= 8 ? [0x41, base + (r & 7)] : [base + r]);
  }
  if ((m === 'mov' || m === 'movl') && ops.length === 2 && ops[0].kind === 'imm' && ops[1].kind === 'reg') {
    const r = REG32.indexOf(ops[1].name);
    if (r < 0) return fail(`stub encoder: unsupported operands`, 1);
    const rex = r >= 8 ? [0x41] : [];
    return imm32(done, [...rex, 0xb8 + (r & 7)], ops[0].value, 'abs');
  }
  if ((m === 'mov' || m === 'movq') && ops.length === 2 && ops[0].kind === 'imm' && ops[1].kind === 'reg') {
    const r = REG64.indexOf(ops[1].name);
    if (r < 0) return fail(`stub encoder: unsupported operands`, 1);
    return imm32(done, [r >= 8 ? 0x49 : 0x48, 0xc7, 0xc0 + (r & 7)], ops[0].value, 'abs-signed');
  }
  if ((m === 'lea' || m === 'leaq') && ops.length === 2 && ops[0].kind === 'mem' && ops[0].base === 'rip' && ops[1].kind === 'reg') {
    const r = REG64.indexOf(ops[1].name);
    if (r < 0) return fail(`stub encoder: unsupported operands`, 1);
    const head = [r >= 8 ? 0x4c : 0x48, 0x8d, 0x05 | ((r & 7) << 3)];
    const disp: AsmValue = ops[0].disp ?? { kind: 'constant', value: 0n };
    if (disp.kind === 'constant') return done([...head, ...le(disp.value, 4)]);
    return done([...head, 0, 0, 0, 0], [{ offset: head.length, size: 4, kind: 'pcrel', symbol: disp.symbol, addend: disp.addend - 4n }]);
  }
  if (m === 'int' && ops.length === 1 && ops[0].kind === 'imm' && ops[0].value.kind === 'constant') {
    return done([0xcd, Number(ops[0].value.value & 0xffn)]);
  }
  const known = ['jmp', 'call', 'loop', 'jrcxz', 'push', 'pushq', 'pop', 'popq', 'mov', 'movl', 'movq', 'lea', 'leaq', 'int'];
  if (known.includes(m) || isJcc) return fail(`stub encoder: unsupported operands for \`${m}'`);
  return fail(`no such instruction: \`${m}'`);
}

function imm32(done: (b: number[], f?: Fx[]) => EncodeResult, head: number[], v: AsmValue, kind: 'abs' | 'abs-signed'): EncodeResult {
  if (v.kind === 'constant') return done([...head, ...le(v.value, 4)]);
  return done([...head, 0, 0, 0, 0], [{ offset: head.length, size: 4, kind, symbol: v.symbol, addend: v.addend }]);
}

