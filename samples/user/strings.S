# strings.S — the string instructions: strlen with repne scasb, a copy with rep movsb,
# a compare with repe cmpsb, a fill with rep stosb; prints what each produced.
	.globl _start
	.text
_start:
	lea	src(%rip), %rdi		# strlen(src): scan for the NUL byte
	xor	%eax, %eax
	mov	$-1, %rcx
	cld
	repne scasb
	not	%rcx
	dec	%rcx			# %rcx = length
	mov	%rcx, %r12
	lea	src(%rip), %rsi		# copy it, then overwrite its last 3 characters with stars
	lea	buf(%rip), %rdi
	rep movsb
	sub	$3, %rdi
	mov	$'*', %al
	mov	$3, %ecx
	rep stosb
	movb	$'\n', (%rdi)
	lea	buf(%rip), %rsi		# compare the copy with the source: where do they differ?
	lea	src(%rip), %rdi
	mov	%r12, %rcx
	repe cmpsb
	mov	%r12, %rax
	sub	%rcx, %rax		# repe cmpsb stops just past the first difference
	add	$'0' - 1, %al
	mov	%al, differs_at(%rip)
	mov	$1, %eax		# write(1, buf, len + 1)
	mov	$1, %edi
	lea	buf(%rip), %rsi
	lea	1(%r12), %rdx
	syscall
	mov	$1, %eax
	mov	$1, %edi
	lea	msg(%rip), %rsi
	mov	$msg_len, %edx
	syscall
	mov	$60, %eax
	mov	%r12d, %edi		# exit status: the length
	syscall

	.data
src:	.asciz	"0123456789"
msg:	.ascii	"first difference at index "
differs_at: .ascii "?\n"
	.set	msg_len, . - msg
	.bss
buf:	.skip	64
