/**
 * The system boot protocol (README, "System mode"): every CPU enters the ELF entry point in
 * 64-bit mode at CPL 0 with interrupts off; paging is on with boot tables that identity-map
 * the first 1 GiB of physical memory (2 MiB pages) and map every PT_LOAD segment's virtual
 * address to its physical address (4 KiB pages, R/W/X from the segment); %rdi = CPU number,
 * %rsi = CPU count, %rsp = top of a 16 KiB per-CPU boot stack. CS = 0x10, SS = 0x18 (flat,
 * as Linux's __KERNEL_CS/__KERNEL_DS), other selectors null, GDTR/IDTR empty: the kernel
 * loads its own tables. CR0 = PE|PG|WP|NE|ET, CR4 = PAE, EFER = LME|LMA|NXE (SCE off).
 */
import { CR0, CR4, EFER } from '../machine/control-registers.js';
import { SystemHost, SystemMachine } from '../machine/system-machine.js';
import { PageTableBuilder } from '../machine/paging.js';
import { FrameAllocator, PhysicalMemory } from '../machine/physical-memory.js';
import { RFLAGS } from '../machine/rflags.js';
import { ElfImage, PF_W, PF_X, PT_LOAD, parseElf } from './elf.js';
import { SymbolMap } from './symbols.js';

export const BOOT_STACK_SIZE = 16 << 10;
export const KERNEL_CS = 0x10;
export const KERNEL_DS = 0x18;
const IDENTITY_LIMIT = 1 << 30;
const PAGE = 4096;
/** Room for the boot page tables below the boot stacks. */
const TABLE_RESERVE = 512 << 10;

export interface BootOptions {
  cpus: number;
  memoryMiB: number;
}

export interface BootedSystem {
  machine: SystemMachine;
  image: ElfImage;
  symbols: SymbolMap;
  /** Physical range the loader reserved for boot tables and stacks (not for the kernel). */
  reserved: { start: number; end: number };
}

export function bootSystem(elfBytes: Uint8Array, fileName: string, opts: BootOptions, host: SystemHost): BootedSystem {
  if (!Number.isInteger(opts.cpus) || opts.cpus < 1 || opts.cpus > 64) throw new Error(`--cpus ${opts.cpus}: between 1 and 64`);
  const ramSize = opts.memoryMiB * (1 << 20);
  if (!Number.isInteger(opts.memoryMiB) || opts.memoryMiB < 4) throw new Error(`--memory ${opts.memoryMiB}: at least 4 MiB`);
  const image = parseElf(elfBytes, fileName);
  const phys = new PhysicalMemory(ramSize);
  const top = Math.min(ramSize, IDENTITY_LIMIT);
  const reservedStart = top - opts.cpus * BOOT_STACK_SIZE - TABLE_RESERVE;
  const frames = new FrameAllocator(phys, reservedStart);
  frames.limit = top - opts.cpus * BOOT_STACK_SIZE;

  const loads = image.programHeaders.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  if (loads.length === 0) throw new Error(`${fileName}: no loadable segments`);
  for (const ph of loads) {
    const end = ph.paddr + ph.memsz;
    if (ph.paddr < 0 || end > reservedStart) {
      throw new Error(
        `${fileName}: segment at physical 0x${ph.paddr.toString(16)}–0x${end.toString(16)} does not fit below 0x${reservedStart.toString(16)} ` +
          `(the boot tables and stacks); give the machine more memory (--memory) or link it lower`,
      );
    }
    phys.bytes.set(image.bytes.subarray(ph.offset, ph.offset + ph.filesz), ph.paddr);
    phys.bytes.fill(0, ph.paddr + ph.filesz, end);
  }

  const tables = new PageTableBuilder(phys, frames);
  for (let a = 0; a < top; a += 2 << 20) tables.mapLarge(a, a, { write: true, user: false, exec: true });
  for (const ph of loads) {
    if (ph.vaddr === ph.paddr) continue;
    const first = Math.floor(ph.vaddr / PAGE) * PAGE;
    for (let v = first; v < ph.vaddr + ph.memsz; v += PAGE) {
      tables.map(v, ph.paddr - (ph.vaddr - v), { write: (ph.flags & PF_W) !== 0, user: false, exec: (ph.flags & PF_X) !== 0 });
    }
  }

  const machine = new SystemMachine(phys, opts.cpus, tables.pml4, host);
  for (const cpu of machine.cpus) {
    cpu.syscallHook = null;
    cpu.cr0 = (CR0.PE | CR0.PG | CR0.WP | CR0.NE | CR0.ET) >>> 0;
    cpu.cr4 = CR4.PAE;
    cpu.efer = EFER.LME | EFER.LMA | EFER.NXE;
    cpu.cr3 = BigInt(tables.pml4);
    cpu.syncPaging();
    cpu.loadFlatCodeAndStack(KERNEL_CS, KERNEL_DS, 0);
    cpu.sel[0] = cpu.sel[3] = cpu.sel[4] = cpu.sel[5] = 0;
    cpu.gdtr = { base: 0, limit: 0 };
    cpu.idtr = { base: 0, limit: 0 };
    cpu.flags = RFLAGS.FIXED1;
    cpu.rip = image.entry;
    cpu.setReg(7, BigInt(cpu.cpuNumber));
    cpu.setReg(6, BigInt(opts.cpus));
    cpu.setRegNumber(4, top - cpu.cpuNumber * BOOT_STACK_SIZE);
    cpu.flushTlb();
  }
  return { machine, image, symbols: new SymbolMap(image.symbols), reserved: { start: reservedStart, end: top } };
}
