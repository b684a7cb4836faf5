export { MAX_NOP, nopFill } from '../nop-fill.js';

/** Instruction prefixes that may stand alone as a statement, and their bytes. */
export const PREFIX_BYTES: Record<string, number> = {
  lock: 0xf0, rep: 0xf3, repe: 0xf3, repz: 0xf3, repne: 0xf2, repnz: 0xf2,
  data16: 0x66, addr32: 0x67, cs: 0x2e, ds: 0x3e, es: 0x26, fs: 0x64, gs: 0x65, ss: 0x36,
  rex: 0x40, rex64: 0x48, notrack: 0x3e, xacquire: 0xf2, xrelease: 0xf3, bnd: 0xf2,
};

/** `rex.W`, `rex.RB`, ...: the REX byte, or undefined. */
export function rexPrefixByte(word: string): number | undefined {
  const m = /^rex\.([wrxb]+)$/i.exec(word);
  if (!m) return undefined;
  let v = 0x40;
  for (const c of m[1].toLowerCase()) v |= c === 'w' ? 8 : c === 'r' ? 4 : c === 'x' ? 2 : 1;
  return v;
}
