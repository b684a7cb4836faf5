/*
 * A small user program (write + exit) built from headers: computed
 * includes, #pragma once, #import, #include_next and __has_include.
 */
#include <uapi/asm/unistd_64.h>
#define ERRNO_HEADER <asm/errno.h>
#include ERRNO_HEADER
#include <asm/errno.h>		/* #pragma once: nothing this time */
#define QUOTED_HEADER "../include/uapi/asm/unistd_64.h"
#include QUOTED_HEADER		/* include guard: nothing either */
#include <asm/extra.h>		/* include2/asm/extra.h, then include_next */
#import <linux/stringify.h>
#import <linux/stringify.h>

#if __has_include(<asm/extra.h>) && !__has_include("nonexistent.h")
# define HAVE_EXTRA 1
#endif

#define SYSCALL(nr) movl $__NR_##nr, %eax ; syscall
#define SYSCALL3(nr, a, b, c)	\
	movq a, %rdi ;		\
	movq b, %rsi ;		\
	movq c, %rdx ;		\
	SYSCALL(nr)

#define STRING(label, text) label: .ascii text ; label##_len = . - label

	.section .rodata
STRING(msg, "hello from " __FILE__ " line " __stringify(__LINE__) "\n")
STRING(ext, __stringify(EXTRA_GENERIC EXTRA_OVERRIDE HAVE_EXTRA))

	.text
	.globl _start
_start:
	SYSCALL3(write, $1, $msg, $msg_len)
	cmpq	$-MAX_ERRNO, %rax	# IS_ERR_VALUE(%rax)?
	jae	1f
	SYSCALL3(write, $1, $ext, $ext_len)
1:	xorl	%edi, %edi
	SYSCALL(exit_group)

#line 1000 "renamed.S"
	.long __LINE__		/* 1000 */
	.ascii __FILE__
#line 2000
	.long __LINE__
	.ascii __FILE__
