/* SPDX-License-Identifier: MIT */
#ifndef _ASM_PTRACE_H
#define _ASM_PTRACE_H

#ifndef __ASSEMBLY__
/*
 * The registers saved on kernel entry, lowest address first. The last five words are the frame
 * an interrupt from ring 3 pushes (or the equivalent entry_SYSCALL_64 pushes by hand).
 */
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx;
	unsigned long r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long orig_ax;	/* system call number, error code, or -1 */
	unsigned long ip, cs, flags, sp, ss;
};
#endif

#endif /* _ASM_PTRACE_H */
