# Prefixes: on their own line, before the mnemonic, several at once, pseudo prefixes.
	.text
	lock
	incl	(%rax)
	lock; incl (%rax)
	lock incl (%rax)
	rep movsb
	rep; movsb
	repe cmpsb
	repz cmpsb
	repne scasb
	repnz scasb
	rep stosq
	cs nop
	ds nop
	fs nop
	gs movl (%rax), %eax
	data16 nop
	addr32 nop
	lock addl $1, %fs:(%rbx)
	notrack jmp *%rax
	{disp32} movl 4(%rax), %eax
	{disp8} movl (%rbp), %eax
	{load} movl %eax, %ebx
	{store} movl %eax, %ebx
	rex.w nop
	rex
	nop
	xacquire lock incl (%rcx)
	xrelease movl %eax, (%rcx)
	.byte	0x90
