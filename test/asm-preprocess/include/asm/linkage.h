#ifndef _X64EMU_ASM_LINKAGE_H
#define _X64EMU_ASM_LINKAGE_H

#include <linux/stringify.h>

#define __ALIGN		.balign 16, 0x90
#define __ALIGN_STR	__stringify(__ALIGN)

#if defined(CONFIG_RETPOLINE) && !defined(BUILD_VDSO)
#define RET	jmp __x86_return_thunk
#else
#define RET	ret
#endif

#endif
