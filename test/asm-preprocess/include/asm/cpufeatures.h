#ifndef _X64EMU_CPUFEATURES_H
#define _X64EMU_CPUFEATURES_H

#define NCAPINTS			21	   /* N 32-bit words worth of info */

/* Intel-defined CPU features, CPUID level 0x00000001 (EDX), word 0 */
#define X86_FEATURE_FPU			( 0*32+ 0) /* Onboard FPU */
#define X86_FEATURE_TSC			( 0*32+ 4) /* Time Stamp Counter */
#define X86_FEATURE_XMM2		( 0*32+26) /* "sse2" */
/* Other features, Linux-defined mapping, word 3 */
#define X86_FEATURE_ALWAYS		( 3*32+21) /* "" Always-present feature */
#define X86_FEATURE_LFENCE_RDTSC	( 3*32+18) /* "" LFENCE synchronizes RDTSC */
/* Linux-defined, word 11 */
#define X86_FEATURE_RETPOLINE		(11*32+12) /* "" Generic Retpoline mitigation */

#if NCAPINTS * 32 < X86_FEATURE_RETPOLINE
# error "NCAPINTS too small"
#endif

#endif
