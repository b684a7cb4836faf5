import { strict as assert } from 'node:assert';
import { formatDiagnostic } from '../types.js';
import { asm, checkGolden } from './gas.test-support.js';

// Each source states its expected diagnostics in comments on the offending line.

const DIRECTIVES = `
	.data
	.foo 1                       # error: unknown pseudo-op: \`.foo'
	.byte 1 2                    # error: junk at end of line, first unrecognized character is \`2'
	.long 1 +                    # warning: missing operand; zero assumed
	.byte 256                    # warning: value 0x100 truncated to 0x0
	.if undefined_sym            # error: non-constant expression in ".if" statement
	.endif
	.else                        # error: ".else" without matching ".if"
	.endif                       # error: ".endif" without ".if"
	.endr                        # warning: .endr encountered without preceding .rept, .irp, or .irpc
	.endm                        # warning: .endm encountered without preceding .macro
	.exitm                       # warning: ignoring macro exit outside a macro definition.
x:	.byte 0
x:	.byte 0                      # error: symbol \`x' is already defined
	.align 3                     # error: alignment not a power of 2
	.error "stop here"           # error: stop here
	.warning "careful"           # warning: careful
	.print "hello"               # note: hello
	.error                       # error: .error directive invoked in source file
	.intel_syntax noprefix       # error: \`.intel_syntax' is not supported: only AT&T syntax is
	.att_syntax
	.code32                      # error: \`.code32' is not supported: only 64-bit code (.code64)
	.code64
	.altmacro                    # error: \`.altmacro' is not supported (only the default GNU as macro syntax is)
	.purgem nothing              # warning: Attempt to purge non-existing macro \`nothing'
	.byte 1b                     # error: backward ref to unknown label "1:"
	.section .q, "z"             # error: bad .section directive: want a,l,w,x,M,S,G,T in string
	.cfi_startproc               # note: CFI directives are ignored (no .eh_frame is produced)
	.cfi_endproc
	.loc 1 2 3                   # note: \`.loc' is ignored (no debug line information is produced)
	.ascii "open                 # warning: unterminated string; newline inserted
	.set y                       # error: expected comma after "y"
	.rept undefined_count        # error: bad or irreducible absolute expression
	.endr
	.balignl 8, 1                # error: alignment padding (2 bytes) not a multiple of 4
`;

const INSTRUCTIONS = `
	.text
	frobnicate %rax              # error: no such instruction: \`frobnicate'
	mov %foo, %eax               # error: bad register name \`%foo'
	mov 4(%rax,%rbx,3), %eax     # error: expecting scale factor of 1, 2, 4, or 8: got \`3'
	lock                         
	jmp 0x1000                   # error: branch to an absolute address is not supported
	call %rax, %rbx              # error: stub encoder: unsupported form of \`call'
1:	.skip 300
	loop 1b                      # error: value of -302 too large for field of 1 byte at 0x12e
`;

const MACROS = `
	.macro need a:req, b
	.byte \\a, \\b
	.endm
	need                         # error: Missing value for required parameter \`a' of macro \`need'
	need 1, 2, 3                 # error: too many positional arguments
	need c=1                     # error: Parameter named \`c' does not exist for macro \`need' # error: Missing value for required parameter \`a' of macro \`need'
	need a=1 2                   # error: can't mix positional and keyword arguments
	.macro need                  # error: Macro \`need' was already defined
	.endm
	.macro bad x
	.byte \\x +                  # warning: missing operand; zero assumed
	.bogus                       # error: unknown pseudo-op: \`.bogus'
	.endm
	bad 1
	bad 2
`;

describe('gas diagnostics (golden comments)', () => {
  it('directives', () => assert.deepEqual(checkGolden(DIRECTIVES), []));
  it('instructions', () => assert.deepEqual(checkGolden(INSTRUCTIONS), []));
  it('macros: errors inside a body are reported at the body line, once per expansion', () => {
    const problems = checkGolden(MACROS);
    // bad is expanded twice: its two body diagnostics appear twice each
    assert.deepEqual(problems, []);
    const r = asm(MACROS);
    assert.equal(r.diagnostics.filter((d) => d.message.startsWith('unknown pseudo-op')).length, 2);
  });
  it('reports every error of a run and produces no module', () => {
    const r = asm('.foo\n.bar\nnop\n.baz\n');
    assert.equal(r.diagnostics.length, 3);
    assert.equal(r.module, undefined);
  });
  it('gives columns and the expansion chain', () => {
    const r2 = asm('.macro inner v\n  .byte \\v, 1 2\n.endm\n.macro outer\n    inner 1\n.endm\n.data\n outer\n');
    const e = r2.diagnostics[0];
    // \v sits at column 9 of the body line; after substitution `2` maps to its own column.
    assert.deepEqual(e.location, { file: 't.s', line: 2, column: 15, endColumn: 16 });
    assert.deepEqual(e.chain.map((f) => `${f.kind} ${f.name} ${f.location.line}:${f.location.column}`), ['macro inner 5:5', 'macro outer 8:2']);
    assert.equal(
      formatDiagnostic(e),
      "t.s:2:15: error: junk at end of line, first unrecognized character is `2'\nt.s:5:5: note: in expansion of macro inner\nt.s:8:2: note: in expansion of macro outer",
    );
  });
  it('never throws, whatever the input', () => {
    const junk = ['.macro', '.rept', '.irp', ')(', '$$$', '%%', '.section', '.if', 'jmp', '"', "'", '\\', '.byte (', '1:', '::', '.set', '.org', '.p2align 99'];
    for (const a of junk) for (const b of junk) assert.doesNotThrow(() => asm(`${a}\n${b} x, y\n.endm\n.endr\n.endif`));
  });
});
