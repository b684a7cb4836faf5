/* Every asm-offsets.h constant must equal the offset the C compiler computes from the structs,
 * and the per-CPU declarations must name the types the assembly reserves (compiled with
 * -fsyntax-only by test/samples.test.ts; a wrong constant or type fails to compile). */
#include <linux/types.h>
#include <asm/setup.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <linux/sched.h>
#include <asm/asm-offsets.h>

#define OFFSET(c, type, field) _Static_assert((c) == __builtin_offsetof(type, field), #c " != offsetof(" #type ", " #field ")")
#define END(c, type, field) _Static_assert((c) == __builtin_offsetof(type, field) + sizeof(((type *)0)->field), #c " != end of " #type "." #field)

OFFSET(TSS_sp0, struct x86_hw_tss, sp0);
OFFSET(TSS_sp1, struct x86_hw_tss, sp1);
OFFSET(TSS_sp2, struct x86_hw_tss, sp2);
OFFSET(TSS_ist, struct x86_hw_tss, ist);
OFFSET(TSS_io_bitmap_base, struct x86_hw_tss, io_bitmap_base);
_Static_assert(sizeof(struct x86_hw_tss) == 104, "struct x86_hw_tss is 104 bytes");
END(TSS_df_stack_top, struct tss_struct, df_stack);
_Static_assert(sizeof(struct tss_struct) == PAGE_SIZE, "cpu_tss_rw is one page");
_Static_assert(sizeof(struct entry_stack_page) == PAGE_SIZE, "the entry stack is one page");
OFFSET(X86_current_task, struct pcpu_hot, current_task);
OFFSET(X86_preempt_count, struct pcpu_hot, preempt_count);
OFFSET(X86_cpu_number, struct pcpu_hot, cpu_number);
OFFSET(X86_call_depth, struct pcpu_hot, call_depth);
OFFSET(X86_top_of_stack, struct pcpu_hot, top_of_stack);
OFFSET(X86_hardirq_stack_ptr, struct pcpu_hot, hardirq_stack_ptr);
_Static_assert(sizeof(struct pcpu_hot) == 64, "struct pcpu_hot is one 64-byte line");
OFFSET(R15, struct pt_regs, r15);
OFFSET(R14, struct pt_regs, r14);
OFFSET(R13, struct pt_regs, r13);
OFFSET(R12, struct pt_regs, r12);
OFFSET(RBP, struct pt_regs, bp);
OFFSET(RBX, struct pt_regs, bx);
OFFSET(R11, struct pt_regs, r11);
OFFSET(R10, struct pt_regs, r10);
OFFSET(R9, struct pt_regs, r9);
OFFSET(R8, struct pt_regs, r8);
OFFSET(RAX, struct pt_regs, ax);
OFFSET(RCX, struct pt_regs, cx);
OFFSET(RDX, struct pt_regs, dx);
OFFSET(RSI, struct pt_regs, si);
OFFSET(RDI, struct pt_regs, di);
OFFSET(ORIG_RAX, struct pt_regs, orig_ax);
OFFSET(RIP, struct pt_regs, ip);
OFFSET(CS, struct pt_regs, cs);
OFFSET(EFLAGS, struct pt_regs, flags);
OFFSET(RSP, struct pt_regs, sp);
OFFSET(SS, struct pt_regs, ss);
_Static_assert(SIZEOF_PTREGS == sizeof(struct pt_regs), "SIZEOF_PTREGS");
_Static_assert(SIZEOF_PTREGS == 168, "pt_regs is 21 words");
OFFSET(TASK_state, struct task_struct, __state);
OFFSET(TASK_on_cpu, struct task_struct, on_cpu);
OFFSET(TASK_stack, struct task_struct, stack);
OFFSET(TASK_pid, struct task_struct, pid);
OFFSET(TASK_threadsp, struct task_struct, thread.sp);
_Static_assert(TASK_size == sizeof(struct task_struct), "TASK_size");

/* The typed per-CPU declarations (what the debugger reads to type cpu_tss_rw, pcpu_hot, ...):
 * each names the struct the assembly reserves for it, with the assembly's alignment. */
#define SAME_TYPE(a, b) __builtin_types_compatible_p(__typeof__(a), b)
_Static_assert(SAME_TYPE(cpu_tss_rw, struct tss_struct), "cpu_tss_rw is a struct tss_struct");
_Static_assert(SAME_TYPE(cpu_tss_rw.x86_tss.sp2, u64), "cpu_tss_rw.x86_tss.sp2 is the u64 at TSS_sp2");
_Static_assert(__alignof__(cpu_tss_rw) == PAGE_SIZE, "cpu_tss_rw is page aligned");
_Static_assert(SAME_TYPE(cpu_entry_stack, struct entry_stack_page), "cpu_entry_stack is a struct entry_stack_page");
_Static_assert(__alignof__(cpu_entry_stack) == PAGE_SIZE, "cpu_entry_stack is page aligned");
_Static_assert(SAME_TYPE(pcpu_hot, struct pcpu_hot), "pcpu_hot is a struct pcpu_hot");
_Static_assert(__alignof__(pcpu_hot) == 64, "pcpu_hot is cache-line aligned (.balign 64)");
_Static_assert(SAME_TYPE(per_cpu(pcpu_hot, 1).current_task, struct task_struct *), "per_cpu(pcpu_hot, cpu) is that CPU's struct pcpu_hot");
_Static_assert(SAME_TYPE(per_cpu_ptr(&cpu_tss_rw, 1), struct tss_struct *), "per_cpu_ptr keeps the type");
_Static_assert(SAME_TYPE(need_resched, int), "need_resched is an int (.long)");
_Static_assert(SAME_TYPE(tasks, struct task_struct[NR_TASKS]), "tasks[] holds NR_TASKS task_structs");
