// System architecture rules, each test named after the SDM rule it checks (vol. 2 pseudo-code
// and vol. 3 chapters 4–6). The fixture is a tiny ring-0 environment built from JavaScript:
// identity-mapped 4 KiB pages, a Linux-shaped GDT, an IDT whose handlers are `hlt`s (so the
// stop address tells which vector arrived) and a 64-bit TSS.
import { strict as assert } from 'node:assert';
import { hex } from '../loader/tiny-elf.test-support.js';
import { BareMachine } from './bare-machine.js';
import { CR0, CR4, EFER } from './control-registers.js';
import type { Cpu, StopReason } from './cpu.js';
import { Vector } from './faults.js';
import { MSR } from './msr.js';
import { PTE } from './paging.js';
import { RFLAGS } from './rflags.js';
import { Seg } from './segments.js';

const KCODE = 0x400000; // supervisor, executable
const UCODE = 0x500000; // user, executable
const KDATA = 0x600000; // supervisor RW
const UDATA = 0x700000; // user RW
const URO = 0x710000; // user read-only
const GDT = 0x800000;
const IDT = 0x801000;
const TSS = 0x802000;
const HANDLERS = 0x403000; // vector v's handler: `hlt` at HANDLERS + 16·v
const RSP0 = 0x900000;
const IST1 = 0x920000;

class Fixture {
  readonly m = new BareMachine(32 << 20);
  readonly cpu: Cpu = this.m.cpu;

  constructor() {
    const k = { write: false, user: false, exec: true };
    this.m.map(KCODE, 0x4000, k);
    this.m.map(UCODE, 0x1000, { write: false, user: true, exec: true });
    this.m.map(KDATA, 0x1000, { write: true, user: false, exec: false });
    this.m.map(UDATA, 0x1000, { write: true, user: true, exec: false });
    this.m.map(URO, 0x1000, { write: false, user: true, exec: false });
    this.m.map(GDT, 0x3000, { write: true, user: false, exec: false });
    this.m.map(RSP0 - 0x2000, 0x2000, { write: true, user: false, exec: false });
    this.m.map(IST1 - 0x2000, 0x2000, { write: true, user: false, exec: false });
    const gdt = [0n, 0n, 0x00af9b000000ffffn, 0x00cf93000000ffffn, 0x00cffb000000ffffn, 0x00cff3000000ffffn, 0x00affb000000ffffn, 0n];
    const tssLow = 0x0000890000000067n | (BigInt(TSS & 0xffffff) << 16n) | (BigInt(TSS >>> 24) << 56n);
    gdt.push(tssLow, 0n);
    this.put64(GDT, gdt);
    this.put64(TSS + 4, [BigInt(RSP0)]);
    this.put64(TSS + 0x24, [BigInt(IST1)]);
    for (let v = 0; v < 32; v++) {
      this.m.load(HANDLERS + 16 * v, Uint8Array.of(0xf4));
      this.gate(v, HANDLERS + 16 * v, 0);
    }
    const cpu = this.cpu;
    cpu.deliversExceptions = true;
    cpu.gdtr = { base: GDT, limit: gdt.length * 8 - 1 };
    cpu.idtr = { base: IDT, limit: 256 * 16 - 1 };
    cpu.efer = EFER.LME | EFER.LMA | EFER.NXE | EFER.SCE;
    cpu.loadFlatCodeAndStack(0x10, 0x18, 0);
    cpu.flags = RFLAGS.FIXED1;
    cpu.setRegNumber(4, RSP0 - 0x1000);
    cpu.tr = { selector: 0x40, base: TSS, limit: 0x67, type: 11, s: false, dpl: 0, present: true, long: false, db: false, granularity: false };
  }

  put64(addr: number, values: bigint[]): void {
    const b = new Uint8Array(values.length * 8);
    values.forEach((v, i) => new DataView(b.buffer).setBigUint64(i * 8, BigInt.asUintN(64, v), true));
    this.m.load(addr, b);
  }

  read64(addr: number): bigint {
    return new DataView(this.cpu.mem.peek(addr, 8).buffer).getBigUint64(0, true);
  }

  /** A 64-bit interrupt gate (DPL 0 unless given) to `handler` with IST `ist`. */
  gate(vector: number, handler: number, ist: number, dpl = 0, type = 0xe, present = true): void {
    const lo = BigInt(handler & 0xffff) | (0x10n << 16n) | (BigInt(ist) << 32n) | (BigInt(type | (dpl << 5) | (present ? 0x80 : 0)) << 40n) | (BigInt((handler >>> 16) & 0xffff) << 48n);
    this.put64(IDT + 16 * vector, [lo, BigInt(Math.floor(handler / 2 ** 32))]);
  }

  /** Runs `code` at `at` (kernel code unless given) until the machine stops. */
  exec(code: string, at = KCODE, max = 50): StopReason {
    this.m.load(at, hex(code));
    this.cpu.invalidateAllCode();
    this.cpu.rip = at;
    return this.cpu.run(max);
  }

  /** The vector whose `hlt` handler the CPU reached. */
  deliveredVector(): number {
    return (this.cpu.rip - 1 - HANDLERS) / 16;
  }

  enterUser(): void {
    this.cpu.loadFlatCodeAndStack(0x33, 0x2b, 3);
    this.cpu.setRegNumber(4, UDATA + 0x800);
  }
}

describe('system architecture (SDM rules)', () => {
  describe('SYSCALL / SYSRET / SWAPGS (vol. 2, SYSCALL, SYSRET, SWAPGS)', () => {
    it('SYSCALL: RCX ← next RIP, R11 ← RFLAGS, RFLAGS &= ~FMASK, CS/SS from STAR[47:32], RIP ← LSTAR, RSP unchanged', () => {
      const f = new Fixture();
      const cpu = f.cpu;
      cpu.star = 0x0023001000000000n;
      cpu.lstar = KCODE + 0x100;
      cpu.sfmask = 0x257fd5;
      f.m.load(KCODE + 0x100, Uint8Array.of(0xf4));
      f.enterUser();
      cpu.flags = RFLAGS.FIXED1 | RFLAGS.IF | RFLAGS.CF | RFLAGS.DF;
      const r = f.exec('0f05', UCODE);
      assert.deepEqual(r, { kind: 'halt', detail: 'hlt' });
      assert.equal(cpu.getReg(1), BigInt(UCODE + 2));
      assert.equal(cpu.getReg(11), BigInt(RFLAGS.FIXED1 | RFLAGS.IF | RFLAGS.CF | RFLAGS.DF));
      assert.equal(cpu.rflags, RFLAGS.FIXED1, 'IF, CF, DF masked by FMASK');
      assert.equal(cpu.sel[Seg.CS], 0x10);
      assert.equal(cpu.sel[Seg.SS], 0x18);
      assert.equal(cpu.cpl, 0);
      assert.equal(cpu.regNumber(4), UDATA + 0x800, 'no stack switch');
    });

    it('SYSCALL with EFER.SCE = 0 raises #UD', () => {
      const f = new Fixture();
      f.cpu.efer &= ~EFER.SCE;
      f.exec('0f05');
      assert.equal(f.deliveredVector(), Vector.UD);
    });

    it('SYSRETQ: RIP ← RCX, RFLAGS ← R11 & 0x3C7FD7 | 2, CS = STAR[63:48]+16 | 3, SS = STAR[63:48]+8 | 3, CPL 3', () => {
      const f = new Fixture();
      const cpu = f.cpu;
      cpu.star = 0x0023001000000000n;
      f.m.load(UCODE, Uint8Array.of(0xeb, 0xfe)); // jmp .
      cpu.setReg(1, BigInt(UCODE));
      cpu.setReg(11, 0xffffffffn);
      const r = f.exec('480f07', KCODE, 1);
      assert.equal(r.kind, 'limit');
      assert.equal(cpu.rip, UCODE);
      assert.equal(cpu.rflags, 0x3c7fd7 | 2);
      assert.equal(cpu.sel[Seg.CS], 0x33);
      assert.equal(cpu.sel[Seg.SS], 0x2b);
      assert.equal(cpu.cpl, 3);
    });

    it('SYSRETL: CS = STAR[63:48] | 3 (32-bit), RIP = ECX; the 32-bit code that follows is reported as not modelled', () => {
      const f = new Fixture();
      const cpu = f.cpu;
      cpu.star = 0x0023001000000000n;
      cpu.setReg(1, 0xffff_ffff_0050_0000n);
      cpu.setReg(11, 0x202n);
      f.exec('0f07');
      assert.equal(f.deliveredVector(), Vector.UD);
      assert.equal(f.read64(RSP0 - 40), 0x500000n, 'RIP = ECX (zero-extended)');
      assert.equal(f.read64(RSP0 - 32), 0x23n, 'CS = STAR[63:48] | 3');
    });

    it('SYSRETQ with a non-canonical RCX raises #GP(0) in ring 0 (Intel)', () => {
      const f = new Fixture();
      f.cpu.setReg(1, 0x0000800000000000n);
      f.exec('480f07');
      assert.equal(f.deliveredVector(), Vector.GP);
      assert.equal(f.cpu.cpl, 0);
      assert.equal(f.read64(RSP0 - 0x1000 - 16 - 48), 0n, 'error code 0');
    });

    it('SYSRET and SWAPGS at CPL 3 raise #GP(0)', () => {
      for (const code of ['480f07', '0f01f8']) {
        const f = new Fixture();
        f.enterUser();
        f.exec(code, UCODE);
        assert.equal(f.deliveredVector(), Vector.GP, code);
        assert.equal(f.cpu.cpl, 0);
      }
    });

    it('SWAPGS exchanges GS.base and IA32_KERNEL_GS_BASE', () => {
      const f = new Fixture();
      f.cpu.gsBase = 0x1000;
      f.cpu.kernelGsBase = -0x100000;
      f.exec('0f01f8f4');
      assert.equal(f.cpu.gsBase, -0x100000);
      assert.equal(f.cpu.kernelGsBase, 0x1000);
    });

    it('WRMSR to an unknown MSR and RDMSR at CPL 3 raise #GP(0); LSTAR must be canonical', () => {
      const f = new Fixture();
      f.cpu.setReg(1, 0x12345n);
      f.exec('0f30');
      assert.equal(f.deliveredVector(), Vector.GP);
      const g = new Fixture();
      g.cpu.setReg(1, BigInt(MSR.IA32_LSTAR));
      g.cpu.setReg(2, 0x8000n); // EDX:EAX = 0x0000_8000_0000_0000: non-canonical
      g.exec('0f30');
      assert.equal(g.deliveredVector(), Vector.GP);
      const h = new Fixture();
      h.enterUser();
      h.cpu.setReg(1, BigInt(MSR.IA32_EFER));
      h.exec('0f32', UCODE);
      assert.equal(h.deliveredVector(), Vector.GP);
    });
  });

  describe('paging protections and #PF error codes (vol. 3, 4.6 and 4.7)', () => {
    const cases: Array<[string, (f: Fixture) => void, string, number, number]> = [
      ['user read of a supervisor page: P|U', (f) => f.enterUser(), '488b03', KDATA, 0b00101],
      ['user write to a read-only page: P|W|U', (f) => f.enterUser(), '488903', URO, 0b00111],
      ['user fetch from an NX page: P|U|I', (f) => f.enterUser(), 'ffd3', UDATA, 0b10101],
      ['read of a not-present page: U only', (f) => f.enterUser(), '488b03', 0x7f0000, 0b00100],
      ['SMEP: supervisor fetch from a user page: P|I', (f) => { f.cpu.cr4 |= CR4.SMEP; f.cpu.syncPaging(); }, 'ffd3', UCODE, 0b10001],
      ['SMAP: supervisor read of a user page with AC = 0: P', (f) => { f.cpu.cr4 |= CR4.SMAP; f.cpu.syncPaging(); }, '488b03', UDATA, 0b00001],
      ['WP: supervisor write to a read-only page with CR0.WP = 1: P|W', () => {}, '488903', URO, 0b00011],
    ];
    for (const [rule, setup, code, address, errorCode] of cases) {
      it(`${rule}; CR2 = the address`, () => {
        const f = new Fixture();
        setup(f);
        f.cpu.setRegNumber(3, address);
        const user = f.cpu.cpl === 3;
        f.exec(code, user ? UCODE : KCODE);
        assert.equal(f.deliveredVector(), Vector.PF);
        assert.equal(f.cpu.cr2, address);
        // Error code: the last thing pushed (the frame is on RSP0 from ring 3, else the current stack).
        assert.equal(f.read64(f.cpu.regNumber(4)), BigInt(errorCode));
      });
    }

    it('SMAP is lifted by STAC (RFLAGS.AC) for explicit accesses', () => {
      const f = new Fixture();
      f.cpu.cr4 |= CR4.SMAP;
      f.cpu.syncPaging();
      f.put64(UDATA, [0x1234n]);
      f.cpu.setRegNumber(3, UDATA);
      f.exec('0f01cb488b03f4');
      assert.equal(f.cpu.getReg(0), 0x1234n);
    });

    it('CR0.WP = 0 lets the supervisor write a read-only page', () => {
      const f = new Fixture();
      f.cpu.cr0 = (f.cpu.cr0 & ~CR0.WP) >>> 0;
      f.cpu.syncPaging();
      f.cpu.setRegNumber(3, URO);
      f.cpu.setReg(0, 7n);
      f.exec('488903f4');
      assert.equal(f.read64(URO), 7n);
    });
  });

  describe('TLB and PCID (vol. 3, 4.10)', () => {
    /** Points the PTE of `page` at a fresh frame holding `value` — without invalidating. */
    function remap(f: Fixture, page: number, value: bigint): void {
      const frame = f.m.frames.allocate();
      f.m.phys.view.setBigUint64(frame, value, true);
      f.m.tables.map(page, frame, { write: true, user: false, exec: false });
    }

    it('a PTE change without INVLPG leaves the stale translation in use; INVLPG removes it', () => {
      const f = new Fixture();
      f.put64(KDATA, [1n]);
      f.cpu.setRegNumber(3, KDATA);
      f.exec('488b03f4');
      assert.equal(f.cpu.getReg(0), 1n);
      remap(f, KDATA, 2n);
      f.exec('488b03f4');
      assert.equal(f.cpu.getReg(0), 1n, 'stale: the TLB still maps the old frame');
      f.exec('0f013b488b03f4');
      assert.equal(f.cpu.getReg(0), 2n, 'after invlpg');
    });

    it('MOV to CR3 without PCIDE flushes non-global entries', () => {
      const f = new Fixture();
      f.put64(KDATA, [1n]);
      f.cpu.setRegNumber(3, KDATA);
      f.exec('488b03f4');
      remap(f, KDATA, 2n);
      f.cpu.setReg(0, f.cpu.cr3);
      f.exec('0f22d8488b03f4');
      assert.equal(f.cpu.getReg(0), 2n);
    });

    it('with CR4.PCIDE, CR3 bit 63 (no-flush) keeps the PCID\'s entries; a CR3 write without it flushes them', () => {
      const f = new Fixture();
      const cpu = f.cpu;
      cpu.cr4 |= CR4.PCIDE;
      cpu.syncPaging();
      const base = cpu.cr3;
      f.put64(KDATA, [1n]);
      cpu.setRegNumber(3, KDATA);
      cpu.setReg(0, base | 1n); // PCID 1, flushing
      f.exec('0f22d8488b03f4');
      assert.equal(cpu.getReg(0), 1n);
      remap(f, KDATA, 2n);
      // Switch to PCID 2 and back to PCID 1 with no-flush: PCID 1's stale entry survives.
      cpu.setReg(0, base | 2n | (1n << 63n));
      f.exec('0f22d8f4');
      cpu.setReg(0, base | 1n | (1n << 63n));
      f.exec('0f22d8488b03f4');
      assert.equal(cpu.getReg(0), 1n, 'stale entry of PCID 1 kept across the no-flush switch');
      cpu.setReg(0, base | 1n);
      f.exec('0f22d8488b03f4');
      assert.equal(cpu.getReg(0), 2n, 'a CR3 write without no-flush invalidates PCID 1');
    });

    it('INVPCID type 1 invalidates one PCID; type 2 everything; an invalid type raises #GP(0)', () => {
      const f = new Fixture();
      const cpu = f.cpu;
      cpu.cr4 |= CR4.PCIDE;
      cpu.syncPaging();
      cpu.setReg(0, cpu.cr3 | 3n);
      f.exec('0f22d8f4');
      f.put64(KDATA, [1n]);
      cpu.setRegNumber(3, KDATA);
      f.exec('488b03f4');
      remap(f, KDATA, 2n);
      const desc = KCODE + 0x1800; // the INVPCID descriptor: PCID 3, address 0
      f.put64(desc, [3n, 0n]);
      cpu.setRegNumber(3, desc);
      cpu.setReg(0, 1n);
      f.exec('660f388203f4');
      cpu.setRegNumber(3, KDATA);
      f.exec('488b03f4');
      assert.equal(cpu.getReg(0), 2n);
      cpu.setRegNumber(3, desc);
      cpu.setReg(0, 7n);
      f.exec('660f388203');
      assert.equal(f.deliveredVector(), Vector.GP);
    });
  });

  describe('exception delivery (vol. 3, 6.12–6.15)', () => {
    it('from CPL 3 the stack switches to TSS.RSP0; the frame holds SS, RSP, RFLAGS, CS, RIP', () => {
      const f = new Fixture();
      f.enterUser();
      f.cpu.flags = RFLAGS.FIXED1 | RFLAGS.IF;
      f.exec('0f0b', UCODE);
      const cpu = f.cpu;
      assert.equal(f.deliveredVector(), Vector.UD);
      assert.equal(cpu.regNumber(4), RSP0 - 40);
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((i) => f.read64(RSP0 - 40 + 8 * i)),
        [BigInt(UCODE), 0x33n, BigInt(RFLAGS.FIXED1 | RFLAGS.IF), BigInt(UDATA + 0x800), 0x2bn],
      );
      assert.equal(cpu.cpl, 0);
      assert.equal(cpu.sel[Seg.SS], 0, 'SS is a null selector with RPL = new CPL');
      assert.equal(cpu.rflags & RFLAGS.IF, 0, 'an interrupt gate clears IF');
    });

    it('an IST gate switches to TSS.IST[n] even without a privilege change', () => {
      const f = new Fixture();
      f.gate(Vector.UD, HANDLERS + 16 * Vector.UD, 1);
      f.exec('0f0b');
      assert.equal(f.cpu.regNumber(4), IST1 - 40);
    });

    it('without a privilege change the current stack is used, aligned down to 16 bytes', () => {
      const f = new Fixture();
      f.cpu.setRegNumber(4, RSP0 - 0x1000 - 8);
      f.exec('0f0b');
      assert.equal(f.cpu.regNumber(4), RSP0 - 0x1000 - 16 - 40);
    });

    it('INT n checks the gate DPL against CPL: DPL 0 from ring 3 is #GP(n·8+2)', () => {
      const f = new Fixture();
      f.gate(0x21, HANDLERS + 16 * 0x1f, 0, 0);
      f.enterUser();
      f.exec('cd21', UCODE);
      assert.equal(f.deliveredVector(), Vector.GP);
      assert.equal(f.read64(f.cpu.regNumber(4)), BigInt(0x21 * 8 + 2));
    });

    it('IRETQ returns to ring 3: RIP, CS, RFLAGS, RSP, SS popped; CPL 3', () => {
      const f = new Fixture();
      f.m.load(UCODE, Uint8Array.of(0xeb, 0xfe));
      f.put64(RSP0 - 40, [BigInt(UCODE), 0x33n, BigInt(RFLAGS.FIXED1 | RFLAGS.IF), BigInt(UDATA + 0x100), 0x2bn]);
      f.cpu.setRegNumber(4, RSP0 - 40);
      const r = f.exec('48cf', KCODE, 1);
      assert.equal(r.kind, 'limit');
      const cpu = f.cpu;
      assert.equal(cpu.rip, UCODE);
      assert.equal(cpu.cpl, 3);
      assert.equal(cpu.sel[Seg.CS], 0x33);
      assert.equal(cpu.sel[Seg.SS], 0x2b);
      assert.equal(cpu.regNumber(4), UDATA + 0x100);
      assert.equal(cpu.rflags & RFLAGS.IF, RFLAGS.IF);
    });

    it('#GP while delivering #GP becomes #DF (contributory + contributory)', () => {
      const f = new Fixture();
      f.gate(Vector.GP, HANDLERS + 16 * Vector.GP, 0, 0, 0xe, false); // not present: #NP
      f.gate(Vector.UD, HANDLERS, 0, 0, 0x5); // not an interrupt/trap gate: #GP
      f.exec('0f0b');
      assert.equal(f.deliveredVector(), Vector.DF);
      assert.equal(f.read64(f.cpu.regNumber(4)), 0n, '#DF pushes error code 0');
    });

    it('a fault while delivering #DF shuts the processor down (triple fault)', () => {
      const f = new Fixture();
      f.cpu.idtr = { base: IDT, limit: 0 };
      const r = f.exec('0f0b');
      assert.equal(r.kind, 'triple-fault');
    });
  });
});
