/**
 * The data behind the Stack Switch view: for one CPU, the user stack and the current task's
 * kernel stack as slots, the pt_regs frame, and the registers and structures that point into
 * them (TSS.sp0/sp2, pcpu_hot.current_task/top_of_stack, GS_BASE/KERNEL_GS_BASE, CR3 halves).
 * Plain data (JSON-able, numbers as hex strings) so any client can draw it.
 */
import { visibleFields } from '../inspect/ctype-model.js';
import { evaluate } from '../inspect/expression.js';
import { explainTranslation } from '../inspect/translation.js';
import { TSS64_FIELDS } from '../inspect/machine-views.js';
import type { ProgramView } from './program-view.js';

export interface StackSlot {
  address: string;
  value: string;
  /** What the value points at (`symbol+off`, a region), for values that can be addresses. */
  note?: string;
  /** The struct pt_regs field this slot is, on the kernel stack. */
  field?: string;
}

export interface StackSwitchModel {
  cpu: number;
  ring: number;
  mode: 'user' | 'system';
  rip: string;
  location?: string;
  rsp: string;
  /** Which stack RSP is on now. */
  on: 'user' | 'kernel' | 'entry' | 'other';
  userStack: { rsp?: string; source: string; slots: StackSlot[] };
  kernelStack?: {
    top?: string;
    /**
     * Slots from RSP up to the top while RSP is on this stack; otherwise the pt_regs area at the
     * top, as the last entry left it (`live` false).
     */
    slots: StackSlot[];
    live: boolean;
    /** Where struct pt_regs sits (the top of the stack minus its size), built or not. */
    ptRegsFrame?: { base: string; top: string };
    /** The frame's fields once RSP has reached its base (the whole frame is pushed). */
    ptRegs?: { address: string; fields: Array<{ name: string; value: string }> };
  };
  tss?: { address: string; sp0: string; sp1: string; sp2: string };
  pcpuHot?: { currentTask: string; topOfStack: string };
  gsBase: string;
  kernelGsBase: string;
  cr3: { value: string; pgd: string; pcid: string; userHalf: boolean };
}

const hex = (v: bigint | number) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
const SLOT_COUNT = 12;
/** Enough for a whole pt_regs (21 quadwords) and a few frames below it. */
const KERNEL_SLOT_COUNT = 28;
/** Values below this are counts, selectors and flags, not addresses worth annotating. */
const LOWEST_ANNOTATED = 0x1000n;
const PT_REGS_FIELDS = ['ip', 'cs', 'flags', 'sp', 'ss', 'orig_ax', 'ax', 'di', 'si', 'dx'];

export function stackSwitchModel(view: ProgramView, n: number): StackSwitchModel {
  const target = view.target;
  const cpu = target.cpus[n];
  const ctx = view.context(n);
  const value = (expr: string): bigint | undefined => {
    const r = evaluate(expr, ctx);
    return r.ok ? r.value.bits : undefined;
  };
  const rsp = BigInt.asUintN(64, cpu.getReg(4));
  const slots = (from: bigint, count: number, end?: bigint, fieldAt?: (a: bigint) => string | undefined): StackSlot[] => {
    const out: StackSlot[] = [];
    for (let i = 0; i < count; i++) {
      const a = from + BigInt(8 * i);
      if (end !== undefined && a >= end) break;
      const bytes = view.read(cpu, Number(BigInt.asIntN(64, a)), 8);
      if (!bytes) break;
      const v = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
      const note = v >= LOWEST_ANNOTATED ? view.describe(cpu, Number(BigInt.asIntN(64, v))) : undefined;
      out.push({ address: hex(a), value: hex(v), note, field: fieldAt?.(a) });
    }
    return out;
  };

  const hasPcpuHot = view.perCpuSymbols.includes('pcpu_hot');
  const top = hasPcpuHot ? value('pcpu_hot.top_of_stack') : undefined;
  const task = hasPcpuHot ? value('pcpu_hot.current_task') : undefined;
  let tss: StackSwitchModel['tss'];
  if (target.mode === 'system' && cpu.tr.selector !== 0) {
    const field = (name: string) => {
      const off = TSS64_FIELDS.find(([f]) => f === name)![1];
      const b = view.read(cpu, cpu.tr.base + off, 8);
      return b ? new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) : 0n;
    };
    tss = { address: hex(cpu.tr.base), sp0: hex(field('sp0')), sp1: hex(field('sp1')), sp2: hex(field('sp2')) };
  }
  const kernelRange = top !== undefined && top !== 0n ? { lo: top - 16384n, hi: top } : undefined;
  const inKernelStack = kernelRange !== undefined && rsp >= kernelRange.lo && rsp <= kernelRange.hi;
  const sp0 = tss ? BigInt(tss.sp0) : undefined;
  const onEntry = sp0 !== undefined && rsp <= sp0 && rsp > sp0 - 4096n && !inKernelStack;
  // In ring 0 RSP may still be the user's (SYSCALL does not switch stacks) or hold something
  // else entirely (SWITCH_TO_KERNEL_CR3 borrows it as a scratch register): it is the user stack
  // only if the slot at or just below it is a user page.
  const userPage = (a: bigint) => explainTranslation(target.phys, a, cpu.cr3).access?.user === true;
  const onUserStack = cpu.cpl === 3 || target.mode === 'user' || (!inKernelStack && !onEntry && (userPage(rsp) || userPage(rsp - 8n)));
  const on: StackSwitchModel['on'] = onUserStack ? 'user' : inKernelStack ? 'kernel' : onEntry ? 'entry' : 'other';

  // Where the user RSP is now: in RSP (ring 3, or the first instructions of the entry), in
  // pt_regs->sp once it is built, else parked in TSS.sp2.
  let userRsp: bigint | undefined;
  let source = 'RSP';
  let ptRegs: NonNullable<StackSwitchModel['kernelStack']>['ptRegs'];
  const ptRegsType = view.types?.struct('pt_regs');
  const ptSize = ptRegsType ? view.types.sizeOf(ptRegsType) : undefined;
  const ptBase = kernelRange && ptSize !== undefined ? kernelRange.hi - BigInt(ptSize) : undefined;
  const ptFields = ptRegsType && ptBase !== undefined ? new Map(visibleFields(ptRegsType).map((f) => [ptBase + BigInt(f.offset), f.name])) : undefined;
  const fieldAt = ptFields ? (a: bigint) => ptFields.get(a) : undefined;
  if (kernelRange && ptBase !== undefined) {
    const base = ptBase;
    if (on === 'kernel' && rsp <= base) {
      const fields = PT_REGS_FIELDS.map((f) => ({ name: f, value: hex(value(`((struct pt_regs *)${hex(base)})->${f}`) ?? 0n) }));
      ptRegs = { address: hex(base), fields };
    }
  }
  if (cpu.cpl === 3 || target.mode === 'user') userRsp = rsp;
  else if (ptRegs) {
    userRsp = BigInt(ptRegs.fields.find((f) => f.name === 'sp')!.value);
    source = 'pt_regs->sp';
  } else if (on === 'user') {
    // Ring 0 on the user stack: the first instructions after SYSCALL.
    userRsp = rsp;
    source = 'RSP (not switched yet)';
  } else if (tss) {
    userRsp = BigInt(tss.sp2);
    source = 'TSS.sp2';
  }

  const cr3 = cpu.cr3;
  return {
    cpu: n,
    ring: cpu.cpl,
    mode: target.mode,
    rip: hex(cpu.rip),
    location: target.symbols.format(cpu.rip) || undefined,
    rsp: hex(rsp),
    on,
    userStack: { rsp: userRsp !== undefined ? hex(userRsp) : undefined, source, slots: userRsp !== undefined ? slots(userRsp, SLOT_COUNT) : [] },
    kernelStack: kernelRange
      ? {
          top: hex(kernelRange.hi),
          // From RSP, or from the pt_regs frame's base while RSP is above it (still being built).
          slots:
            on === 'kernel'
              ? slots(ptBase !== undefined && ptBase < rsp ? ptBase : rsp, KERNEL_SLOT_COUNT, kernelRange.hi, fieldAt)
              : ptBase !== undefined
                ? slots(ptBase, ptSize! / 8, kernelRange.hi, fieldAt)
                : [],
          live: on === 'kernel',
          ptRegsFrame: ptBase !== undefined ? { base: hex(ptBase), top: hex(kernelRange.hi) } : undefined,
          ptRegs,
        }
      : undefined,
    tss,
    pcpuHot: hasPcpuHot ? { currentTask: hex(task ?? 0n), topOfStack: hex(top ?? 0n) } : undefined,
    gsBase: hex(cpu.gsBase),
    kernelGsBase: hex(cpu.kernelGsBase),
    cr3: { value: hex(cr3), pgd: hex(cr3 & 0xffffffffff000n & ~0x1000n), pcid: hex(cr3 & 0xfffn), userHalf: (cr3 & 0x1000n) !== 0n },
  };
}
