// The kernel-entry sample (samples/kernel-entry): a mini kernel in Linux 6.6's shape. Built with
// GNU as/ld (skipped without binutils) it boots on 2 CPUs and runs three user tasks; driving the
// core API with breakpoints and single steps checks the facts of ../shared/LINUX-ENTRY-FACTS.md
// at each step of entry_SYSCALL_64, on each CPU. The same sources built with `x64emu asm` (or
// run directly by `x64emu run`) must give the same loadable bytes and the same run.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf, PT_LOAD } from '../src/core/loader/elf.js';
import {
  boot, buildGnu, buildX64emu, cachedTranslations, CR3_NOFLUSH, CR3_PCID_MASK, CS, EXPECTED_LINES, hasBinutils, Kernel,
  PT_REGS, PTI_USER_PGTABLE_AND_PCID_MASK, R11, RAX, RCX, RDI, RDX, RSI, RSP, runCli, runUntil, SAMPLE, SIZEOF_PTREGS, SOURCES, SS,
  stepTo, TASK_size, NR_CPUS, THREAD_SIZE, TSS_sp0, TSS_sp2, X86_top_of_stack, __KERNEL_CS, __KERNEL_DS, __USER_CS, __USER_DS,
} from './samples/kernel-entry.js';
import type { Cpu } from '../src/core/machine/cpu.js';

describe('samples: kernel-entry (GNU as/ld build)', function () {
  this.timeout(60_000);
  let elf = '';
  before(function () {
    if (!hasBinutils) this.skip();
    elf = buildGnu('gnu');
  });

  it('boots on 2 CPUs, runs three user tasks through entry_SYSCALL_64 and exits 0', () => {
    const r = runCli(elf);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.pop(), 'kernel: all tasks exited');
    assert.deepEqual([...lines].sort(), [...EXPECTED_LINES].sort());
    for (const t of ['A', 'B', 'C']) {
      const mine = lines.filter((l) => l.startsWith(`task ${t}:`));
      assert.deepEqual(mine, EXPECTED_LINES.filter((l) => l.startsWith(`task ${t}:`)), `order of task ${t}`);
    }
  });

  for (const n of [0, 1]) describeWriteSyscall(() => elf, n);

  for (const n of [0, 1]) {
    it(`CPU ${n}: a CR3 write without bit 63 would flush the kernel PCID's translations (contrast with SWITCH_TO_KERNEL_CR3)`, () => {
      const k = boot(elf);
      const cpu = runUntil(k, [k.find('say', 'syscall')], n);
      cpu.step(); // syscall
      const userPcid = Number(cpu.cr3 & CR3_PCID_MASK);
      const kernelPcid = userPcid & ~Number(PTI_USER_PGTABLE_AND_PCID_MASK);
      stepTo(cpu, k.find('entry_SYSCALL_64', 'mov %rsp,%cr3'));
      const userEntries = cachedTranslations(cpu, userPcid).size;
      assert.ok(cachedTranslations(cpu, kernelPcid).size > 0, 'the kernel PCID has cached translations before the write');
      cpu.setReg(RSP, cpu.getReg(RSP) & ~CR3_NOFLUSH); // what SWITCH_TO_KERNEL_CR3 would do without `bts $63`
      cpu.step();
      // Only the fetch of the next instruction (under the new CR3) may have cached a page since.
      const left = [...cachedTranslations(cpu, kernelPcid).keys()];
      assert.deepEqual(left.filter((page) => page !== pageOf(cpu.rip)), [], 'every other translation of the kernel PCID is gone');
      assert.equal(cpu.mem.tlb.lookup(kernelPcid, k.hot(n)), undefined, "pcpu_hot's page is no longer cached");
      assert.equal(cachedTranslations(cpu, userPcid).size, userEntries, "the user PCID's translations are untouched (the flush is per PCID)");
      cpu.step(); // movq PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp: a page walk refills the TLB
      assert.equal(cpu.getReg(RSP), k.topOfStack(n), 'the kernel still works: the mappings had not changed');
      assert.ok(cpu.mem.tlb.lookup(kernelPcid, k.hot(n)) !== undefined, 'pcpu_hot translated again by a page walk');
    });
  }

  for (const n of [0, 1]) {
    it(`__switch_to on CPU ${n}: pcpu_hot.current_task and top_of_stack name the next task on that CPU only`, () => {
      const k = boot(elf);
      const firstUserTask = k.sym('tasks') + NR_CPUS * TASK_size; // the idle tasks come first
      const cpu = runUntil(k, [k.sym('__switch_to')], n, (c) => Number(c.getReg(RSI)) >= firstUserTask);
      const other = 1 - n;
      const prev = Number(cpu.getReg(RDI));
      const next = Number(cpu.getReg(RSI));
      assert.equal(k.currentTask(n), prev, 'before: pcpu_hot.current_task = prev');
      const otherHot = Buffer.from(k.machine.phys.bytes.subarray(k.hot(other), k.hot(other) + 64)).toString('hex');
      const sp0 = [k.u64(k.tss(0) + TSS_sp0), k.u64(k.tss(1) + TSS_sp0)];
      stepTo(cpu, k.find('__switch_to', 'ret'));
      cpu.step(); // ret
      assert.equal(k.currentTask(n), next, 'pcpu_hot.current_task = next');
      assert.equal(k.topOfStack(n), k.taskStack(next) + THREAD_SIZE, 'pcpu_hot.top_of_stack = task_top_of_stack(next) = next->stack + 16 KiB');
      assert.notEqual(k.taskStack(next), k.taskStack(prev), 'a different kernel stack');
      assert.equal(Buffer.from(k.machine.phys.bytes.subarray(k.hot(other), k.hot(other) + 64)).toString('hex'), otherHot, `CPU ${other}'s pcpu_hot is unchanged`);
      assert.deepEqual([k.u64(k.tss(0) + TSS_sp0), k.u64(k.tss(1) + TSS_sp0)], sp0, 'TSS.sp0 is not changed per task (the trampoline stack)');
    });
  }

  it('a timer interrupt from ring 3 arrives on TSS.sp0 with the user CR3 still loaded, on each CPU', () => {
    const k = boot(elf);
    const seen = new Set<number>();
    const fromRing3 = (c: Cpu) => !seen.has(k.machine.cpus.indexOf(c)) && k.u64(Number(c.getReg(RSP)) + 8) === BigInt(__USER_CS);
    while (seen.size < 2) {
      const cpu = runUntil(k, [k.sym('asm_sysvec_apic_timer_interrupt')], undefined, fromRing3);
      const n = k.machine.cpus.indexOf(cpu);
      seen.add(n);
      const rsp = Number(cpu.getReg(RSP));
      const sp0 = k.u64(k.tss(n) + TSS_sp0);
      assert.equal(BigInt(rsp), sp0 - 40n, `CPU ${n}: the five-qword frame was pushed just below this CPU's TSS.sp0`);
      assert.equal(k.u64(rsp + 32), BigInt(__USER_DS), 'saved SS');
      const ip = Number(k.u64(rsp));
      assert.ok(ip >= k.sym('__user_text_start') && ip < k.sym('__user_text_end'), 'saved RIP is in the user program');
      assert.equal(cpu.cr3 & PTI_USER_PGTABLE_AND_PCID_MASK, PTI_USER_PGTABLE_AND_PCID_MASK, 'the user CR3 is still loaded');
      cpu.step();
    }
  });
});

const pageOf = (linear: number) => linear - (linear % 4096);

/**
 * One `write` system call (the user's `say`) made on CPU `n`, followed through entry_SYSCALL_64
 * and back: each `it` advances the same machine to the next step of the facts and checks it, so
 * they run in order and a failure makes the later ones fail too.
 */
function describeWriteSyscall(elf: () => string, n: number): void {
  describe(`a write system call on CPU ${n}, step by step`, () => {
    let k: Kernel;
    let cpu: Cpu;
    let task: number;
    const user = { rsp: 0n, rip: 0n, flags: 0n, cr3: 0n, buf: 0n, count: 0n };
    let outputAtEntry = 0;
    let otherSp2 = 0n;
    let kernelPcidTlb = new Map<number, number>();

    before(() => {
      k = boot(elf());
      cpu = runUntil(k, [k.find('say', 'syscall')], n);
      task = k.currentTask(n);
      user.rsp = cpu.getReg(RSP);
      user.rip = BigInt(cpu.rip + 2); // syscall is 0f 05
      user.flags = BigInt(cpu.rflags);
      user.cr3 = cpu.cr3;
      user.buf = cpu.getReg(RSI);
      user.count = cpu.getReg(RDX);
      outputAtEntry = k.text().length;
      otherSp2 = k.u64(k.tss(1 - n) + TSS_sp2);
      assert.equal(cpu.cpl, 3, 'the user task is in ring 3');
      const stackTop = BigInt(k.sym('user_stacks') + 4096 * k.pid(task));
      assert.ok(user.rsp < stackTop && user.rsp > stackTop - 4096n, `RSP is in the task's user stack page: 0x${user.rsp.toString(16)}`);
      assert.equal(user.cr3 & PTI_USER_PGTABLE_AND_PCID_MASK, PTI_USER_PGTABLE_AND_PCID_MASK, 'the user PGD and the user PCID are loaded');
      cpu.step(); // syscall
    });

    it('at entry: RSP is still the user stack, RCX = user RIP after syscall, R11 = user RFLAGS, CS = __KERNEL_CS', () => {
      assert.equal(cpu.rip, k.sym('entry_SYSCALL_64'), 'RIP = MSR_LSTAR = entry_SYSCALL_64');
      assert.equal(cpu.getReg(RSP), user.rsp, 'SYSCALL does not switch stacks');
      assert.equal(cpu.getReg(RCX), user.rip, 'RCX = the instruction after syscall');
      assert.equal(cpu.getReg(R11), user.flags, 'R11 = RFLAGS of the user');
      assert.equal(cpu.sel[CS], __KERNEL_CS);
      assert.equal(cpu.sel[SS], __KERNEL_DS);
      assert.equal(cpu.cpl, 0);
      assert.equal(cpu.rflags & 0x200, 0, 'SFMASK cleared IF');
      assert.equal(cpu.cr3, user.cr3, 'CR3 is still the user one');
      assert.equal(cpu.gsBase, 0, "GS.base is still the user's");
    });

    it("after swapgs: GS.base = this CPU's __per_cpu_offset", () => {
      cpu.step();
      assert.equal(cpu.gsBase, k.perCpu(n));
      assert.equal(cpu.kernelGsBase, 0, "the user's GS.base is parked in KERNEL_GS_BASE");
    });

    it("after the TSS_sp2 store: this CPU's cpu_tss_rw.x86_tss.sp2 = user RSP, still on the user CR3", () => {
      cpu.step(); // movq %rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
      assert.equal(k.u64(k.tss(n) + TSS_sp2), user.rsp);
      assert.equal(k.u64(k.tss(1 - n) + TSS_sp2), otherSp2, "the other CPU's TSS.sp2 is untouched");
      assert.equal(cpu.cr3, user.cr3, 'still the user CR3: the TSS page is mapped in the user page tables');
    });

    it('after SWITCH_TO_KERNEL_CR3: CR3 & 0x1800 = 0, same PCID base, and no TLB flush (bit 63 honoured)', () => {
      const kernelPcid = Number(user.cr3 & CR3_PCID_MASK & ~PTI_USER_PGTABLE_AND_PCID_MASK);
      stepTo(cpu, k.find('entry_SYSCALL_64', 'mov %rsp,%cr3'));
      assert.equal(cpu.getReg(RSP), (user.cr3 | CR3_NOFLUSH) & ~PTI_USER_PGTABLE_AND_PCID_MASK, 'the value written: kernel half, bit 63 set');
      // The kernel ran in its PCID before returning to this task; those translations are cached.
      kernelPcidTlb = cachedTranslations(cpu, kernelPcid);
      assert.ok(cpu.mem.tlb.lookup(kernelPcid, k.hot(n)) !== undefined, "pcpu_hot's page is cached for the kernel PCID");
      assert.ok(cpu.mem.tlb.lookup(kernelPcid, Number(k.topOfStack(n)) - 8) !== undefined, "the task's kernel stack is cached for the kernel PCID");
      cpu.step(); // mov %rsp, %cr3
      assert.equal(cpu.cr3 & PTI_USER_PGTABLE_AND_PCID_MASK, 0n, 'kernel PGD and kernel PCID');
      assert.equal(cpu.cr3, BigInt(k.sym('init_top_pgt')) | BigInt(kernelPcid), 'CR3 = init_top_pgt | kernel PCID');
      assert.equal(cpu.cr3 & ~CR3_PCID_MASK, (user.cr3 & ~CR3_PCID_MASK) - 0x1000n, 'the user PGD is the kernel PGD + 4 KiB');
      assert.deepEqual(cachedTranslations(cpu, kernelPcid), kernelPcidTlb, "every translation of the kernel PCID survived the CR3 write");
    });

    it("after the pcpu_hot load: RSP = pcpu_hot.top_of_stack = current task's stack + 16 KiB", () => {
      cpu.step(); // movq PER_CPU_VAR(pcpu_hot + X86_top_of_stack), %rsp
      assert.equal(cpu.getReg(RSP), k.u64(k.hot(n) + X86_top_of_stack));
      assert.equal(cpu.getReg(RSP), k.taskStack(task) + THREAD_SIZE, 'task_top_of_stack(current)');
      assert.equal(k.currentTask(n), task, 'current is the task that made the system call');
    });

    it('pt_regs at top - 168 holds the user ss/sp/flags/cs/ip, orig_ax and the arguments', () => {
      stepTo(cpu, k.sym('do_syscall_64'));
      const regs = Number(k.taskStack(task) + THREAD_SIZE) - SIZEOF_PTREGS;
      const at = (slot: keyof typeof PT_REGS) => k.u64(regs + PT_REGS[slot]);
      assert.equal(cpu.getReg(RDI), BigInt(regs), 'do_syscall_64(regs, ...)');
      assert.equal(cpu.getReg(RSI), 1n, 'do_syscall_64(..., nr = __NR_write)');
      assert.equal(at('ss'), BigInt(__USER_DS), 'pt_regs->ss');
      assert.equal(at('sp'), user.rsp, 'pt_regs->sp');
      assert.equal(at('flags'), user.flags, 'pt_regs->flags');
      assert.equal(at('cs'), BigInt(__USER_CS), 'pt_regs->cs');
      assert.equal(at('ip'), user.rip, 'pt_regs->ip');
      assert.equal(at('orig_ax'), 1n, 'pt_regs->orig_ax = the system call number');
      assert.equal(at('ax'), BigInt.asUintN(64, -38n), 'pt_regs->ax = -ENOSYS');
      assert.equal(at('di'), 1n, 'pt_regs->di = fd');
      assert.equal(at('si'), user.buf, 'pt_regs->si = buf');
      assert.equal(at('dx'), user.count, 'pt_regs->dx = count');
    });

    it('after sysretq: CPL 3 on the user stack with the user CR3, and the line is on the UART', () => {
      const sysret = k.find('syscall_return_via_sysret', 'sysretq');
      const back = runUntil(k, [sysret], undefined, (c) => k.currentTask(k.machine.cpus.indexOf(c)) === task);
      assert.equal(back, cpu, `the task returns on CPU ${n}`);
      assert.equal(cpu.getReg(RCX), user.rip);
      assert.equal(cpu.getReg(R11), user.flags);
      cpu.step(); // sysretq
      assert.equal(cpu.cpl, 3);
      assert.equal(cpu.sel[CS], __USER_CS);
      assert.equal(cpu.sel[SS], __USER_DS);
      assert.equal(BigInt(cpu.rip), user.rip, 'RIP = the instruction after syscall');
      assert.equal(cpu.getReg(RSP), user.rsp, 'the user stack');
      assert.equal(cpu.cr3, user.cr3, 'the user CR3 (user PGD, user PCID)');
      assert.equal(cpu.gsBase, 0, "GS.base is the user's again");
      assert.equal(cpu.getReg(RAX), user.count, 'write returned count');
      const written = new TextDecoder().decode(cpu.mem.peek(Number(user.buf), Number(user.count)));
      const letter = 'ABC'[k.pid(task) - 1];
      assert.ok(EXPECTED_LINES.includes(written.trimEnd()) && written.startsWith(`task ${letter}: `), `the user's buffer: ${JSON.stringify(written)}`);
      assert.ok(k.text().slice(outputAtEntry).split('\n').includes(written.trimEnd()), 'the UART transmitted the buffer');
    });

    it('after sysretq: RFLAGS = R11 = the user RFLAGS', () => {
      assert.equal(cpu.cpl, 3, 'just after sysretq');
      const hex = (v: bigint | number) => `0x${v.toString(16)}`;
      assert.equal(hex(cpu.rflags), hex(user.flags), 'SYSRETQ loads RFLAGS from R11: the arithmetic flags must not come from the last kernel instruction');
    });
  });
}

describe('samples: kernel-entry built with x64emu asm', function () {
  this.timeout(60_000);
  before(function () {
    if (!hasBinutils) this.skip();
  });

  it('gives the same loadable bytes as GNU as/ld', () => {
    const gnu = parseElf(readFileSync(buildGnu('gnu')));
    const ours = parseElf(readFileSync(buildX64emu('x64emu')));
    const loads = (e: ReturnType<typeof parseElf>) =>
      e.programHeaders
        .filter((p) => p.type === PT_LOAD)
        .map((p) => ({ vaddr: p.vaddr, paddr: p.paddr, memsz: p.memsz, filesz: p.filesz, flags: p.flags, bytes: Buffer.from(e.bytes.subarray(p.offset, p.offset + p.filesz)).toString('hex') }));
    assert.equal(ours.entry, gnu.entry);
    assert.deepEqual(loads(ours), loads(gnu));
  });

  it('runs the same', () => {
    const r = runCli(buildX64emu('x64emu'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, EXPECTED_LINES.length + 1);
  });
});

describe('samples: kernel-entry run from its sources by x64emu run (no make, no binutils)', function () {
  this.timeout(60_000);
  // The command samples/kernel-entry/README.md gives.
  const fromSources = (...extra: string[]) =>
    spawnSync('node', ['dist/cli.js', 'run', '--mode', 'system', '--cpus', '2', '-I', `${SAMPLE}/include`, '-T', `${SAMPLE}/kernel.lds`, ...extra, ...SOURCES.map((f) => `${SAMPLE}/${f}`)], { encoding: 'utf8' });

  it('x64emu run --mode system --cpus 2 -I include -T kernel.lds head_64.S entry_64.S core.S user.S: the tasks\' output, status 0', () => {
    const r = fromSources();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.pop(), 'kernel: all tasks exited');
    assert.deepEqual([...lines].sort(), [...EXPECTED_LINES].sort());
  });

  it('-D reaches the preprocessor: -D BUG_PCPU_HOT_BEFORE_CR3 ends in the kernel\'s double-fault report', () => {
    // The #PF cannot even be delivered: in ring 0 the CPU pushes its frame on the current
    // stack, the user's, which SMAP forbids; so it becomes #DF (IST1), and exc_die exits 128 + 8.
    const r = fromSources('-D', 'BUG_PCPU_HOT_BEFORE_CR3');
    assert.equal(r.status, 128 + 8, r.stderr);
    assert.match(r.stdout, /^kernel: exception 0x8 error_code=0x0 /m);
  });

  it('a missing include directory is reported as file:line:col: error:, status 1', () => {
    const r = spawnSync('node', ['dist/cli.js', 'run', '--mode', 'system', '-T', `${SAMPLE}/kernel.lds`, ...SOURCES.map((f) => `${SAMPLE}/${f}`)], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^samples\/kernel-entry\/head_64\.S:\d+:10: error: asm\/asm-offsets\.h: No such file or directory$/m);
    assert.equal(r.stdout, '');
  });
});

describe('samples: kernel-entry BUG variants', function () {
  this.timeout(60_000);
  before(function () {
    if (!hasBinutils) this.skip();
  });

  it('-DBUG_PCPU_HOT_BEFORE_CR3: #PF reading pcpu_hot under the user CR3 (supervisor read, not present)', () => {
    const k = boot(buildGnu('bug-pcpu-hot', ['BUG_PCPU_HOT_BEFORE_CR3']));
    const { machine, sym, perCpu } = k;
    for (const cpu of machine.cpus) cpu.stopOnVectors.add(14);
    const stop = machine.run(2_000_000);
    assert.equal(stop.kind, 'fault', stop.kind);
    if (stop.kind !== 'fault') return;
    const cpu = machine.cpus[stop.cpu];
    assert.equal(stop.fault.vector, 14);
    assert.equal(stop.fault.errorCode, 0, 'P = 0, W = 0, U = 0: a supervisor read of an unmapped page');
    assert.equal(stop.fault.address, BigInt(perCpu(stop.cpu) + sym('pcpu_hot') + X86_top_of_stack), "CR2 = this CPU's pcpu_hot.top_of_stack");
    const pcpuHotLoad = k.find('entry_SYSCALL_64', `mov %gs:0x${(sym('pcpu_hot') + X86_top_of_stack).toString(16)},%rsp`);
    assert.equal(stop.rip, pcpuHotLoad, 'the pcpu_hot load');
    assert.ok(pcpuHotLoad < k.find('entry_SYSCALL_64', 'mov %rsp,%cr3'), '...which this variant does before SWITCH_TO_KERNEL_CR3');
    assert.equal(cpu.cr3 & PTI_USER_PGTABLE_AND_PCID_MASK, PTI_USER_PGTABLE_AND_PCID_MASK, 'user CR3');
  });

  it('-DNO_PTI: one page-table set; CR3 stays the kernel PGD through entry and exit, and the tasks still run', () => {
    const elf = buildGnu('no-pti', ['NO_PTI']);
    const r = runCli(elf);
    assert.equal(r.status, 0, r.stderr);
    const k = boot(elf);
    const cpu = runUntil(k, [k.sym('entry_SYSCALL_64')]);
    assert.equal(cpu.cr3 & PTI_USER_PGTABLE_AND_PCID_MASK, 0n, 'already the kernel PGD while the user program ran');
    const cr3 = cpu.cr3;
    cpu.step();
    for (let i = 0; i < 40 && cpu.cr3 === cr3 && cpu.cpl === 0; i++) cpu.step();
    assert.equal(cpu.cr3, cr3, 'no CR3 write on the way in');
  });

  it('-DBUG_NO_USER_TSS_MAPPING: #PF at the TSS_sp2 store (supervisor write, not present: the user page tables lack cpu_tss_rw)', () => {
    const k = boot(buildGnu('bug-no-tss', ['BUG_NO_USER_TSS_MAPPING']));
    const { machine, sym, perCpu } = k;
    for (const cpu of machine.cpus) cpu.stopOnVectors.add(14);
    const stop = machine.run(2_000_000);
    assert.equal(stop.kind, 'fault', stop.kind);
    if (stop.kind !== 'fault') return;
    const cpu = machine.cpus[stop.cpu];
    assert.equal(stop.fault.vector, 14);
    assert.equal(stop.fault.errorCode, 0b10, 'W = 1, P = 0, U = 0: a supervisor write to an unmapped page');
    assert.equal(stop.fault.address, BigInt(perCpu(stop.cpu) + sym('cpu_tss_rw') + TSS_sp2), "CR2 = this CPU's cpu_tss_rw.x86_tss.sp2");
    assert.equal(stop.rip, k.find('entry_SYSCALL_64', `mov %rsp,%gs:0x${(sym('cpu_tss_rw') + TSS_sp2).toString(16)}`), 'the TSS_sp2 store right after swapgs');
    assert.equal(cpu.cr3 & PTI_USER_PGTABLE_AND_PCID_MASK, PTI_USER_PGTABLE_AND_PCID_MASK, 'still the user CR3');
  });
});

describe('kernel-entry sample: the C headers agree with the assembly', function () {
  it('every asm-offsets.h constant equals the offset (or size) the C compiler computes, and the per-CPU declarations have the types the assembly reserves', function () {
    if (spawnSync('cc', ['--version']).status !== 0) this.skip();
    const r = spawnSync('cc', ['-fsyntax-only', '-Wall', '-Werror', '-nostdinc', '-I', join(SAMPLE, 'include'), 'test/samples/asm-offsets-check.c'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});

