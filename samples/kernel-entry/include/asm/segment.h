/* SPDX-License-Identifier: MIT */
/*
 * GDT layout of the sample, which follows the one Linux uses on x86-64. The order is forced by
 * SYSCALL/SYSRET: STAR[47:32] = 0x10 makes SYSCALL load CS = 0x10 and SS = 0x18; STAR[63:48] =
 * 0x23 makes SYSRETQ load CS = 0x23 + 16 = 0x33 and SS = 0x23 + 8 = 0x2b (RPL 3 forced).
 */
#ifndef _ASM_SEGMENT_H
#define _ASM_SEGMENT_H

#define GDT_ENTRY_KERNEL_CS	2
#define GDT_ENTRY_KERNEL_DS	3
#define GDT_ENTRY_DEFAULT_USER32_CS 4
#define GDT_ENTRY_DEFAULT_USER_DS 5
#define GDT_ENTRY_DEFAULT_USER_CS 6
#define GDT_ENTRY_TSS		8	/* 16-byte system descriptor: two slots per CPU */

#define __KERNEL_CS		(GDT_ENTRY_KERNEL_CS * 8)		/* 0x10 */
#define __KERNEL_DS		(GDT_ENTRY_KERNEL_DS * 8)		/* 0x18 */
#define __USER32_CS		(GDT_ENTRY_DEFAULT_USER32_CS * 8 + 3)	/* 0x23 */
#define __USER_DS		(GDT_ENTRY_DEFAULT_USER_DS * 8 + 3)	/* 0x2b */
#define __USER_CS		(GDT_ENTRY_DEFAULT_USER_CS * 8 + 3)	/* 0x33 */

/* The TSS selector of CPU n (this sample keeps one GDT with a TSS descriptor per CPU). */
#define GDT_TSS_SELECTOR(cpu)	((GDT_ENTRY_TSS + 2 * (cpu)) * 8)

#endif /* _ASM_SEGMENT_H */
