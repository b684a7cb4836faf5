/**
 * DWARF for source-level debugging with GNU tools: one compilation unit per module with
 * instructions, each with a version 3 line program (one sequence per contiguous run of
 * instructions), address ranges, and the abbreviations they need. objdump -dl, addr2line and
 * gdb find line tables through .debug_info, so a minimal CU is emitted alongside .debug_line.
 */
import { ByteWriter } from './bytes.js';
import type { LinkedLine } from './linemap.js';

export interface DwarfUnit {
  /** Source file name of the module (DW_AT_name). */
  name: string;
  /** Instruction lines of the module, any order. */
  lines: LinkedLine[];
}

export interface DwarfSections {
  debug_info: Uint8Array;
  debug_abbrev: Uint8Array;
  debug_line: Uint8Array;
  debug_aranges: Uint8Array;
  debug_ranges: Uint8Array;
}

const DW_TAG_compile_unit = 0x11;
const DW_AT_name = 0x03;
const DW_AT_stmt_list = 0x10;
const DW_AT_low_pc = 0x11;
const DW_AT_high_pc = 0x12;
const DW_AT_language = 0x13;
const DW_AT_producer = 0x25;
const DW_AT_ranges = 0x55;
const DW_FORM_addr = 0x01;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_string = 0x08;
const DW_LANG_Mips_Assembler = 0x8001;

const LINE_BASE = -5;
const LINE_RANGE = 14;
const OPCODE_BASE = 13;
const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_set_column = 5;
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;

const PRODUCER = 'x64emu assembler';

function dirAndBase(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  if (i < 0) return ['', path];
  if (i === 0) return ['/', path.slice(1)];
  return [path.slice(0, i), path.slice(i + 1)];
}

/** Address-sorted, non-overlapping instruction runs. */
export function sequences(lines: LinkedLine[]): LinkedLine[][] {
  const sorted = [...lines].filter((l) => l.length > 0).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const out: LinkedLine[][] = [];
  let cur: LinkedLine[] = [];
  let end = -1n;
  for (const l of sorted) {
    if (cur.length > 0 && l.address < end) continue; // overlapping record: keep the first
    if (cur.length > 0 && l.address !== end) {
      out.push(cur);
      cur = [];
    }
    cur.push(l);
    end = l.address + BigInt(l.length);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function lineProgram(unit: DwarfUnit, runs: LinkedLine[][]): Uint8Array {
  const dirs: string[] = [];
  const files: { base: string; dir: number }[] = [];
  const fileIndex = new Map<string, number>();
  const fileOf = (path: string): number => {
    let i = fileIndex.get(path);
    if (i !== undefined) return i;
    const [dir, base] = dirAndBase(path);
    let d = 0;
    if (dir !== '') {
      d = dirs.indexOf(dir) + 1;
      if (d === 0) {
        dirs.push(dir);
        d = dirs.length;
      }
    }
    files.push({ base, dir: d });
    i = files.length;
    fileIndex.set(path, i);
    return i;
  };
  fileOf(unit.name);
  for (const run of runs) for (const l of run) fileOf(l.location.file);

  const prog = new ByteWriter();
  for (const run of runs) {
    let file = 1;
    let line = 1;
    let column = 0;
    let address = run[0].address;
    prog.u8(0).uleb(9).u8(DW_LNE_set_address).u64(address);
    for (const l of run) {
      const f = fileOf(l.location.file);
      if (f !== file) {
        prog.u8(DW_LNS_set_file).uleb(f);
        file = f;
      }
      const col = Math.max(0, l.location.column);
      if (col !== column) {
        prog.u8(DW_LNS_set_column).uleb(col);
        column = col;
      }
      const lineDelta = Math.max(0, l.location.line) - line;
      const addrDelta = l.address - address;
      const special = lineDelta - LINE_BASE + LINE_RANGE * Number(addrDelta) + OPCODE_BASE;
      if (lineDelta >= LINE_BASE && lineDelta < LINE_BASE + LINE_RANGE && addrDelta < 256n && special <= 255) {
        prog.u8(special);
      } else {
        if (lineDelta !== 0) prog.u8(DW_LNS_advance_line).sleb(lineDelta);
        if (addrDelta !== 0n) prog.u8(DW_LNS_advance_pc).uleb(addrDelta);
        prog.u8(DW_LNS_copy);
      }
      line += lineDelta;
      address = l.address;
    }
    const last = run[run.length - 1];
    const end = last.address + BigInt(last.length);
    if (end !== address) prog.u8(DW_LNS_advance_pc).uleb(end - address);
    prog.u8(0).uleb(1).u8(DW_LNE_end_sequence);
  }

  const header = new ByteWriter();
  header.u8(1).u8(1).u8(LINE_BASE & 0xff).u8(LINE_RANGE).u8(OPCODE_BASE);
  for (const n of [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]) header.u8(n);
  for (const d of dirs) header.cstring(d);
  header.u8(0);
  for (const f of files) header.cstring(f.base).uleb(f.dir).uleb(0).uleb(0);
  header.u8(0);
  const h = header.finish();
  const p = prog.finish();
  const out = new ByteWriter();
  out.u32(2 + 4 + h.length + p.length).u16(3).u32(h.length).bytes(h).bytes(p);
  return out.finish();
}

export function buildDwarf(units: DwarfUnit[]): DwarfSections | undefined {
  const info = new ByteWriter();
  const line = new ByteWriter();
  const aranges = new ByteWriter();
  const ranges = new ByteWriter();
  const abbrev = new ByteWriter();
  // 1: contiguous unit (low_pc/high_pc), 2: unit with a range list.
  abbrev.uleb(1).uleb(DW_TAG_compile_unit).u8(0);
  abbrev.uleb(DW_AT_stmt_list).uleb(DW_FORM_data4).uleb(DW_AT_low_pc).uleb(DW_FORM_addr).uleb(DW_AT_high_pc).uleb(DW_FORM_addr);
  abbrev.uleb(DW_AT_name).uleb(DW_FORM_string).uleb(DW_AT_producer).uleb(DW_FORM_string).uleb(DW_AT_language).uleb(DW_FORM_data2).u8(0).u8(0);
  abbrev.uleb(2).uleb(DW_TAG_compile_unit).u8(0);
  abbrev.uleb(DW_AT_stmt_list).uleb(DW_FORM_data4).uleb(DW_AT_low_pc).uleb(DW_FORM_addr).uleb(DW_AT_ranges).uleb(DW_FORM_data4);
  abbrev.uleb(DW_AT_name).uleb(DW_FORM_string).uleb(DW_AT_producer).uleb(DW_FORM_string).uleb(DW_AT_language).uleb(DW_FORM_data2).u8(0).u8(0);
  abbrev.u8(0);

  let any = false;
  for (const unit of units) {
    const runs = sequences(unit.lines);
    if (runs.length === 0) continue;
    any = true;
    const spans = runs.map((r) => {
      const last = r[r.length - 1];
      return { start: r[0].address, end: last.address + BigInt(last.length) };
    });
    const stmtList = line.length;
    line.bytes(lineProgram(unit, runs));

    const cuStart = info.length;
    const die = new ByteWriter();
    if (spans.length === 1) {
      die.uleb(1).u32(stmtList).u64(spans[0].start).u64(spans[0].end);
    } else {
      die.uleb(2).u32(stmtList).u64(0).u32(ranges.length);
      for (const s of spans) ranges.u64(s.start).u64(s.end);
      ranges.u64(0).u64(0);
    }
    die.cstring(unit.name).cstring(PRODUCER).u16(DW_LANG_Mips_Assembler);
    const d = die.finish();
    info.u32(2 + 4 + 1 + d.length).u16(3).u32(0).u8(8).bytes(d);

    const set = new ByteWriter();
    set.u16(2).u32(cuStart).u8(8).u8(0).zeros(4);
    for (const s of spans) set.u64(s.start).u64(s.end - s.start);
    set.u64(0).u64(0);
    const sb = set.finish();
    aranges.u32(sb.length).bytes(sb);
  }
  if (!any) return undefined;
  return {
    debug_info: info.finish(),
    debug_abbrev: abbrev.finish(),
    debug_line: line.finish(),
    debug_aranges: aranges.finish(),
    debug_ranges: ranges.finish(),
  };
}
