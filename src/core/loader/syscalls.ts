/**
 * Linux x86-64 system calls served by the emulator, as a table: number → handler. The CPU
 * side follows the SYSCALL instruction (RCX ← return RIP, R11 ← RFLAGS); the result goes to
 * RAX as the kernel returns it (negative errno on failure). Unknown calls return -ENOSYS and
 * are reported once each.
 */
import type { Cpu } from '../machine/cpu.js';
import { materializeFlags } from '../isa/lazy-flags.js';
import { numberHi, numberLo } from '../isa/operands.js';
import { PROT } from './address-space.js';
import { MMAP_TOP, type LinuxProcess } from './linux-process.js';

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EBADF: 9,
  ENOMEM: 12,
  EFAULT: 14,
  EEXIST: 17,
  EINVAL: 22,
  ENODEV: 19,
  ENOSYS: 38,
} as const;

type Args = [bigint, bigint, bigint, bigint, bigint, bigint];
type SyscallHandler = (p: LinuxProcess, a: Args) => bigint;

const PAGE = 4096;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const ARCH = { SET_GS: 0x1001, SET_FS: 0x1002, GET_FS: 0x1003, GET_GS: 0x1004 } as const;
const err = (e: number): bigint => BigInt(-e);
const num = (v: bigint): number => Number(BigInt.asIntN(64, v));

function writeGuest(p: LinuxProcess, addr: bigint, data: Uint8Array): boolean {
  return p.copyToUser(num(addr), data);
}

function u64le(values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, v), true));
  return out;
}

/** write(2): a buffer that runs into unmapped memory writes its readable part (EFAULT if none). */
function sysWrite(p: LinuxProcess, [fd, buf, count]: Args): bigint {
  if (fd !== 1n && fd !== 2n) return err(ERRNO.EBADF);
  const want = Math.min(num(count), 1 << 24);
  if (want <= 0) return 0n;
  const data = p.copyFromUser(num(buf), want);
  if (data.length === 0) return err(ERRNO.EFAULT);
  p.writeOutput(Number(fd), data);
  return BigInt(data.length);
}

function sysWritev(p: LinuxProcess, [fd, iov, iovcnt]: Args): bigint {
  let total = 0n;
  for (let i = 0; i < num(iovcnt); i++) {
    const entry = p.copyFromUser(num(iov) + 16 * i, 16);
    if (entry.length < 16) return total > 0n ? total : err(ERRNO.EFAULT);
    const view = new DataView(entry.buffer);
    const len = view.getBigUint64(8, true);
    if (len === 0n) continue;
    const r = sysWrite(p, [fd, view.getBigUint64(0, true), len, 0n, 0n, 0n]);
    if (r < 0n) return total > 0n ? total : r;
    total += r;
  }
  return total;
}

/** read(2): the destination must be writable before any input is consumed. */
function sysRead(p: LinuxProcess, [fd, buf, count]: Args): bigint {
  if (fd !== 0n) return err(ERRNO.EBADF);
  const want = Math.min(num(count), 1 << 20);
  if (want <= 0) return 0n;
  const room = p.space.accessible(num(buf), want, true);
  if (room === 0) return err(ERRNO.EFAULT);
  const data = p.readInput(room);
  return writeGuest(p, buf, data) ? BigInt(data.length) : err(ERRNO.EFAULT);
}

function sysExit(p: LinuxProcess, [status]: Args): bigint {
  p.exitStatus = Number(status & 0xffn);
  p.cpu.stop = { kind: 'exit', status: p.exitStatus };
  return 0n;
}

/** brk(2): the heap VMA grows lazily and shrinks by unmapping. */
function sysBrk(p: LinuxProcess, [addr]: Args): bigint {
  const want = num(addr);
  if (want < p.brkStart || want > p.brkStart + (1 << 30)) return BigInt(p.brk);
  const oldTop = Math.ceil(p.brk / PAGE) * PAGE;
  const newTop = Math.ceil(want / PAGE) * PAGE;
  if (newTop > oldTop) {
    if (!p.space.isFree(oldTop, newTop)) return BigInt(p.brk);
    const heap = p.space.vmas.find((v) => v.name === 'heap' && v.end === oldTop);
    if (heap) heap.end = newTop;
    else p.space.add(oldTop, newTop, PROT.READ | PROT.WRITE, 'heap');
  } else if (newTop < oldTop) {
    p.space.remove(newTop, oldTop);
  }
  p.brk = want;
  return BigInt(p.brk);
}

function sysMmap(p: LinuxProcess, [addr, length, prot, flags, fd]: Args): bigint {
  const len = num(length);
  const fl = num(flags);
  if (len <= 0) return err(ERRNO.EINVAL);
  if (!(fl & MAP_ANONYMOUS)) {
    p.warn(`mmap of a file (fd ${num(fd)}) is not supported; returning -ENODEV`);
    return err(ERRNO.ENODEV);
  }
  const size = Math.ceil(len / PAGE) * PAGE;
  const hint = num(addr);
  let start: number | undefined;
  if (fl & MAP_FIXED) {
    if (hint % PAGE !== 0 || hint <= 0) return err(ERRNO.EINVAL);
    p.space.remove(hint, hint + size);
    start = hint;
  } else if (fl & MAP_FIXED_NOREPLACE) {
    if (hint % PAGE !== 0 || hint <= 0) return err(ERRNO.EINVAL);
    if (!p.space.isFree(hint, hint + size)) return err(ERRNO.EEXIST);
    start = hint;
  } else {
    start = p.space.findFree(size, hint, MMAP_TOP);
  }
  if (start === undefined || start + size > MMAP_TOP + 0x1000) return err(ERRNO.ENOMEM);
  p.space.add(start, start + size, num(prot) & (PROT.READ | PROT.WRITE | PROT.EXEC), 'anon');
  return BigInt(start);
}

function sysMunmap(p: LinuxProcess, [addr, length]: Args): bigint {
  const a = num(addr);
  if (a % PAGE !== 0 || num(length) <= 0) return err(ERRNO.EINVAL);
  p.space.remove(a, a + Math.ceil(num(length) / PAGE) * PAGE);
  return 0n;
}

function sysMprotect(p: LinuxProcess, [addr, length, prot]: Args): bigint {
  const a = num(addr);
  if (a % PAGE !== 0) return err(ERRNO.EINVAL);
  const ok = p.space.protect(a, a + Math.ceil(num(length) / PAGE) * PAGE, num(prot) & (PROT.READ | PROT.WRITE | PROT.EXEC));
  return ok ? 0n : err(ERRNO.ENOMEM);
}

function sysUname(p: LinuxProcess, [buf]: Args): bigint {
  const fields = ['Linux', 'x64emu', '6.6.0-x64emu', '#1 SMP PREEMPT_DYNAMIC', 'x86_64', '(none)'];
  const out = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => out.set(enc.encode(f), i * 65));
  return writeGuest(p, buf, out) ? 0n : err(ERRNO.EFAULT);
}

function sysArchPrctl(p: LinuxProcess, [code, addr]: Args): bigint {
  const cpu = p.cpu;
  switch (num(code)) {
    case ARCH.SET_FS:
    case ARCH.SET_GS: {
      const base = num(addr);
      if (base >= 2 ** 47 || base < 0) return err(ERRNO.EPERM);
      if (num(code) === ARCH.SET_FS) cpu.fsBase = base;
      else cpu.gsBase = base;
      return 0n;
    }
    case ARCH.GET_FS:
    case ARCH.GET_GS: {
      const base = num(code) === ARCH.GET_FS ? cpu.fsBase : cpu.gsBase;
      return writeGuest(p, addr, u64le([BigInt(base)])) ? 0n : err(ERRNO.EFAULT);
    }
    default:
      return err(ERRNO.EINVAL);
  }
}

/** Guest time: the start time plus one nanosecond per retired instruction (deterministic). */
function nowNs(p: LinuxProcess): bigint {
  return p.startTimeNs + BigInt(p.cpu.retired);
}

function sysClockGettime(p: LinuxProcess, [clock, tp]: Args): bigint {
  if (clock < 0n || clock > 11n) return err(ERRNO.EINVAL);
  // CLOCK_REALTIME (0) counts from the epoch; the monotonic clocks from process start.
  const t = clock === 0n ? nowNs(p) : BigInt(p.cpu.retired);
  return writeGuest(p, tp, u64le([t / 1_000_000_000n, t % 1_000_000_000n])) ? 0n : err(ERRNO.EFAULT);
}

function sysGettimeofday(p: LinuxProcess, [tv]: Args): bigint {
  if (tv === 0n) return 0n;
  const t = nowNs(p);
  return writeGuest(p, tv, u64le([t / 1_000_000_000n, (t % 1_000_000_000n) / 1000n])) ? 0n : err(ERRNO.EFAULT);
}

function sysTime(p: LinuxProcess, [tloc]: Args): bigint {
  const s = nowNs(p) / 1_000_000_000n;
  if (tloc !== 0n && !writeGuest(p, tloc, u64le([s]))) return err(ERRNO.EFAULT);
  return s;
}

const returns = (v: bigint): SyscallHandler => () => v;

/** Numbers from arch/x86/entry/syscalls/syscall_64.tbl. */
export const SYSCALLS: ReadonlyMap<number, { name: string; handler: SyscallHandler }> = new Map(
  (
    [
      [0, 'read', sysRead],
      [1, 'write', sysWrite],
      [3, 'close', returns(0n)],
      [9, 'mmap', sysMmap],
      [10, 'mprotect', sysMprotect],
      [11, 'munmap', sysMunmap],
      [12, 'brk', sysBrk],
      [20, 'writev', sysWritev],
      [39, 'getpid', (p) => BigInt(p.pid)],
      [60, 'exit', sysExit],
      [63, 'uname', sysUname],
      [96, 'gettimeofday', sysGettimeofday],
      [102, 'getuid', returns(1000n)],
      [104, 'getgid', returns(1000n)],
      [107, 'geteuid', returns(1000n)],
      [108, 'getegid', returns(1000n)],
      [110, 'getppid', returns(0n)],
      [158, 'arch_prctl', sysArchPrctl],
      [186, 'gettid', (p) => BigInt(p.pid)],
      [201, 'time', sysTime],
      [218, 'set_tid_address', (p) => BigInt(p.pid)],
      [228, 'clock_gettime', sysClockGettime],
      [231, 'exit_group', sysExit],
    ] as Array<[number, string, SyscallHandler]>
  ).map(([n, name, handler]) => [n, { name, handler }]),
);

export function serveSyscall(p: LinuxProcess, cpu: Cpu): void {
  // What the SYSCALL instruction itself does to user-visible state.
  const rip = cpu.rip;
  cpu.r[2] = numberLo(rip);
  cpu.r[3] = numberHi(rip);
  const flags = materializeFlags(cpu);
  cpu.r[22] = flags;
  cpu.r[23] = 0;
  const nr = num(cpu.getReg(0));
  const args: Args = [cpu.getReg(7), cpu.getReg(6), cpu.getReg(2), cpu.getReg(10), cpu.getReg(8), cpu.getReg(9)];
  const entry = SYSCALLS.get(nr);
  let result: bigint;
  if (entry) {
    result = entry.handler(p, args);
  } else {
    if (!p.reportedSyscalls.has(nr)) {
      p.reportedSyscalls.add(nr);
      p.warn(`unsupported system call ${nr} at 0x${(rip - 2).toString(16)}: returning -ENOSYS`);
    }
    result = err(ERRNO.ENOSYS);
  }
  cpu.setReg(0, result);
}

/** Numbers from arch/x86/entry/syscalls/syscall_32.tbl, mapped onto the 64-bit handlers. */
const IA32_SYSCALLS: ReadonlyMap<number, { name: string; handler: SyscallHandler }> = new Map(
  (
    [
      [1, 'exit', sysExit],
      [3, 'read', sysRead],
      [4, 'write', sysWrite],
      [6, 'close', returns(0n)],
      [13, 'time', sysTime],
      [20, 'getpid', (p) => BigInt(p.pid)],
      [24, 'getuid', returns(1000n)],
      [45, 'brk', sysBrk],
      [47, 'getgid', returns(1000n)],
      [49, 'geteuid', returns(1000n)],
      [50, 'getegid', returns(1000n)],
      [224, 'gettid', (p) => BigInt(p.pid)],
      [252, 'exit_group', sysExit],
    ] as Array<[number, string, SyscallHandler]>
  ).map(([n, name, handler]) => [n, { name, handler }]),
);

/**
 * `int $0x80` from a 64-bit process: the i386 system call ABI (EAX number; EBX ECX EDX ESI EDI
 * EBP arguments, zero-extended; result in RAX). Every other register is preserved.
 */
export function serveIa32Syscall(p: LinuxProcess, cpu: Cpu): void {
  const r32 = (slot: number) => BigInt(cpu.r[2 * slot] >>> 0);
  const nr = cpu.r[0] >>> 0;
  const args: Args = [r32(3), r32(1), r32(2), r32(6), r32(7), r32(5)];
  const entry = IA32_SYSCALLS.get(nr);
  let result: bigint;
  if (entry) {
    result = entry.handler(p, args);
  } else {
    const key = -1 - nr;
    if (!p.reportedSyscalls.has(key)) {
      p.reportedSyscalls.add(key);
      p.warn(`unsupported 32-bit system call ${nr} (int $0x80) at 0x${(cpu.rip - 2).toString(16)}: returning -ENOSYS`);
    }
    result = err(ERRNO.ENOSYS);
  }
  cpu.setReg(0, result);
}
