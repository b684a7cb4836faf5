/**
 * Builds minimal static ELF64 executables in memory for tests: one RWX PT_LOAD segment with
 * the given code at `base`, and optionally a symbol table. Not a linker — just enough for
 * tests to run hand-assembled code without binutils.
 */
export function buildStaticElf(code: Uint8Array, opts: { base?: number; symbols?: Array<[string, number]> } = {}): Uint8Array {
  const base = opts.base ?? 0x401000;
  const symbols = opts.symbols ?? [];
  const ehdr = 64;
  const phdr = 56;
  const codeOff = 0x1000;
  const strtab = [0, ...symbols.flatMap(([name]) => [...new TextEncoder().encode(name), 0])];
  const shstr = new TextEncoder().encode('\0.text\0.symtab\0.strtab\0.shstrtab\0');
  const symtabOff = codeOff + code.length;
  const symtabSize = 24 * (symbols.length + 1);
  const strtabOff = symtabOff + symtabSize;
  const shstrOff = strtabOff + strtab.length;
  const shOff = Math.ceil((shstrOff + shstr.length) / 8) * 8;
  const total = shOff + 5 * 64;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 62, true); // EM_X86_64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(base), true);
  v.setBigUint64(32, BigInt(ehdr), true);
  v.setBigUint64(40, BigInt(shOff), true);
  v.setUint16(52, ehdr, true);
  v.setUint16(54, phdr, true);
  v.setUint16(56, 1, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, 5, true);
  v.setUint16(62, 4, true);
  // PT_LOAD, RWX
  v.setUint32(ehdr, 1, true);
  v.setUint32(ehdr + 4, 7, true);
  v.setBigUint64(ehdr + 8, BigInt(codeOff), true);
  v.setBigUint64(ehdr + 16, BigInt(base), true);
  v.setBigUint64(ehdr + 24, BigInt(base), true);
  v.setBigUint64(ehdr + 32, BigInt(code.length), true);
  v.setBigUint64(ehdr + 40, BigInt(code.length), true);
  v.setBigUint64(ehdr + 48, 0x1000n, true);
  out.set(code, codeOff);
  let nameOff = 1;
  symbols.forEach(([name, value], i) => {
    const at = symtabOff + 24 * (i + 1);
    v.setUint32(at, nameOff, true);
    out[at + 4] = 0x12; // STB_GLOBAL, STT_FUNC
    v.setUint16(at + 6, 1, true);
    v.setBigUint64(at + 8, BigInt(value), true);
    nameOff += new TextEncoder().encode(name).length + 1;
  });
  out.set(strtab, strtabOff);
  out.set(shstr, shstrOff);
  const section = (i: number, name: number, type: number, off: number, size: number, link = 0, entsize = 0, addr = 0) => {
    const at = shOff + 64 * i;
    v.setUint32(at, name, true);
    v.setUint32(at + 4, type, true);
    v.setBigUint64(at + 16, BigInt(addr), true);
    v.setBigUint64(at + 24, BigInt(off), true);
    v.setBigUint64(at + 32, BigInt(size), true);
    v.setUint32(at + 40, link, true);
    v.setBigUint64(at + 56, BigInt(entsize), true);
  };
  section(1, 1, 1, codeOff, code.length, 0, 0, base);
  section(2, 7, 2, symtabOff, symtabSize, 3, 24);
  section(3, 15, 3, strtabOff, strtab.length);
  section(4, 23, 3, shstrOff, shstr.length);
  return out;
}

export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}
