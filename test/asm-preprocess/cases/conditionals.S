/* #if expressions: each true condition emits its number (corpus file). */
#include <linux/kconfig.h>
#define ZERO_OR_ONE defined(CONFIG_SMP)
#define DEFINED_VIA_MACRO defined CONFIG_SMP
#define HAS_SEL(h) __has_include(h)
#define PAREN_EXPR (3 + 4)

#if 1 + 2 * 3 == 7
	.byte 0 /* true: 1 + 2 * 3 == 7 */
#else
	.byte 0x80 + 0
#endif
#if (1 + 2) * 3 == 9
	.byte 1 /* true: (1 + 2) * 3 == 9 */
#else
	.byte 0x80 + 1
#endif
#if 10 / 3 == 3 && 10 % 3 == 1
	.byte 2 /* true: 10 / 3 == 3 && 10 % 3 == 1 */
#else
	.byte 0x80 + 2
#endif
#if -10 / 3 == -3 && -10 % 3 == -1
	.byte 3 /* true: -10 / 3 == -3 && -10 % 3 == -1 */
#else
	.byte 0x80 + 3
#endif
#if -1 < 0
	.byte 4 /* true: -1 < 0 */
#else
	.byte 0x80 + 4
#endif
#if -1 > 0u
	.byte 5 /* true: -1 > 0u */
#else
	.byte 0x80 + 5
#endif
#if -1 == 0xffffffffffffffff
	.byte 6 /* true: -1 == 0xffffffffffffffff */
#else
	.byte 0x80 + 6
#endif
#if 0xffffffffffffffff == -1 && 0xffffffffffffffff > 0
	.byte 7 /* true: 0xffffffffffffffff == -1 && 0xffffffffffffffff > 0 */
#else
	.byte 0x80 + 7
#endif
#if 18446744073709551615 == -1
	.byte 8 /* true: 18446744073709551615 == -1 */
#else
	.byte 0x80 + 8
#endif
#if 9223372036854775807 > 0
	.byte 9 /* true: 9223372036854775807 > 0 */
#else
	.byte 0x80 + 9
#endif
#if 9223372036854775807 + 1 < 0
	.byte 10 /* true: 9223372036854775807 + 1 < 0 */
#else
	.byte 0x80 + 10
#endif
#if -9223372036854775807 - 1 < 0
	.byte 11 /* true: -9223372036854775807 - 1 < 0 */
#else
	.byte 0x80 + 11
#endif
#if 1 << 63 < 0
	.byte 12 /* true: 1 << 63 < 0 */
#else
	.byte 0x80 + 12
#endif
#if 1u << 63 > 0
	.byte 13 /* true: 1u << 63 > 0 */
#else
	.byte 0x80 + 13
#endif
#if 1 << 64 == 0
	.byte 14 /* true: 1 << 64 == 0 */
#else
	.byte 0x80 + 14
#endif
#if 1 >> -1 == 2
	.byte 15 /* true: 1 >> -1 == 2 */
#else
	.byte 0x80 + 15
#endif
#if -16 >> 2 == -4
	.byte 16 /* true: -16 >> 2 == -4 */
#else
	.byte 0x80 + 16
#endif
#if -16 >> 70 == -1
	.byte 17 /* true: -16 >> 70 == -1 */
#else
	.byte 0x80 + 17
#endif
#if (unsigned long)0
	.byte 18 /* true: (unsigned long)0 */
#else
	.byte 0x80 + 18
#endif
#if ~0 == -1 && ~0u == 0xffffffffffffffff
	.byte 19 /* true: ~0 == -1 && ~0u == 0xffffffffffffffff */
#else
	.byte 0x80 + 19
#endif
#if !0 == 1 && !5 == 0 && !!5 == 1
	.byte 20 /* true: !0 == 1 && !5 == 0 && !!5 == 1 */
#else
	.byte 0x80 + 20
#endif
#if (3 & 5) == 1 && (3 | 5) == 7 && (3 ^ 5) == 6
	.byte 21 /* true: (3 & 5) == 1 && (3 | 5) == 7 && (3 ^ 5) == 6 */
#else
	.byte 0x80 + 21
#endif
#if 1 ? 2 : 3
	.byte 22 /* true: 1 ? 2 : 3 */
#else
	.byte 0x80 + 22
#endif
#if 0 ? 2 : 3
	.byte 23 /* true: 0 ? 2 : 3 */
#else
	.byte 0x80 + 23
#endif
#if (0 ? 1 : -1) < 0
	.byte 24 /* true: (0 ? 1 : -1) < 0 */
#else
	.byte 0x80 + 24
#endif
#if (0 ? 1u : -1) > 0
	.byte 25 /* true: (0 ? 1u : -1) > 0 */
#else
	.byte 0x80 + 25
#endif
#if 1 ? 1 : 1 / 0
	.byte 26 /* true: 1 ? 1 : 1 / 0 */
#else
	.byte 0x80 + 26
#endif
#if 0 && 1 / 0
	.byte 27 /* true: 0 && 1 / 0 */
#else
	.byte 0x80 + 27
#endif
#if 1 || 1 / 0
	.byte 28 /* true: 1 || 1 / 0 */
#else
	.byte 0x80 + 28
#endif
#if (2, 3) == 3
	.byte 29 /* true: (2, 3) == 3 */
#else
	.byte 0x80 + 29
#endif
#if 'a' == 97
	.byte 30 /* true: 'a' == 97 */
#else
	.byte 0x80 + 30
#endif
#if '\n' == 10 && '\t' == 9 && '\\' == 92 && '\'' == 39 && '\0' == 0
	.byte 31 /* true: '\n' == 10 && '\t' == 9 && '\\' == 92 && '\'' == 39 && '\0' == 0 */
#else
	.byte 0x80 + 31
#endif
#if '\377' < 0
	.byte 32 /* true: '\377' < 0 */
#else
	.byte 0x80 + 32
#endif
#if '\xff' == -1
	.byte 33 /* true: '\xff' == -1 */
#else
	.byte 0x80 + 33
#endif
#if 'ab' == 24930
	.byte 34 /* true: 'ab' == 24930 */
#else
	.byte 0x80 + 34
#endif
#if L'a' == 97
	.byte 35 /* true: L'a' == 97 */
#else
	.byte 0x80 + 35
#endif
#if '\e' == 27
	.byte 36 /* true: '\e' == 27 */
#else
	.byte 0x80 + 36
#endif
#if 0x10 == 16 && 010 == 8 && 0b101 == 5 && 0X1f == 31
	.byte 37 /* true: 0x10 == 16 && 010 == 8 && 0b101 == 5 && 0X1f == 31 */
#else
	.byte 0x80 + 37
#endif
#if 10L == 10 && 10UL == 10u && 10ll == 10LL && 10ULL == 10lu && 10llu == 10
	.byte 38 /* true: 10L == 10 && 10UL == 10u && 10ll == 10LL && 10ULL == 10lu && 10llu == 10 */
#else
	.byte 0x80 + 38
#endif
#if UNDEFINED_NAME == 0
	.byte 39 /* true: UNDEFINED_NAME == 0 */
#else
	.byte 0x80 + 39
#endif
#if UNDEFINED_FN(1, 2) + 1
	.byte 40 /* true: UNDEFINED_FN(1, 2) + 1 */
#else
	.byte 0x80 + 40
#endif
#if defined(CONFIG_SMP)
	.byte 41 /* true: defined(CONFIG_SMP) */
#else
	.byte 0x80 + 41
#endif
#if defined CONFIG_SMP && !defined CONFIG_UP
	.byte 42 /* true: defined CONFIG_SMP && !defined CONFIG_UP */
#else
	.byte 0x80 + 42
#endif
#if defined(__x86_64__) && defined __linux__ && __ASSEMBLER__ && __ASSEMBLY__
	.byte 43 /* true: defined(__x86_64__) && defined __linux__ && __ASSEMBLER__ && __ASSEMBLY__ */
#else
	.byte 0x80 + 43
#endif
#if defined(__FILE__) && defined(__LINE__) && defined(__has_include)
	.byte 44 /* true: defined(__FILE__) && defined(__LINE__) && defined(__has_include) */
#else
	.byte 0x80 + 44
#endif
#if __LINE__ > 10
	.byte 45 /* true: __LINE__ > 10 */
#else
	.byte 0x80 + 45
#endif
#if CONFIG_NR_CPUS == 64 && CONFIG_NR_CPUS * 2 == 128
	.byte 46 /* true: CONFIG_NR_CPUS == 64 && CONFIG_NR_CPUS * 2 == 128 */
#else
	.byte 0x80 + 46
#endif
#if CONFIG_PAGE_OFFSET == 0xffff888000000000
	.byte 47 /* true: CONFIG_PAGE_OFFSET == 0xffff888000000000 */
#else
	.byte 0x80 + 47
#endif
#if IS_ENABLED(CONFIG_SMP)
	.byte 48 /* true: IS_ENABLED(CONFIG_SMP) */
#else
	.byte 0x80 + 48
#endif
#if IS_ENABLED(CONFIG_X86_5LEVEL)
	.byte 49 /* true: IS_ENABLED(CONFIG_X86_5LEVEL) */
#else
	.byte 0x80 + 49
#endif
#if IS_ENABLED(CONFIG_PAGE_TABLE_ISOLATION)
	.byte 50 /* true: IS_ENABLED(CONFIG_PAGE_TABLE_ISOLATION) */
#else
	.byte 0x80 + 50
#endif
#if IS_BUILTIN(CONFIG_PAGE_TABLE_ISOLATION)
	.byte 51 /* true: IS_BUILTIN(CONFIG_PAGE_TABLE_ISOLATION) */
#else
	.byte 0x80 + 51
#endif
#if IS_MODULE(CONFIG_PAGE_TABLE_ISOLATION)
	.byte 52 /* true: IS_MODULE(CONFIG_PAGE_TABLE_ISOLATION) */
#else
	.byte 0x80 + 52
#endif
#if __GNUC__ >= 4 && __SIZEOF_LONG__ == 8 && __CHAR_BIT__ == 8
	.byte 53 /* true: __GNUC__ >= 4 && __SIZEOF_LONG__ == 8 && __CHAR_BIT__ == 8 */
#else
	.byte 0x80 + 53
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	.byte 54 /* true: __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ */
#else
	.byte 0x80 + 54
#endif
#if __INT64_C(5) == 5 && __UINT64_C(5) == 5u
	.byte 55 /* true: __INT64_C(5) == 5 && __UINT64_C(5) == 5u */
#else
	.byte 0x80 + 55
#endif
#if __has_include(<linux/linkage.h>)
	.byte 56 /* true: __has_include(<linux/linkage.h>) */
#else
	.byte 0x80 + 56
#endif
#if __has_include("../include/asm/asm.h")
	.byte 57 /* true: __has_include("../include/asm/asm.h") */
#else
	.byte 0x80 + 57
#endif
#if __has_include(<no/such/header.h>)
	.byte 58 /* true: __has_include(<no/such/header.h>) */
#else
	.byte 0x80 + 58
#endif
#if HAS_SEL(<asm/asm.h>)
	.byte 59 /* true: HAS_SEL(<asm/asm.h>) */
#else
	.byte 0x80 + 59
#endif
#if ZERO_OR_ONE
	.byte 60 /* true: ZERO_OR_ONE */
#else
	.byte 0x80 + 60
#endif
#if DEFINED_VIA_MACRO
	.byte 61 /* true: DEFINED_VIA_MACRO */
#else
	.byte 0x80 + 61
#endif
#if #machine(x86_64) && #cpu(x86_64) && #system(linux) && !#machine(arm)
	.byte 62 /* true: #machine(x86_64) && #cpu(x86_64) && #system(linux) && !#machine(arm) */
#else
	.byte 0x80 + 62
#endif
#if PAREN_EXPR * 2 == 14
	.byte 63 /* true: PAREN_EXPR * 2 == 14 */
#else
	.byte 0x80 + 63
#endif
#if -(-1) == 1 && +1 == 1 && - - 1 == 1
	.byte 64 /* true: -(-1) == 1 && +1 == 1 && - - 1 == 1 */
#else
	.byte 0x80 + 64
#endif
#if 1 == 1 == 1
	.byte 65 /* true: 1 == 1 == 1 */
#else
	.byte 0x80 + 65
#endif
#if 2 > 1 > 0
	.byte 66 /* true: 2 > 1 > 0 */
#else
	.byte 0x80 + 66
#endif
#if 1 < 2 ? 3 < 4 ? 5 : 6 : 7
	.byte 67 /* true: 1 < 2 ? 3 < 4 ? 5 : 6 : 7 */
#else
	.byte 0x80 + 67
#endif
#if '\0' ? 0 : 1
	.byte 68 /* true: '\0' ? 0 : 1 */
#else
	.byte 0x80 + 68
#endif
#if '\u00e9' == 0xe9
	.byte 69 /* true: '\u00e9' == 0xe9 */
#else
	.byte 0x80 + 69
#endif
#if '\101' == 'A' && '\x41' == 'A'
	.byte 70 /* true: '\101' == 'A' && '\x41' == 'A' */
#else
	.byte 0x80 + 70
#endif
#if 'abcd' == 0x61626364
	.byte 71 /* true: 'abcd' == 0x61626364 */
#else
	.byte 0x80 + 71
#endif
#if '\377\377' == 65535
	.byte 72 /* true: '\377\377' == 65535 */
#else
	.byte 0x80 + 72
#endif
#if 0x7fffffffffffffff * 2 == -2
	.byte 73 /* true: 0x7fffffffffffffff * 2 == -2 */
#else
	.byte 0x80 + 73
#endif
#if -9223372036854775807 - 1 == (-9223372036854775807 - 1) / 1
	.byte 74 /* true: -9223372036854775807 - 1 == (-9223372036854775807 - 1) / 1 */
#else
	.byte 0x80 + 74
#endif
#if 'é' < 0
	.byte 75 /* true: 'é' < 0 */
#else
	.byte 0x80 + 75
#endif
#if '\1' ? '\2' : '\3'
	.byte 76 /* true: '\1' ? '\2' : '\3' */
#else
	.byte 0x80 + 76
#endif

/* Conditional structure: nesting, #elif chains, skipped garbage. */
#if 0
	don't care about 'quotes" or #bogus directives here
# error "must not fire"
#bogus_directive
#if garbage ( [
#endif
#else
	.ascii "else branch"
#endif

#ifdef CONFIG_SMP
# ifndef CONFIG_UP
#  if CONFIG_NR_CPUS > 128
	.ascii "many"
#  elif CONFIG_NR_CPUS > 32
	.ascii "some"
#  elif 1 / 0
	.ascii "never evaluated"
#  else
	.ascii "few"
#  endif
# endif
#elif defined(CONFIG_UP)
	.ascii "up"
#else
# error "neither"
#endif

#ifndef NOT_DEFINED
	.ascii "ifndef taken"
#endif
#ifdef NOT_DEFINED
#elif 1
	.ascii "elif after ifdef"
#endif

#define TOGGLE
#ifdef TOGGLE
	.ascii "toggle on"
#undef TOGGLE
#endif
#ifdef TOGGLE
	.ascii "toggle still on?"
#endif

#if 1
#else
#if 1 /* nested inside a skipped group: not evaluated */
#else
#endif
#endif
	.ascii "end"

