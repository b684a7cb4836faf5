# Kernel-style early boot data and code, written for this test: descriptor tables built with
# macros and shifts, page tables filled with .rept and .fill, per-CPU style offsets, a stack in
# .bss, and a jump through a far pointer.

	.set	PAGE_SHIFT, 12
	.set	PAGE_SIZE, 1 << PAGE_SHIFT
	.set	__START_KERNEL_map, 0xffffffff80000000
	.set	_PAGE_PRESENT, 1 << 0
	.set	_PAGE_RW, 1 << 1
	.set	_PAGE_PSE, 1 << 7
	.set	_KERNPG_TABLE, _PAGE_PRESENT | _PAGE_RW | (1 << 5) | (1 << 6)
	.set	PMDS_PER_PAGE, 512
	.set	THREAD_SIZE, PAGE_SIZE << 2

	# GDT_ENTRY(flags, base, limit) in the classic bit layout.
	.macro	GDT_ENTRY flags, base, limit
	.quad	((((\base) & 0xff000000) << (56-24)) | (((\flags) & 0x0000f0ff) << 40) | (((\limit) & 0x000f0000) << (48-16)) | (((\base) & 0x00ffffff) << 16) | ((\limit) & 0x0000ffff))
	.endm

	.macro	PMD_ENTRIES first, count, flags
	i = 0
	.rept	\count
	.quad	((\first) + i) << 21 | (\flags)
	i = i + 1
	.endr
	.endm

	.text
	.code64
	.globl	startup_64
	.type	startup_64, @function
startup_64:
	cld
	cli
	leaq	_text(%rip), %rbp
	movq	$_text - __START_KERNEL_map, %rax
	subq	%rax, %rbp
	lgdt	early_gdt_descr(%rip)
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %ss
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movq	initial_stack(%rip), %rsp
	movl	$0xc0000101, %ecx
	movl	initial_gs(%rip), %eax
	movl	initial_gs+4(%rip), %edx
	wrmsr
	pushq	$.Lafter_lret
	pushq	$0x10
	leaq	.Lon_kernel_cs(%rip), %rax
	pushq	%rax
	lretq
.Lon_kernel_cs:
	movq	%cr4, %rcx
	orl	$(1 << 5), %ecx
	movq	%rcx, %cr4
	addq	$(init_top_pgt - __START_KERNEL_map), %rax
	movq	%rax, %cr3
	jmp	*.Lafter_lret_ptr(%rip)
.Lafter_lret:
	call	x86_64_start_kernel
1:	hlt
	jmp	1b
	.size	startup_64, . - startup_64

	.data
	.p2align 4
early_gdt_descr:
	.word	gdt_end - gdt_page - 1
	.quad	gdt_page
.Lafter_lret_ptr:
	.quad	.Lafter_lret
initial_stack:
	.quad	init_stack + THREAD_SIZE - 16
initial_gs:
	.quad	0
	.p2align 3
gdt_page:
	GDT_ENTRY 0, 0, 0
	GDT_ENTRY 0xa09b, 0, 0xfffff
	GDT_ENTRY 0xc093, 0, 0xfffff
	GDT_ENTRY 0xa0fb, 0, 0xfffff
	GDT_ENTRY 0x0089, 0x12345678, 0x67
gdt_end:

	.section .data..page_aligned, "aw"
	.balign	PAGE_SIZE
	.globl	init_top_pgt
init_top_pgt:
	.quad	level3_kernel_pgt - __START_KERNEL_map + _KERNPG_TABLE
	.org	init_top_pgt + 511*8, 0
	.quad	level3_kernel_pgt - __START_KERNEL_map + _KERNPG_TABLE
level3_kernel_pgt:
	.fill	510, 8, 0
	.quad	level2_kernel_pgt - __START_KERNEL_map + _KERNPG_TABLE
	.quad	0
level2_kernel_pgt:
	PMD_ENTRIES 0, 8, _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE
	.fill	PMDS_PER_PAGE - 8, 8, 0

	.bss
	.balign	PAGE_SIZE
	.globl	init_stack
init_stack:
	.skip	THREAD_SIZE

	.text
	.globl	_text
	.set	_text, startup_64
