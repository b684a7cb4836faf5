// DWARF .debug_line decoder (versions 2–5) for the linker tests: reads GNU as's line tables
// out of relocatable objects (addresses come from relocations) and checks the linker's own.
export interface LineRow {
  address: bigint;
  file: string;
  line: number;
  column: number;
  endSequence: boolean;
  /** For relocatable input: the section DW_LNE_set_address was relocated against. */
  section?: string;
}

export interface LineTable {
  offset: number;
  version: number;
  files: string[];
  rows: LineRow[];
}

class R {
  pos: number;
  private v: DataView;
  constructor(
    readonly b: Uint8Array,
    pos: number,
  ) {
    this.pos = pos;
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  u8() {
    return this.b[this.pos++];
  }
  u16() {
    const x = this.v.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
  u32() {
    const x = this.v.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  u64() {
    const x = this.v.getBigUint64(this.pos, true);
    this.pos += 8;
    return x;
  }
  uleb(): bigint {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const b = this.u8();
      r |= BigInt(b & 0x7f) << s;
      s += 7n;
      if (!(b & 0x80)) return r;
    }
  }
  sleb(): bigint {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const b = this.u8();
      r |= BigInt(b & 0x7f) << s;
      s += 7n;
      if (!(b & 0x80)) {
        if (b & 0x40) r -= 1n << s;
        return r;
      }
    }
  }
  cstr(): string {
    let e = this.pos;
    while (this.b[e] !== 0) e++;
    const s = new TextDecoder().decode(this.b.subarray(this.pos, e));
    this.pos = e + 1;
    return s;
  }
}

/**
 * `relocAt(offset)` returns the section + addend a relocation puts at that offset of .debug_line
 * (for .o files); `lineStr(offset)` reads .debug_line_str (DWARF 5).
 */
export function decodeDebugLine(
  data: Uint8Array,
  relocAt?: (offset: number) => { section: string; addend: bigint } | undefined,
  lineStr?: (offset: number) => string,
): LineTable[] {
  const tables: LineTable[] = [];
  let off = 0;
  while (off < data.length) {
    const r = new R(data, off);
    const unitLength = r.u32();
    const end = r.pos + unitLength;
    const version = r.u16();
    if (version >= 5) {
      r.u8(); // address size
      r.u8(); // segment selector size
    }
    const headerLength = r.u32();
    const progStart = r.pos + headerLength;
    const minInst = r.u8();
    if (version >= 4) r.u8();
    const defaultIsStmt = r.u8();
    void defaultIsStmt;
    const lineBase = (r.u8() << 24) >> 24;
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    const stdLengths: number[] = [];
    for (let i = 1; i < opcodeBase; i++) stdLengths.push(r.u8());
    const dirs: string[] = [];
    const files: string[] = [];
    if (version >= 5) {
      const readEntries = (): Array<Record<number, string | bigint>> => {
        const fmtCount = r.u8();
        const fmt: [number, number][] = [];
        for (let i = 0; i < fmtCount; i++) fmt.push([Number(r.uleb()), Number(r.uleb())]);
        const n = Number(r.uleb());
        const out: Array<Record<number, string | bigint>> = [];
        for (let i = 0; i < n; i++) {
          const e: Record<number, string | bigint> = {};
          for (const [ct, form] of fmt) {
            if (form === 0x08) e[ct] = r.cstr();
            else if (form === 0x1f) e[ct] = lineStr ? lineStr(r.u32()) : '?';
            else if (form === 0x0e) e[ct] = (r.u32(), '?');
            else if (form === 0x0b) e[ct] = BigInt(r.u8());
            else if (form === 0x05) e[ct] = BigInt(r.u16());
            else if (form === 0x0f) e[ct] = r.uleb();
            else if (form === 0x1e) {
              r.pos += 16;
              e[ct] = 0n;
            } else throw new Error(`unsupported DWARF 5 form ${form}`);
          }
          out.push(e);
        }
        return out;
      };
      for (const d of readEntries()) dirs.push(String(d[1]));
      for (const f of readEntries()) {
        const name = String(f[1]);
        const dir = dirs[Number(f[2] ?? 0n)] ?? '';
        files.push(name.startsWith('/') || dir === '' ? name : `${dir}/${name}`);
      }
    } else {
      for (;;) {
        const d = r.cstr();
        if (d === '') break;
        dirs.push(d);
      }
      files.push('');
      for (;;) {
        const f = r.cstr();
        if (f === '') break;
        const dir = Number(r.uleb());
        r.uleb();
        r.uleb();
        const d = dir === 0 ? '' : dirs[dir - 1];
        files.push(f.startsWith('/') || d === '' ? f : `${d}/${f}`);
      }
    }
    r.pos = progStart;
    const rows: LineRow[] = [];
    const reset = () => ({ address: 0n, file: 1, line: 1, column: 0, section: undefined as string | undefined });
    let st = reset();
    const emit = (endSequence: boolean) =>
      rows.push({ address: st.address, file: files[st.file] ?? `#${st.file}`, line: st.line, column: st.column, endSequence, section: st.section });
    while (r.pos < end) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        st.address += BigInt(Math.floor(adj / lineRange) * minInst);
        st.line += lineBase + (adj % lineRange);
        emit(false);
      } else if (op === 0) {
        const len = Number(r.uleb());
        const sub = r.u8();
        const at = r.pos;
        if (sub === 1) {
          emit(true);
          st = reset();
        } else if (sub === 2) {
          st.address = r.u64();
          const rel = relocAt?.(at);
          if (rel) {
            st.address = rel.addend;
            st.section = rel.section;
          }
        }
        r.pos = at + len - 1;
      } else if (op === 1) emit(false);
      else if (op === 2) st.address += r.uleb() * BigInt(minInst);
      else if (op === 3) st.line += Number(r.sleb());
      else if (op === 4) st.file = Number(r.uleb());
      else if (op === 5) st.column = Number(r.uleb());
      else if (op === 8) st.address += BigInt(Math.floor((255 - opcodeBase) / lineRange) * minInst);
      else if (op === 9) st.address += BigInt(r.u16());
      else for (let i = 0; i < stdLengths[op - 1]; i++) r.uleb();
    }
    tables.push({ offset: off, version, files, rows });
    off = end;
  }
  return tables;
}
