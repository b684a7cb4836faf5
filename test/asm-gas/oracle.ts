/**
 * An encoder backed by GNU as, for tests: each request is printed back as one AT&T
 * instruction, assembled by `as`, and the bytes and relocations read from the object file.
 * It honours the encoder contract (constants: shortest form; symbols: full width + fixup), so
 * the corpus comparison checks the front end independently of our own encoder. Results are
 * cached in memory and in .cache/asm-gas-oracle.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AsmValue } from '../../src/core/asm/object.js';
import type { AsmOperand, EncodeRequest, EncodeResult } from '../../src/core/asm/gas/encoder-api.js';
import { readElf, RELOC_KINDS } from './elf.js';

const CACHE_FILE = join('.cache', 'asm-gas-oracle.json');
type Cached = { ok: true; hex: string; fixups: Array<{ offset: number; size: 1 | 2 | 4 | 8; kind: 'abs' | 'abs-signed' | 'pcrel'; sym: number; addend: string }> } | { ok: false; message: string };

export class GasOracle {
  private cache = new Map<string, Cached>();
  private dirty = false;
  private dir = mkdtempSync(join(tmpdir(), 'gas-oracle-'));
  calls = 0;
  misses = 0;

  constructor(private persist = true) {
    if (persist && existsSync(CACHE_FILE)) {
      try {
        this.cache = new Map(Object.entries(JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, Cached>));
      } catch {
        this.cache = new Map();
      }
    }
  }

  save(): void {
    if (this.persist && this.dirty) {
      mkdirSync('.cache', { recursive: true });
      writeFileSync(CACHE_FILE, JSON.stringify(Object.fromEntries(this.cache)));
      this.dirty = false;
    }
  }

  dispose(): void {
    this.save();
    rmSync(this.dir, { recursive: true, force: true });
  }

  readonly encode = (req: EncodeRequest): EncodeResult => {
    this.calls++;
    const names: string[] = [];
    const sym = (s: string) => {
      let i = names.indexOf(s);
      if (i < 0) i = names.push(s) - 1;
      return `S${i}`;
    };
    const val = (v: AsmValue, rel?: bigint): string => {
      if (v.kind === 'constant') return rel !== undefined ? `.+(${v.value - rel})` : `${v.value}`;
      const a = v.addend;
      return a === 0n ? sym(v.symbol) : a > 0n ? `${sym(v.symbol)}+${a}` : `${sym(v.symbol)}-${-a}`;
    };
    const op = (o: AsmOperand, i: number): string => {
      const star = req.indirect && i === 0 ? '*' : '';
      switch (o.kind) {
        case 'reg': return `${star}%${o.name}`;
        case 'imm': return `$${val(o.value)}`;
        case 'target': return val(o.value, req.address);
        case 'mem': {
          let s = o.segment ? `%${o.segment}:` : '';
          if (o.disp) s += val(o.disp);
          if (o.base || o.index) {
            s += `(${o.base ? '%' + o.base : ''}`;
            if (o.index) s += `,%${o.index}${o.scale ? ',' + o.scale : ''}`;
            s += ')';
          }
          if (!o.disp && !o.base && !o.index) s += '0';
          return star + s;
        }
      }
    };
    const pre = req.prefixes.join(' ');
    const near = req.branch === 'near' && !req.prefixes.includes('{disp32}') ? '{disp32} ' : '';
    const text = `${near}${pre ? pre + ' ' : ''}${req.mnemonic} ${req.operands.map(op).join(', ')}`.trim();
    const key = `${req.branch ?? ''}|${text}`;
    let c = this.cache.get(key);
    if (!c) {
      this.misses++;
      c = this.assemble(text);
      this.cache.set(key, c);
      this.dirty = true;
    }
    if (!c.ok) return { ok: false, message: c.message };
    const bytes = Uint8Array.from(Buffer.from(c.hex, 'hex'));
    if (req.branch === 'short' && req.operands[0]?.kind === 'target' && req.operands[0].value.kind === 'constant') {
      // GNU as picked the near form because the displacement does not fit: no short form.
      const shortLen = req.prefixes.filter((p) => !p.startsWith('{')).length + 2;
      if (bytes.length !== shortLen) return { ok: false, message: 'short branch out of range' };
    }
    const relaxable = req.mnemonic === 'jmp' || /^j(?!mp|rcxz|ecxz)/.test(req.mnemonic);
    return {
      ok: true,
      bytes,
      fixups: c.fixups.map((f) => ({ offset: f.offset, size: f.size, kind: f.kind, symbol: names[f.sym], addend: BigInt(f.addend) })),
      relaxable,
    };
  };

  private assemble(text: string): Cached {
    const src = join(this.dir, 'i.s');
    const obj = join(this.dir, 'i.o');
    writeFileSync(src, `.text\n${text}\n`);
    try {
      execFileSync('as', ['--64', '-o', obj, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const err = String((e as { stderr?: Buffer }).stderr ?? e);
      const m = /Error: (.*)/.exec(err);
      return { ok: false, message: m ? m[1] : err.trim() };
    }
    const elf = readElf(readFileSync(obj));
    const text_ = elf.sections.find((s) => s.name === '.text')!;
    const relocs = elf.relocs.get(text_.index) ?? [];
    const fixups = [];
    for (const r of relocs) {
      const k = RELOC_KINDS[r.type];
      const s = elf.symbols[r.sym];
      if (!k || !s || !/^S\d+$/.test(s.name)) return { ok: false, message: `oracle: unexpected relocation type ${r.type} for \`${text}'` };
      fixups.push({ offset: Number(r.offset), size: k.size, kind: k.kind, sym: Number(s.name.slice(1)), addend: String(r.addend) });
    }
    return { ok: true, hex: Buffer.from(text_.bytes).toString('hex'), fixups };
  }
}
