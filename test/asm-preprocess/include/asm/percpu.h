#ifndef _X64EMU_PERCPU_H
#define _X64EMU_PERCPU_H

#define __percpu_seg		gs

#ifdef __ASSEMBLY__

#ifdef CONFIG_SMP
#define PER_CPU_VAR(var)	%__percpu_seg:(var)
#define __percpu		%__percpu_seg:
#else
#define PER_CPU_VAR(var)	(var)##__per_cpu_offset_unused
#define __percpu
#endif

#define INIT_PER_CPU_VAR(var)	init_per_cpu__##var

#else /* ...!ASSEMBLY */

#define __percpu_prefix		"%%"__stringify(__percpu_seg)":"
#define this_cpu_read(pcp)	({ typeof(pcp) __ret; asm("mov " __percpu_prefix "%1, %0" : "=r"(__ret) : "m"(pcp)); __ret; })

#endif /* __ASSEMBLY__ */

#endif
