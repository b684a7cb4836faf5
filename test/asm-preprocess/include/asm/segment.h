#ifndef _X64EMU_SEGMENT_H
#define _X64EMU_SEGMENT_H

#include <linux/kconfig.h>

#define GDT_ENTRY(flags, base, limit)			\
	((((base)  & _AC(0xff000000,ULL)) << (56-24)) |	\
	 (((flags) & _AC(0x0000f0ff,ULL)) << 40) |	\
	 (((limit) & _AC(0x000f0000,ULL)) << (48-16)) |	\
	 (((base)  & _AC(0x00ffffff,ULL)) << 16) |	\
	 (((limit) & _AC(0x0000ffff,ULL))))

#ifdef CONFIG_X86_32
# error "this corpus is 64-bit only"
#else
# define GDT_ENTRY_KERNEL32_CS		1
# define GDT_ENTRY_KERNEL_CS		2
# define GDT_ENTRY_KERNEL_DS		3
# define GDT_ENTRY_DEFAULT_USER32_CS	4
# define GDT_ENTRY_DEFAULT_USER_DS	5
# define GDT_ENTRY_DEFAULT_USER_CS	6
# define GDT_ENTRY_TSS			8
# define GDT_ENTRIES			16

# define __KERNEL32_CS			(GDT_ENTRY_KERNEL32_CS*8)
# define __KERNEL_CS			(GDT_ENTRY_KERNEL_CS*8)
# define __KERNEL_DS			(GDT_ENTRY_KERNEL_DS*8)
# define __USER32_CS			(GDT_ENTRY_DEFAULT_USER32_CS*8 + 3)
# define __USER_DS			(GDT_ENTRY_DEFAULT_USER_DS*8 + 3)
# define __USER_CS			(GDT_ENTRY_DEFAULT_USER_CS*8 + 3)
#endif

#if __USER_CS != 0x33 || __USER_DS != 0x2b
# error "segment selectors do not match the x86-64 ABI"
#endif

#if IS_ENABLED(CONFIG_SMP) && CONFIG_NR_CPUS > 1
# define SEGMENT_SMP_NOTE	smp
#else
# define SEGMENT_SMP_NOTE	up
#endif

#ifndef __ASSEMBLY__
extern const char early_idt_handler_array[32][9];
#endif

#endif
