/* Macro expansion corner cases, as GAS sources meet them (corpus file). */
#include <linux/stringify.h>
#include <linux/compiler_types.h>

#define EMPTY
#define COMMA ,
#define LPAREN (
#define RPAREN )
#define ID(x) x
#define TWICE(x) x x
#define CAT(a, b) a ## b
#define XCAT(a, b) CAT(a, b)
#define STR(x) #x
#define XSTR(x) STR(x)
#define PAREN(...) (__VA_ARGS__)
#define FIRST(a, ...) a
#define REST(a, ...) __VA_ARGS__
#define COUNT(...) COUNT_(__VA_ARGS__, 5, 4, 3, 2, 1, 0)
#define COUNT_(a, b, c, d, e, n, ...) n

/* Operands: % and $ are separate tokens; registers and immediates survive. */
#define REG(n) %r ## n
#define IMM(v) $ ## v
#define MEM(base, idx, scale, disp) disp(base, idx, scale)
	movq	IMM(42), REG(8)
	movq	IMM(0x10), MEM(%rax, %rbx, 8, -16)
	leaq	MEM(REG(12),REG(13),4,CAT(0x, 40))(%rip), %rdx
	movl	$XCAT(1, 0), %eax
	movl	$CAT(1, e3), %eax
	movb	$'a', %al		# 'a' is a char constant, ID(x) here is a comment
	movb	$'\n', ID(%bl)
	movb	$'a, %cl		# GAS char without closing quote: ID(z) stays
	.ascii	"ID(y) stays inside strings"
	.ascii	STR(  spaced    out   text  ), XSTR(ID(expanded))

/* Stringizing strings and characters escapes them. */
	.asciz	STR("quoted\n" 'c' \n)
	.asciz	__stringify(a, b,c , d)
	.asciz	FILE_LINE

/* Recursion: a macro is not re-expanded inside its own expansion. */
#define loop loop + 1
#define self(x) self(x) x
#define A1 B1
#define B1 A1
	.long	loop, self(2), A1, B1
#define f(a) a*g
#define g(a) f(a)
	.long	f(2)(9)

/* Function-like macro names without arguments are left alone. */
	.long	ID, ID (3), TWICE
	.long	ID
	(7)
	.long	TWICE(ID)(4)

/* Arguments spanning lines, with parentheses and commas. */
	.quad	FIRST((1, 2),
		      3, 4), REST(1, (2,
		      3), 4)
	.quad	COUNT(), COUNT(a), COUNT(a, b, c), COUNT(a, (b, c), d)

/* Empty arguments and placemarkers. */
#define T3(a, b, c) [a|b|c]
#define P3(a, b, c) a ## b ## c
	.ascii	__stringify(T3(,,) T3(x,,) T3(,y,) T3(,,z))
	.long	P3(1,2,3), P3(,4,5), P3(6,,7), P3(8,9,), P3(10,,), P3(,11,), P3(,,12) P3(,,)

/* GNU variadics: named rest arguments and the ", ##" comma swallow. */
#define pr(fmt, args...) .ascii fmt ; .long 0 , ## args
#define pr2(fmt, ...) .ascii fmt ; .long 0 , ##__VA_ARGS__
#define only(...) [, ## __VA_ARGS__]
	pr("no args")
	pr("two", 1, 2)
	pr2("none")
	pr2("empty",)
	pr2("three", 1, 2, 3)
	.ascii __stringify(only() only(x) only(,))

/* __VA_OPT__ */
#define VO(a, ...) a __VA_OPT__(: __VA_ARGS__ ;)
#define VO2(a, ...) <a ## __VA_OPT__(__VA_ARGS__)>
	VO(x) VO(x,) VO(x, y) VO(x, EMPTY)
	.ascii XSTR(VO2(p) VO2(p, q) VO2(p, EMPTY))

/* Pasting that does not form a token is not an error in assembler mode. */
#define JOIN(a, b) a ## b
	.ascii	__stringify(JOIN(x, +) JOIN(+, =) JOIN(%, rax) JOIN(., L1) JOIN(1, .) JOIN(/, /) JOIN(<, <=))
	JOIN(.L, local):
	JOIN(__PASTE(foo, _), bar):
	.long	__UNIQUE_ID(sym), __UNIQUE_ID(sym), __COUNTER__

/* A '#' that starts a line but is no directive is an assembler comment. */
# this is a comment with ID(1) and 'quotes
#this one too
	# indented comment
#define HASH #
	HASH not a directive
#  define SPACED_DIRECTIVE 1
	.long SPACED_DIRECTIVE
#
# 42 "not-a-linemarker.S"
	.long __LINE__

/* Comments in odd places. */
	movq /* inline */ %rax, /* two */ %rbx // trailing C++ comment ID(1)
	movq %rcx, \
	     %rdx			/* spliced line */
#define MULTI(x) x /* comment
	in a macro */ + 1
	.long MULTI(5)
/* a comment that ends
   mid-line */ #define AFTER_COMMENT 1
	.long AFTER_COMMENT
	.long 1 /* ends
	here */ , 2

/* Builtins. */
#define WHERE __FILE__:__LINE__
	.ascii XSTR(WHERE), XSTR(__INCLUDE_LEVEL__) , __BASE_FILE__
	.long __LINE__, ID(__LINE__), ID(
	__LINE__)

/* Macros that produce directives' worth of text, GAS-style. */
#define DEFINE_LABEL(name, val) name = val ; .globl name
	DEFINE_LABEL(label_a, 1); DEFINE_LABEL(CAT(label_, b), 2)
#define SECTION(name, flags) .section name, flags
	SECTION(".rodata.str", "aMS"); SECTION(.text.unlikely, "ax")
	.section .text
	.macro noargs
	ret
	.endm
	.macro withargs a, b=2, c:vararg
	.long \a, \b, \c
	.endm
	withargs ID(1), TWICE(2), 3, 4
	.irp reg, ax, bx, cx
	push %r\reg
	.endr
.Lend\@:
