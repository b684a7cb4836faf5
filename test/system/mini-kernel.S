# A minimal 64-bit kernel for the system-mode tests: GDT with user segments and a TSS, an IDT,
# its own page tables (kernel pages supervisor-only, user pages at 2 MiB), SYSCALL via
# STAR/LSTAR/FMASK with SWAPGS and a per-CPU area, a user program entered with SYSRETQ, and a
# #PF handler reached from ring 3 through the TSS.RSP0 stack switch. Output goes to COM1;
# the run ends through the debug-exit port.
	.set COM1, 0x3f8
	.set DEBUG_EXIT, 0xf4
	.set MSR_EFER, 0xc0000080
	.set MSR_STAR, 0xc0000081
	.set MSR_LSTAR, 0xc0000082
	.set MSR_FMASK, 0xc0000084
	.set MSR_GS_BASE, 0xc0000101
	.set PCPU_USER_RSP, 0
	.set PCPU_TOP_OF_STACK, 8

	.text
	.globl _start
_start:
	test	%rdi, %rdi		# CPUs other than 0 sleep forever
	jz	1f
0:	cli
	hlt
	jmp	0b
1:	lea	kernel_stack_top(%rip), %rsp	# our page tables will not map the boot stack
	lgdt	gdt_desc(%rip)
	mov	$0x18, %ax
	mov	%ax, %ss
	# TSS descriptor (selector 0x40): base = tss
	lea	tss(%rip), %rax
	mov	%ax, gdt+0x40+2(%rip)
	shr	$16, %rax
	mov	%al, gdt+0x40+4(%rip)
	mov	%ah, gdt+0x40+7(%rip)
	shr	$16, %rax
	mov	%eax, gdt+0x40+8(%rip)
	lea	kernel_stack_top(%rip), %rax
	mov	%rax, tss+4(%rip)	# TSS.sp0
	lea	df_stack_top(%rip), %rax
	mov	%rax, tss+0x24(%rip)	# TSS.ist[0]
	mov	$0x40, %ax
	ltr	%ax
	# IDT gates: vector in %edi, handler in %rsi, IST in %edx
	mov	$14, %edi
	lea	page_fault(%rip), %rsi
	xor	%edx, %edx
	call	set_gate
	mov	$13, %edi
	lea	general_protection(%rip), %rsi
	call	set_gate
	mov	$8, %edi
	lea	double_fault(%rip), %rsi
	mov	$1, %edx
	call	set_gate
	lidt	idt_desc(%rip)
	# Page tables: 0–2 MiB supervisor, 2–4 MiB user (2 MiB pages)
	lea	pdpt(%rip), %rax
	or	$7, %rax
	mov	%rax, pml4(%rip)
	lea	pd(%rip), %rax
	or	$7, %rax
	mov	%rax, pdpt(%rip)
	movq	$0x000083, pd(%rip)
	movq	$0x200087, pd+8(%rip)
	lea	pml4(%rip), %rax
	mov	%rax, %cr3
	# SYSCALL: EFER.SCE, STAR, LSTAR, FMASK; GS.base = this CPU's per-CPU area
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$1, %eax
	wrmsr
	mov	$MSR_STAR, %ecx
	xor	%eax, %eax
	mov	$0x00230010, %edx
	wrmsr
	mov	$MSR_LSTAR, %ecx
	lea	entry_syscall(%rip), %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr
	mov	$MSR_FMASK, %ecx
	mov	$0x257fd5, %eax
	xor	%edx, %edx
	wrmsr
	lea	percpu(%rip), %rax
	lea	kernel_stack_top(%rip), %rdx
	mov	%rdx, PCPU_TOP_OF_STACK(%rax)
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_GS_BASE, %ecx
	wrmsr
	lea	msg_boot(%rip), %rsi
	call	puts
	# To ring 3: GS.base ⇄ KERNEL_GS_BASE, then SYSRETQ to user_start with IF set
	swapgs
	mov	$user_start, %rcx
	mov	$0x202, %r11
	mov	$0x3ff000, %rsp
	sysretq

# set_gate(vector %edi, handler %rsi, ist %edx): 64-bit interrupt gate, DPL 0, selector 0x10
set_gate:
	lea	idt(%rip), %rax
	shl	$4, %rdi
	add	%rdi, %rax
	mov	%si, (%rax)
	movw	$0x10, 2(%rax)
	mov	%dl, 4(%rax)
	movb	$0x8e, 5(%rax)
	mov	%rsi, %rcx
	shr	$16, %rcx
	mov	%cx, 6(%rax)
	shr	$16, %rcx
	mov	%ecx, 8(%rax)
	movl	$0, 12(%rax)
	ret

# The SYSCALL entry: no hardware stack switch, so switch by hand (as entry_SYSCALL_64 does).
entry_syscall:
	swapgs
	mov	%rsp, %gs:PCPU_USER_RSP
	mov	%gs:PCPU_TOP_OF_STACK, %rsp
	push	%gs:PCPU_USER_RSP
	push	%rcx
	push	%r11
	cmp	$1, %eax
	je	sys_write
	cmp	$60, %eax
	je	sys_exit
	mov	$-38, %rax
	jmp	sys_return
sys_write:				# write(fd ignored, %rsi, %rdx) to COM1
	mov	%rdx, %rcx
	mov	$COM1, %dx
1:	test	%rcx, %rcx
	jz	2f
	lodsb
	out	%al, %dx
	dec	%rcx
	jmp	1b
2:	xor	%eax, %eax
sys_return:
	pop	%r11
	pop	%rcx
	pop	%rsp
	swapgs
	sysretq
sys_exit:
	mov	%edi, %eax
	out	%al, $DEBUG_EXIT

# #PF from ring 3: print CR2, the error code, the saved CS/SS and where RSP is, then exit 42.
page_fault:
	lea	msg_pf(%rip), %rsi
	call	puts
	mov	%cr2, %rdi
	call	puthex
	lea	msg_err(%rip), %rsi
	call	puts
	mov	(%rsp), %rdi		# error code
	call	puthex
	lea	msg_cs(%rip), %rsi
	call	puts
	mov	16(%rsp), %rdi		# saved CS
	call	puthex
	lea	msg_ss(%rip), %rsi
	call	puts
	mov	40(%rsp), %rdi		# saved SS
	call	puthex
	lea	msg_rsp0(%rip), %rsi
	call	puts
	lea	kernel_stack_top(%rip), %rdi
	sub	%rsp, %rdi		# bytes below TSS.sp0: 6 qwords + 3 qwords of calls ... printed raw
	call	puthex
	mov	$10, %al
	mov	$COM1, %dx
	out	%al, %dx
	mov	$42, %al
	out	%al, $DEBUG_EXIT

general_protection:
	lea	msg_gp(%rip), %rsi
	call	puts
	mov	$13, %al
	out	%al, $DEBUG_EXIT

double_fault:
	lea	msg_df(%rip), %rsi
	call	puts
	mov	$8, %al
	out	%al, $DEBUG_EXIT

# puts(%rsi): NUL-terminated string to COM1
puts:
	mov	$COM1, %dx
1:	lodsb
	test	%al, %al
	jz	2f
	out	%al, %dx
	jmp	1b
2:	ret

# puthex(%rdi): 0x-prefixed hex to COM1
puthex:
	mov	$COM1, %dx
	mov	$'0', %al
	out	%al, %dx
	mov	$'x', %al
	out	%al, %dx
	mov	$60, %cl
	xor	%r8d, %r8d		# seen a non-zero digit
1:	mov	%rdi, %rax
	shr	%cl, %rax
	and	$15, %eax
	or	%eax, %r8d
	jnz	2f
	test	%cl, %cl
	jnz	3f
2:	cmp	$10, %al
	jb	4f
	add	$'a' - 10 - '0', %al
4:	add	$'0', %al
	out	%al, %dx
3:	sub	$4, %cl
	jns	1b
	ret

	.data
	.balign 16
# Linux's layout: STAR[47:32] = 0x10 gives SYSCALL CS/SS 0x10/0x18; STAR[63:48] = 0x23 gives
# SYSRET CS/SS 0x33/0x2b.
gdt:	.quad 0
	.quad 0
	.quad 0x00af9b000000ffff	# 0x10 __KERNEL_CS (64-bit)
	.quad 0x00cf93000000ffff	# 0x18 __KERNEL_DS
	.quad 0x00cffb000000ffff	# 0x20 __USER32_CS
	.quad 0x00cff3000000ffff	# 0x28 __USER_DS
	.quad 0x00affb000000ffff	# 0x30 __USER_CS (64-bit)
	.quad 0
	.quad 0x0000890000000067	# 0x40 TSS, 16 bytes; base patched at boot
	.quad 0
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt
idt_desc:
	.word 256 * 16 - 1
	.quad idt
msg_boot:	.asciz "kernel: booted, entering user mode\n"
msg_pf:		.asciz "kernel: #PF cr2="
msg_err:	.asciz " err="
msg_cs:		.asciz " cs="
msg_ss:		.asciz " ss="
msg_rsp0:	.asciz " below_sp0="
msg_gp:		.asciz "kernel: #GP\n"
msg_df:		.asciz "kernel: #DF\n"

	.bss
	.balign 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096
idt:	.skip 4096
tss:	.skip 104
	.balign 64
percpu:	.skip 64
	.balign 16
	.skip 8192
kernel_stack_top:
	.skip 4096
df_stack_top:

	.section .user, "ax"
user_start:
	mov	$1, %eax
	mov	$1, %edi
	lea	msg_user(%rip), %rsi
	mov	$msg_user_len, %edx
	syscall
	mov	%rax, %rbx		# 0 from the kernel
	movq	(%rbx), %rax		# read address 0: a supervisor page → #PF(P|U)
	mov	$60, %eax
	mov	$1, %edi
	syscall
msg_user:	.ascii "user: hello through syscall\n"
	.set msg_user_len, . - msg_user
