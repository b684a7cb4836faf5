/**
 * Second half of the front end: lay out each section's fragments (relaxing branches from short
 * to near until nothing changes, as GNU as does), then emit the bytes, resolve the fixups that
 * can be resolved and turn the rest into relocations, and collect symbols and line records.
 */
import type { AsmSection, AsmSymbol, Fixup, LineRecord, ObjectModule } from '../object.js';
import type { FrontEnd } from './assembler.js';
import type { BExpr, BranchFrag, Frag, PendingFixup, Section, Sym, Where } from './model.js';
import { SHF_MERGE, SHT_NOBITS } from './model.js';
import { nopFill } from './nops.js';
import { originAt } from './source.js';
import { asConstant, evaluate, isExternal, reduce, type Reduced } from './value.js';

const MAX_PASSES = 500;

interface Resolved {
  /** Section-relative target for a local branch. */
  value: bigint;
}

export class Layout {
  private sections: Section[];

  constructor(private fe: FrontEnd) {
    this.sections = [...fe.sections.values()];
  }

  private error(w: Where, message: string): void {
    this.fe.error(w, message);
  }
  private warning(w: Where, message: string): void {
    this.fe.warning(w, message);
  }

  run(): ObjectModule | undefined {
    for (const s of this.sections) {
      s.frags = [...s.subsections.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, f]) => f);
    }
    this.decideBranches();
    this.relax();
    const out: AsmSection[] = [];
    for (const s of this.sections) out.push(this.emitSection(s));
    const symbols = this.symbols();
    const lines = this.lines();
    if (this.fe.diagnostics.some((d) => d.severity === 'error')) return undefined;
    return { fileName: this.fe.options.fileName, sections: out, symbols, lines };
  }

  // ---------------------------------------------------------------- relaxation

  private decideBranches(): void {
    for (const s of this.sections) {
      for (const f of s.frags) {
        if (f.kind !== 'branch') continue;
        f.local = this.localTarget(f) !== undefined;
        f.form = f.local && f.shortSize > 0 ? 'short' : 'near';
        f.size = f.form === 'short' ? f.shortSize : f.nearSize;
      }
    }
  }

  /** The section offset of a branch target GNU as resolves itself (same section, not weak). */
  private localTarget(f: BranchFrag): Resolved | undefined {
    const r = evaluate(f.target, { mode: 'final' });
    if (!r.ok) return undefined;
    const red = reduce(r.val, 'final');
    if (red.undef.length || red.groups.length !== 1) return undefined;
    const g = red.groups[0];
    if (g.base !== f.section || g.coeff !== 1n) return undefined;
    if (g.terms.some((t) => t.sym.binding === 'weak')) return undefined;
    return { value: red.c };
  }

  private sizeOf(f: Frag): number {
    switch (f.kind) {
      case 'data':
        return f.bytes.length;
      case 'fill':
        return f.count * f.pattern.length;
      case 'branch': {
        if (f.form === 'short') {
          const t = this.localTarget(f);
          if (t) {
            const disp = t.value - BigInt(f.address + f.shortSize);
            if (disp < -128n || disp > 127n) f.form = 'near';
          } else f.form = 'near';
        }
        return f.form === 'short' ? f.shortSize : f.nearSize;
      }
      case 'align': {
        const pad = (f.align - (f.address % f.align)) % f.align;
        return f.max > 0 && pad > f.max ? 0 : pad;
      }
      case 'org': {
        const t = this.orgTarget(f.target, f.section);
        if (t === undefined) return 0;
        const n = t - BigInt(f.address);
        return n < 0n ? 0 : Number(n);
      }
      case 'space': {
        const r = evaluate(f.count, { mode: 'final' });
        const k = r.ok ? asConstant(r.val, 'final') : undefined;
        if (k === undefined || k <= 0n || k > 1n << 32n) return 0;
        return Number(k) * f.fill.length;
      }
    }
  }

  /** An .org target: absolute, or an offset in the fragment's own section. */
  private orgTarget(b: BExpr, section: Section): bigint | undefined {
    const r = evaluate(b, { mode: 'final' });
    if (!r.ok) return undefined;
    const red = reduce(r.val, 'final');
    if (red.undef.length) return undefined;
    if (red.groups.length === 0) return red.c;
    if (red.groups.length === 1 && red.groups[0].base === section && red.groups[0].coeff === 1n) return red.c;
    return undefined;
  }

  private assign(grow = true): boolean {
    let changed = false;
    for (const s of this.sections) {
      let addr = 0;
      for (const f of s.frags) {
        if (f.address !== addr) changed = true;
        f.address = addr;
        const n = !grow && f.kind === 'branch' ? f.size : this.sizeOf(f);
        if (n !== f.size) changed = true;
        f.size = n;
        addr += n;
      }
    }
    return changed;
  }

  private relax(): void {
    // Addresses from the initial sizes first (short branches), so that forward targets are not
    // judged from zero addresses.
    this.assign(false);
    this.assign(false);
    // Branches only ever grow, so they alone always settle; .org/.skip sizes may not.
    const branches = this.sections.reduce((n, s) => n + s.frags.filter((f) => f.kind === 'branch').length, 0);
    const limit = MAX_PASSES + 2 * branches;
    for (let pass = 0; pass < limit; pass++) {
      if (!this.assign()) return;
    }
    // No fixed point: a size depends on itself (e.g. `.skip 1f - .` before `1:`).
    for (const s of this.sections) {
      const f = s.frags.find((x) => x.kind === 'space' || x.kind === 'org');
      const where = f && 'where' in f ? f.where : undefined;
      if (where) this.error(where, `Infinite loop encountered whilst attempting to compute the addresses of symbols in section ${s.name}`);
    }
  }

  // ---------------------------------------------------------------- emission

  private emitSection(s: Section): AsmSection {
    const size = s.frags.reduce((n, f) => n + f.size, 0);
    const nobits = s.type === SHT_NOBITS;
    const bytes = new Uint8Array(size);
    const fixups: Fixup[] = [];
    const pending: Array<{ f: PendingFixup; at: number }> = [];
    for (const f of s.frags) {
      const at = f.address;
      switch (f.kind) {
        case 'data':
          bytes.set(f.bytes, at);
          for (const x of f.fixups) pending.push({ f: x, at: at + x.offset });
          break;
        case 'fill':
          for (let k = 0; k < f.count; k++) bytes.set(f.pattern, at + k * f.pattern.length);
          break;
        case 'branch':
          this.emitBranch(f, bytes, pending);
          break;
        case 'align':
          if (f.code) bytes.set(nopFill(f.size), at);
          else if (f.fill) {
            const fs = f.fill.size;
            const pat: number[] = [];
            for (let k = 0; k < fs; k++) pat.push(Number((BigInt.asUintN(8 * fs, f.fill.value) >> BigInt(8 * k)) & 0xffn));
            const lead = f.size % fs;
            if (lead) this.error(f.where, `alignment padding (${f.size} bytes) not a multiple of ${fs}`);
            for (let k = 0; k < f.size - lead; k++) bytes[at + lead + k] = pat[k % fs];
            if (nobits && pat.some((b) => b !== 0) && f.size > 0) this.error(f.where, `attempt to store non-zero value in section \`${s.name}'`);
          }
          break;
        case 'org': {
          const t = this.orgTarget(f.target, s);
          if (t === undefined) this.error(f.where, `.org expression must be a constant or an address in section ${s.name}`);
          else if (t < BigInt(f.address)) this.error(f.where, 'attempt to move .org backwards');
          bytes.fill(f.fill, at, at + f.size);
          break;
        }
        case 'space': {
          const r = evaluate(f.count, { mode: 'final' });
          const k = r.ok ? asConstant(r.val, 'final') : undefined;
          if (k === undefined) this.error(f.where, `.space/.fill count is not a constant: ${r.ok ? 'it depends on an undefined or relocatable symbol' : r.message}`);
          else if (k < 0n) this.warning(f.where, '.space, .nops or .fill with negative value, ignoring');
          for (let n = 0; n + f.fill.length <= f.size; n += f.fill.length) bytes.set(f.fill, at + n);
          break;
        }
      }
    }
    for (const { f, at } of pending) {
      const fx = this.finishFixup(f, at, s, bytes);
      if (fx) fixups.push(fx);
    }
    return { name: s.name, flags: s.flags, type: s.type, alignment: s.align, bytes: nobits ? new Uint8Array(0) : bytes, size, fixups };
  }

  private emitBranch(f: BranchFrag, bytes: Uint8Array, pending: Array<{ f: PendingFixup; at: number }>): void {
    const enc = this.fe.options.encoder;
    const t = f.local ? this.localTarget(f) : undefined;
    if (t) {
      const res = enc({ ...f.req, operands: [{ kind: 'target', value: { kind: 'constant', value: t.value } }], branch: f.form, address: BigInt(f.address) });
      if (!res.ok) {
        this.error(f.where, res.message);
        return;
      }
      if (res.bytes.length !== f.size) {
        this.error(f.where, `internal error: branch encoded in ${res.bytes.length} bytes, ${f.size} expected`);
        return;
      }
      bytes.set(res.bytes, f.address);
      return;
    }
    const ph = '__gas_branch_target';
    const res = enc({ ...f.req, operands: [{ kind: 'target', value: { kind: 'symbol', symbol: ph, addend: 0n } }], branch: 'near', address: BigInt(f.address) });
    if (!res.ok) {
      this.error(f.where, res.message);
      return;
    }
    if (res.bytes.length !== f.size) {
      this.error(f.where, `internal error: branch encoded in ${res.bytes.length} bytes, ${f.size} expected`);
      return;
    }
    bytes.set(res.bytes, f.address);
    for (const x of res.fixups) {
      pending.push({
        f: { offset: x.offset, size: x.size, kind: x.kind, expr: f.target, adj: x.addend, check: 'signed', where: { ...f.where, end: f.where.stmt.text.length } },
        at: f.address + x.offset,
      });
    }
  }

  private patch(bytes: Uint8Array, at: number, size: number, value: bigint): void {
    const v = BigInt.asUintN(8 * size, value);
    for (let k = 0; k < size; k++) bytes[at + k] = Number((v >> BigInt(8 * k)) & 0xffn);
  }

  private rangeOk(value: bigint, size: number, check: PendingFixup['check']): boolean {
    if (size >= 8) return true;
    const bits = BigInt(8 * size);
    switch (check) {
      case 'signed': return value >= -(1n << (bits - 1n)) && value < 1n << (bits - 1n);
      case 'unsigned': return value >= 0n && value < 1n << bits;
      case 'either': return value >= -(1n << (bits - 1n)) && value < 1n << bits;
      case 'data': return true;
    }
  }

  private finishFixup(f: PendingFixup, at: number, s: Section, bytes: Uint8Array): Fixup | undefined {
    const r = evaluate(f.expr, { mode: 'final', warn: (m) => this.warning(f.where, m) });
    if (!r.ok) {
      this.error(f.where, `can't resolve expression: ${r.message}`);
      return undefined;
    }
    const red = reduce(r.val, 'final');
    const A0 = red.c + f.adj;
    const location = originAt(f.where.stmt, f.where.pos).location;
    if (red.groups.length === 0 && red.undef.length === 0) {
      if (f.kind === 'pcrel') {
        this.error(f.where, `can't make a pc-relative reference to the absolute value ${red.c}`);
        return undefined;
      }
      this.store(f, bytes, at, A0);
      return undefined;
    }
    // One symbol or section with coefficient +1; optionally minus a place in this section.
    let minusHere = false;
    const plus = [...red.groups.filter((g) => !(g.base === s && g.coeff === -1n)), ...red.undef.map((u) => ({ base: undefined, coeff: u.coeff, terms: [u] }))];
    if (plus.length !== red.groups.length + red.undef.length) minusHere = true;
    if (plus.length !== 1 || plus[0].coeff !== 1n) {
      this.error(f.where, this.unresolvable(red));
      return undefined;
    }
    if (minusHere && f.kind === 'pcrel') {
      this.error(f.where, this.unresolvable(red));
      return undefined;
    }
    const g = plus[0];
    const single = g.terms.length === 1 ? g.terms[0].sym : undefined;
    const kind = minusHere ? 'pcrel' : f.kind;
    let addend = minusHere ? A0 + BigInt(at) : A0;
    if (g.base === undefined) {
      // undefined symbol
      return { offset: at, size: f.size, kind, symbol: single!.name, addend, location };
    }
    const external = single !== undefined && isExternal(single);
    if (kind === 'pcrel' && g.base === s && !external && !minusHere) {
      // pc-relative to a local place in this very section: resolved now.
      this.store({ ...f, check: 'signed' }, bytes, at, A0 - BigInt(at));
      return undefined;
    }
    if (external) {
      const off = this.offsetOf(single!);
      addend -= off;
      return { offset: at, size: f.size, kind, symbol: single!.name, addend, location };
    }
    const sec = g.base as Section;
    if (single && !single.temp && (sec.flags & SHF_MERGE) !== 0) {
      // GNU as keeps the symbol (not the section) for a reference into a mergeable section
      // with an addend or a subtracted symbol, since merging may move the data.
      const rel = addend - this.offsetOf(single);
      if (rel !== 0n || minusHere) {
        single.usedInReloc = true;
        return { offset: at, size: f.size, kind, symbol: single.name, addend: rel, location };
      }
    }
    return { offset: at, size: f.size, kind, symbol: sec.name, addend, location };
  }

  private offsetOf(sym: Sym): bigint {
    const r = evaluate({ k: 'sym', sym }, { mode: 'final' });
    if (!r.ok) return 0n;
    const red = reduce(r.val, 'final');
    return red.c;
  }

  private unresolvable(red: Reduced): string {
    const parts: string[] = [];
    const term = (coeff: bigint, name: string) =>
      parts.push(parts.length === 0 ? (coeff === 1n ? name : coeff === -1n ? `-${name}` : `${coeff}*${name}`) : coeff === 1n ? `+ ${name}` : coeff === -1n ? `- ${name}` : `+ ${coeff}*${name}`);
    for (const g of red.groups) {
      const one = g.terms.length === 1 ? g.terms[0].sym : undefined;
      const name = one && (g.coeff < 0n || isExternal(one)) ? one.name : (g.base as Section).name;
      term(g.coeff, name);
    }
    for (const u of red.undef) term(u.coeff, u.sym.name);
    return `can't resolve ${parts.join(' ')}`;
  }

  private store(f: PendingFixup, bytes: Uint8Array, at: number, value: bigint): void {
    if (f.check === 'data') {
      if (f.size < 8) {
        const mask = BigInt.asUintN(64, ~0n << BigInt(8 * f.size));
        const get = BigInt.asUintN(64, value);
        if ((get & mask) !== 0n && (BigInt.asUintN(64, -get) & mask) !== 0n) {
          this.warning(f.where, `value 0x${get.toString(16)} truncated to 0x${(get & ~mask & ((1n << 64n) - 1n)).toString(16)}`);
        }
      }
    } else if (!this.rangeOk(value, f.size, f.check)) {
      this.error(f.where, `value of ${value} too large for field of ${f.size} byte${f.size > 1 ? 's' : ''} at 0x${at.toString(16)}`);
    }
    this.patch(bytes, at, f.size, value);
  }

  // ---------------------------------------------------------------- symbols and lines

  private symbols(): AsmSymbol[] {
    const out: AsmSymbol[] = [];
    for (const s of this.sections) {
      out.push({ name: s.name, section: s.name, value: 0n, binding: 'local', type: 'section', defined: true });
    }
    const fs = this.fe.fileSymbol;
    if (fs) {
      out.push({ name: fs.name, value: 0n, binding: 'local', type: 'file', defined: true, location: originAt(fs.where.stmt, fs.where.pos).location });
    }
    for (const sym of this.fe.symbols.values()) {
      if (sym.temp) {
        if (sym.def.kind === 'undef' && sym.referenced && sym.display !== undefined) {
          const w = sym.where;
          const inst = /\u0002(\d+)$/.exec(sym.name)?.[1] ?? '?';
          if (w) this.error(w, `local label \`"${sym.display}" (instance number ${inst} of a fb label)' is not defined`);
        }
        continue;
      }
      const a = this.symbolOf(sym);
      if (a) out.push(a);
    }
    return out;
  }

  private symbolOf(sym: Sym): AsmSymbol | undefined {
    const isL = sym.name.startsWith('.L');
    const location = sym.where ? originAt(sym.where.stmt, sym.where.pos).location : undefined;
    let size: bigint | undefined;
    if (sym.size) {
      const r = evaluate(sym.size.expr, { mode: 'final' });
      const k = r.ok ? asConstant(r.val, 'final') : undefined;
      if (k === undefined) this.error(sym.size.where, `.size expression for ${sym.name} does not evaluate to a constant`);
      else size = k;
    }
    const base = { name: sym.name, type: sym.type, ...(size !== undefined ? { size } : {}), ...(location ? { location } : {}) };
    const d = sym.def;
    if (d.kind === 'undef') {
      if (!sym.referenced && sym.binding !== 'global' && sym.type === 'notype' && size === undefined) return undefined;
      if (sym.binding === 'local') {
        if (sym.where) this.error(sym.where, `symbol \`${sym.name}' is declared .local but never defined`);
        return undefined;
      }
      return { ...base, value: 0n, binding: sym.binding === 'weak' ? 'weak' : 'global', defined: false };
    }
    const binding = sym.binding ?? 'local';
    if (isL && binding === 'local' && !sym.usedInReloc) return undefined;
    if (d.kind === 'label') {
      return { ...base, section: d.frag.section.name, value: BigInt(d.frag.address + d.offset), binding, defined: true };
    }
    if (d.kind === 'eqv') return undefined;
    const r = evaluate(d.expr, { mode: 'final' });
    if (!r.ok) {
      if (sym.where) this.error(sym.where, `can't resolve value for symbol \`${sym.name}': ${r.message}`);
      return undefined;
    }
    const red = reduce(r.val, 'final');
    if (red.groups.length === 0 && red.undef.length === 0) return { ...base, value: red.c, binding, defined: true };
    if (red.undef.length === 0 && red.groups.length === 1 && red.groups[0].coeff === 1n) {
      return { ...base, section: (red.groups[0].base as Section).name, value: red.c, binding, defined: true };
    }
    if (red.groups.length === 0 && red.undef.length === 1 && red.undef[0].coeff === 1n) {
      // An alias of an undefined symbol: not representable; leave it out (references use the target).
      return undefined;
    }
    if (sym.where) this.error(sym.where, `can't resolve value for symbol \`${sym.name}'`);
    return undefined;
  }

  private lines(): LineRecord[] {
    const out: LineRecord[] = [];
    for (const l of this.fe.lines) {
      const length = l.length ?? l.frag.size;
      if (length <= 0) continue;
      const o = originAt(l.where.stmt, l.where.pos);
      out.push({ section: l.frag.section.name, offset: l.frag.address + l.offset, length, location: o.location, chain: o.chain, isInstruction: l.isInstruction });
    }
    return out;
  }
}
