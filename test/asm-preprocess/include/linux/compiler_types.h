#ifndef __X64EMU_COMPILER_TYPES_H
#define __X64EMU_COMPILER_TYPES_H

#ifndef __ASSEMBLY__
/*
 * C-only part: none of this may reach the assembler. It's full of
 * things an assembler-with-cpp lexer must survive: 'quotes', "strings",
 * and attributes.
 */
# define __user		__attribute__((noderef, address_space(__user)))
# define __iomem	__attribute__((noderef, address_space(__iomem)))
# define __percpu_qual	__attribute__((noderef, address_space(__percpu)))
# define __force	__attribute__((force))
# define notrace	__attribute__((__no_instrument_function__))

struct task_struct;
typedef unsigned long __kernel_ulong_t;

static inline int it_isnt_assembly(const char *s)
{
	return s[0] == '\'' || s[0] == '"';
}

# if __has_attribute(__fallthrough__)
#  define fallthrough	__attribute__((__fallthrough__))
# else
#  define fallthrough	do {} while (0)  /* fallthrough */
# endif
#endif /* __ASSEMBLY__ */

/* Token pasting that expands its arguments first. */
#define ___PASTE(a,b) a##b
#define __PASTE(a,b) ___PASTE(a,b)

#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#endif /* __X64EMU_COMPILER_TYPES_H */
