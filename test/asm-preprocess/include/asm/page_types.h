#ifndef _X64EMU_PAGE_TYPES_H
#define _X64EMU_PAGE_TYPES_H

#include <uapi/asm/const.h>
#include <linux/kconfig.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1,UL) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE-1))

#define PMD_SHIFT		21
#define PUD_SHIFT		30
#define PGDIR_SHIFT		39
#define PTRS_PER_PGD		512
#define PTRS_PER_PUD		512
#define PTRS_PER_PMD		512

#define __PAGE_OFFSET_BASE_L4	_AC(0xffff888000000000, UL)
#define __START_KERNEL_map	_AC(0xffffffff80000000, UL)
#define __PHYSICAL_START	ALIGN_UP(CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN)
#define __START_KERNEL		(__START_KERNEL_map + __PHYSICAL_START)
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((a) - 1))

#define KERNEL_IMAGE_SIZE	(512 * 1024 * 1024)

#if (PAGE_SIZE) != 4096
# error "PAGE_SIZE must be 4 KiB"
#endif

#if (CONFIG_PHYSICAL_START & (CONFIG_PHYSICAL_ALIGN - 1)) != 0
# error "CONFIG_PHYSICAL_START must be a multiple of CONFIG_PHYSICAL_ALIGN"
#endif

#if IS_ENABLED(CONFIG_X86_5LEVEL)
# define PGTABLE_LEVELS		5
#elif defined(CONFIG_X86_64)
# define PGTABLE_LEVELS		4
#else
# define PGTABLE_LEVELS		2
#endif

/* 0xffffffff80000000 is negative as a signed 64-bit value but fine unsigned. */
#if __START_KERNEL_map < 0
# error "_AC(x, UL) must not make the constant signed in #if"
#endif
#if 0xffffffff80000000 > 0x7fffffffffffffff
# define START_MAP_IS_HIGH	1
#endif

#endif
