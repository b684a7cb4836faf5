// Feature and diagnostic tests for the .S preprocessor (expected texts checked against
// gcc 12 `gcc -E -P -x assembler-with-cpp`).
import { strict as assert } from 'node:assert';
import { memoryFileSystem } from './memfs.js';
import { preprocess, type PreprocessOptions } from './index.js';

interface Out {
  lines: string[];
  diags: string[];
  result: ReturnType<typeof preprocess>;
}

function run(files: Record<string, string> | string, opts: Partial<PreprocessOptions> = {}, main = 'a.S'): Out {
  const fsFiles = typeof files === 'string' ? { [main]: files } : files;
  const result = preprocess(main, { fs: memoryFileSystem(fsFiles), includePaths: [], ...opts });
  return {
    lines: result.lines.map((l) => l.text).filter((t) => t.trim() !== ''),
    diags: result.diagnostics.map((d) => `${d.location.file}:${d.location.line}:${d.location.column}: ${d.severity}: ${d.message}`),
    result,
  };
}

const text = (src: string, opts?: Partial<PreprocessOptions>) => run(src, opts).lines;

describe('preprocess: text', () => {
  it('passes assembly through with GCC spacing (indentation kept, runs of blanks become one space)', () => {
    assert.deepEqual(text('\tmov\t%rax,   %rbx\n    ret\nlabel:\n'), [' mov %rax, %rbx', '    ret', 'label:']);
  });

  it('removes /* */ (also multi-line) and // comments', () => {
    assert.deepEqual(text('a /* x */ b // c\nd /* multi\nline */ e\n/* whole line */\nf\n'), ['a b', 'd e', 'f']);
  });

  it('splices backslash-newlines (also with blanks after the backslash, with a warning)', () => {
    const r = run('mov \\\n%rax, %rbx\nmo\\ \nv\n');
    assert.deepEqual(r.lines, ['mov %rax, %rbx', 'mov']);
    assert.deepEqual(r.diags, ['a.S:3:3: warning: backslash and newline separated by space']);
  });

  it('keeps a # that does not start a directive: assembler comments pass through', () => {
    assert.deepEqual(text('# comment\n  # indented X\n#foo bar\n# 12 "f.c"\n#\n'), ['# comment', '  # indented X', '#foo bar', '# 12 "f.c"']);
  });

  it('expands macros inside assembler # comments (as GCC does, including its space before a # after a macro)', () => {
    assert.deepEqual(text('#define X 1\nmov $X, %eax # X\n# X\n'), ['mov $1, %eax # 1', ' # 1']);
  });

  it("is lenient with ' in assembly: an unterminated quote ends at the end of the line", () => {
    assert.deepEqual(text("#define X 1\nmovb $'a, X\nmovb $'a', X\n# don't X\n.ascii \"it's X\"\n"), [
      "movb $'a, X",
      "movb $'a', 1",
      " # don't X",
      '.ascii "it\'s X"',
    ]);
  });

  it('does not treat $ as part of an identifier', () => {
    assert.deepEqual(text('#define X 1\na$X $X X$\n'), ['a$1 $1 1$']);
  });

  it('keeps pp-numbers whole (0x12X, 1b, 1e+X are one token)', () => {
    assert.deepEqual(text('#define X 1\n0x12X 1b 1e+X X.X\n'), ['0x12X 1b 1e+X 1 . 1']);
  });

  it('inserts a space where two tokens would otherwise paste', () => {
    assert.deepEqual(text('#define F(a) a\n#define E\nF(x)1 F(x)1.5 F(+)+ F(-)> F(.)1 F(1)x E-E- F(/)/\n'), ['x 1 x1.5 + + - > . 1 1 x - - / /']);
  });

  it('drops lines holding only directives and keeps a line for a macro that expands to nothing', () => {
    const r = run('#define E\nE\n  E\n#if 1\n#endif\n');
    assert.deepEqual(
      r.result.lines.map((l) => l.text),
      ['', ' '],
    );
  });
});

describe('preprocess: macros', () => {
  it('object-like and function-like macros, #undef', () => {
    assert.deepEqual(text('#define N 42\n#define ADD(a, b) a + b\nN ADD(N, 1)\n#undef N\nN\n'), ['42 42 + 1', 'N']);
  });

  it('kernel-style PER_CPU_VAR and SYM_FUNC_START', () => {
    const src = '#define PER_CPU_VAR(var) %gs:(var)\n#define SYM_FUNC_START(name) .globl name; name:\nSYM_FUNC_START(f)\n movq %rsp, PER_CPU_VAR(tss + 8)\n';
    assert.deepEqual(text(src), ['.globl f; f:', ' movq %rsp, %gs:(tss + 8)']);
  });

  it('# stringizes the unexpanded argument, escaping strings and characters, with single spaces', () => {
    assert.deepEqual(text('#define S(x) #x\n#define X 1\nS(  a   +  b  ) S("q\\n" \'\\\'\') S() S(X) S(a /* c */ b)\n'), [
      '"a + b" "\\"q\\\\n\\" \'\\\\\'\'" "" "X" "a b"',
    ]);
  });

  it('stringizing after expansion needs the usual two levels', () => {
    assert.deepEqual(text('#define S(x) #x\n#define XS(x) S(x)\n#define X 1\nXS(X) XS(__LINE__)\n'), ['"1" "4"']);
  });

  it('## pastes, placemarkers vanish, and invalid pastes are not errors in assembler mode', () => {
    const r = run('#define C(a, b) a ## b\n#define C3(a, b, c) a ## b ## c\nC(x, y) C(1, 2) C(, z) C(w, ) C3(a, , c) C(%, rax) C(%,rax) C(x, +) C(x,+)\n');
    assert.deepEqual(r.lines, ['xy 12 z w ac % rax %rax x + x+']);
    assert.deepEqual(r.diags, []);
  });

  it('the result of ## is rescanned', () => {
    assert.deepEqual(text('#define C(a, b) a ## b\n#define xy done\nC(x, y)\n'), ['done']);
  });

  it('__VA_ARGS__, named variadics and the GNU , ## comma swallow', () => {
    const src =
      '#define V(f, ...) f(__VA_ARGS__)\n#define P(fmt, args...) fmt , ## args\n#define Q(...) [, ## __VA_ARGS__]\n' +
      'V(g) V(g, 1, 2) P(x) P(x, ) P(x, 1, 2) Q() Q(a)\n';
    assert.deepEqual(text(src), ['g() g(1, 2) x x , x , 1, 2 [] [,a]']);
  });

  it('__VA_OPT__', () => {
    assert.deepEqual(text('#define F(a, ...) a __VA_OPT__(: __VA_ARGS__)\n#define E\nF(x) F(x, y) F(x, E)\n'), ['x x : y x']);
  });

  it('a macro is not expanded inside its own expansion (and stays painted)', () => {
    assert.deepEqual(text('#define loop loop + 1\n#define A B\n#define B A\n#define f(x) x f\nloop A B f(1)(2)\n'), ['loop + 1 A B 1 f(2)']);
  });

  it('arguments are fully expanded before substitution, then the result is rescanned', () => {
    // ID(G)(N): G becomes ID inside ID's own expansion, so that ID is painted and never expands.
    assert.deepEqual(text('#define ID(x) x\n#define N 5\n#define G ID\nID(ID(N)) G(N) ID(G)(N)\n'), ['5 5 ID(5)']);
  });

  it('a function-like macro name without ( is left alone, also across lines', () => {
    assert.deepEqual(text('#define F(x) [x]\nF F (1)\nF\n(2)\nF\nnext\n'), ['F [1]', '[2]', 'F', 'next']);
  });

  it('arguments may span lines; the expansion is on the invocation line', () => {
    assert.deepEqual(text('#define F(a, b) a+b\nF(1,\n  2) tail\nafter\n'), ['1 +2 tail', 'after']);
  });

  it('__FILE__, __LINE__, __COUNTER__, __INCLUDE_LEVEL__, __BASE_FILE__', () => {
    const r = run({ 'a.S': '__FILE__ __LINE__\n#include "b.h"\n__COUNTER__ __COUNTER__\n', 'b.h': '__FILE__ __LINE__ __INCLUDE_LEVEL__ __BASE_FILE__\n' });
    assert.deepEqual(r.lines, ['"a.S" 1', '"b.h" 1 1 "a.S"', '0 1']);
  });

  it('__LINE__ in a macro body is the line of the (outermost) invocation; in an argument, where it is written', () => {
    assert.deepEqual(text('#define L __LINE__\n#define F(a, b) [a|b]\n\nF(__LINE__,\n__LINE__) L F(L,\nL)\n'), ['[4|5] 5 [5|6]']);
  });

  it('#line changes __LINE__ and __FILE__', () => {
    assert.deepEqual(text('#line 100\n__LINE__\n#line 7 "x.S"\n__LINE__ __FILE__\n'), ['100', '7 "x.S"']);
  });

  it('_Pragma is consumed', () => {
    assert.deepEqual(text('a _Pragma("weak x") b\n'), ['a', ' b']);
  });

  it('#pragma message and #pragma redefine_extname are printed, macro-expanded, on a line of their own', () => {
    assert.deepEqual(text('#define M 5\na #pragma not a directive here\n#pragma message("m=" M)\n#pragma redefine_extname a b\n#pragma pack(M)\nx _Pragma("message(\\"op\\")") y\n'), [
      'a #pragma not a directive here',
      '#pragma message("m=" 5)',
      '#pragma redefine_extname a b',
      'x',
      '#pragma message("op")',
      ' y',
    ]);
  });

  it('#pragma push_macro / pop_macro', () => {
    assert.deepEqual(text('#define X 1\n#pragma push_macro("X")\n#undef X\n#define X 2\nX\n#pragma pop_macro("X")\nX\n'), ['2', '1']);
  });

  it('predefines __ASSEMBLY__, __ASSEMBLER__, __x86_64__, __linux__, __STDC__ ...', () => {
    assert.deepEqual(text('__ASSEMBLY__ __ASSEMBLER__ __x86_64__ __linux__ __STDC__ __GNUC__ __SIZEOF_LONG__ __LP64__ __ELF__\n'), ['1 1 1 1 1 12 8 1 1']);
  });

  it('-D and -U', () => {
    const r = run('A B F(3) __x86_64__\n', { defines: [['A', '1'], ['B', 'hello world'], ['F(x)', 'x*x'], ['__x86_64__', '2']], undefines: ['__x86_64__'] });
    assert.deepEqual(r.lines, ['1 hello world 3*3 __x86_64__']);
    assert.equal(r.diags.length, 2);
    assert.equal(r.diags[0], '<command-line>:4:9: warning: "__x86_64__" redefined');
    assert.match(r.diags[1], /^<built-in>:\d+:9: note: this is the location of the previous definition$/);
  });

  it('reports the macros defined at the end', () => {
    const r = run('#define OBJ 1 + 2\n#define FN(a, b) a ## b #a\n#define VA(x, ...) x __VA_ARGS__\n#define GV(args...) args\n#undef OBJ\n#define OBJ (3)\n');
    const m = r.result.macros;
    assert.deepEqual(m.get('OBJ'), { name: 'OBJ', params: undefined, variadic: false, body: '(3)', location: { file: 'a.S', line: 6, column: 9 } });
    assert.deepEqual(m.get('FN'), { name: 'FN', params: ['a', 'b'], variadic: false, body: 'a ## b #a', location: { file: 'a.S', line: 2, column: 9 } });
    assert.deepEqual(m.get('VA')?.params, ['x', '__VA_ARGS__']);
    assert.equal(m.get('VA')?.variadic, true);
    assert.deepEqual(m.get('GV')?.params, ['args']);
    assert.equal(m.get('__x86_64__')?.location.file, '<built-in>');
    assert.equal(m.has('__LINE__'), false);
  });
});

describe('preprocess: includes', () => {
  it('"..." searches the includer\'s directory first, then -I; <...> only -I', () => {
    const files = {
      'src/a.S': '#include "x.h"\n#include <x.h>\n#include "sub/y.h"\n',
      'src/x.h': 'local\n',
      'inc/x.h': 'system\n',
      'inc/sub/y.h': '#include "z.h"\n',
      'inc/sub/z.h': 'z in sub\n',
    };
    const r = run(files, { includePaths: ['inc'] }, 'src/a.S');
    assert.deepEqual(r.lines, ['local', 'system', 'z in sub']);
    assert.deepEqual(r.result.includedFiles, ['src/x.h', 'inc/x.h', 'inc/sub/y.h', 'inc/sub/z.h']);
  });

  it('include guards, #pragma once and #import keep a second copy out', () => {
    const files = {
      'a.S': '#include "g.h"\n#include "g.h"\n#include "o.h"\n#include "o.h"\n#import "i.h"\n#import "i.h"\n',
      'g.h': '#ifndef G_H\n#define G_H\nguarded\n#endif\n',
      'o.h': '#pragma once\nonce\n',
      'i.h': 'imported\n',
    };
    assert.deepEqual(run(files).lines, ['guarded', 'once', 'imported']);
  });

  it('#include_next continues the search after the directory the current file was found in', () => {
    const files = { 'a.S': '#include <h.h>\n', 'one/h.h': 'one\n#include_next <h.h>\n', 'two/h.h': 'two\n' };
    assert.deepEqual(run(files, { includePaths: ['one', 'two'] }).lines, ['one', 'two']);
  });

  it('computed includes: a macro giving "file" or <file>', () => {
    const files = { 'a.S': '#define H <h.h>\n#define Q "q.h"\n#include H\n#include Q\n', 'inc/h.h': 'angled\n', 'q.h': 'quoted\n' };
    assert.deepEqual(run(files, { includePaths: ['inc'] }).lines, ['angled', 'quoted']);
  });

  it('__has_include', () => {
    const files = { 'a.S': '#if __has_include("b.h") && !__has_include(<nope.h>)\nyes\n#endif\n', 'b.h': '' };
    assert.deepEqual(run(files).lines, ['yes']);
  });

  it('a missing include is an error with the include chain, and preprocessing goes on', () => {
    const files = { 'a.S': 'before\n#include "b.h"\nafter\n', 'b.h': 'in b\n#include "missing.h"\nstill b\n' };
    const r = run(files);
    assert.deepEqual(r.lines, ['before', 'in b', 'still b', 'after']);
    assert.equal(r.result.diagnostics.length, 1);
    const d = r.result.diagnostics[0];
    assert.equal(d.message, 'missing.h: No such file or directory');
    assert.deepEqual(d.location, { file: 'b.h', line: 2, column: 10 });
    assert.deepEqual(d.chain, [{ kind: 'include', name: 'b.h', location: { file: 'a.S', line: 2, column: 10 } }]);
  });

  it('stops runaway recursion at a nesting depth of 200', () => {
    const r = run({ 'a.S': '#include "a.S"\n' });
    assert.deepEqual(r.diags.filter((d) => d.includes('nested')), [
      'a.S:1:2: error: #include nested depth 200 exceeds maximum of 200 (use -fmax-include-depth=DEPTH to increase the maximum)',
    ]);
    assert.equal(r.result.diagnostics[0].chain.length, 199);
  });

  it('a function-like macro at the end of an included file does not take ( from the includer', () => {
    const files = { 'a.S': '#define F(x) [x]\n#include "b.h"\n(1)\n', 'b.h': 'F\n' };
    assert.deepEqual(run(files).lines, ['F', '(1)']);
  });

  it('the main file may be missing', () => {
    const r = preprocess('nope.S', { fs: memoryFileSystem({}), includePaths: [] });
    assert.deepEqual(r.lines, []);
    assert.equal(r.diagnostics[0].message, 'nope.S: No such file or directory');
  });
});

describe('preprocess: conditionals', () => {
  it('#if/#elif/#else/#endif, #ifdef/#ifndef, nested and skipped groups', () => {
    const src =
      '#define A 1\n#if A == 2\nno\n#elif A == 1\nyes1\n#else\nno\n#endif\n' +
      '#ifdef A\n#ifndef B\nyes2\n#endif\n#else\nno\n#endif\n' +
      '#if 0\n#if garbage (\n#else\nno\n#endif\n#bogus\ndon\'t "care\n#else\nyes3\n#endif\n';
    assert.deepEqual(text(src), ['yes1', 'yes2', 'yes3']);
  });

  it('the C struct definitions of #ifndef __ASSEMBLY__ blocks vanish', () => {
    const src = '#ifndef __ASSEMBLY__\nstruct pt_regs { unsigned long ip; };\nstatic inline int f(void) { return \'x\'; }\n#else\n.set PT_REGS_SIZE, 8\n#endif\n';
    assert.deepEqual(text(src), ['.set PT_REGS_SIZE, 8']);
  });

  it('only the first true group is processed; later #elif are not evaluated', () => {
    const r = run('#if 1\na\n#elif 1/0\nb\n#else\nc\n#endif\n');
    assert.deepEqual(r.lines, ['a']);
    assert.deepEqual(r.diags, []);
  });

  it('#elifdef / #elifndef', () => {
    assert.deepEqual(text('#define X\n#ifdef Y\na\n#elifdef X\nb\n#endif\n#ifdef Y\n#elifndef Z\nc\n#endif\n'), ['b', 'c']);
  });

  it('IS_ENABLED-style tricks work in #if', () => {
    const src =
      '#define CONFIG_FOO 1\n#define __ARG_PLACEHOLDER_1 0,\n#define __take_second_arg(__ignored, val, ...) val\n' +
      '#define __is_defined(x) ___is_defined(x)\n#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)\n' +
      '#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)\n' +
      '#if __is_defined(CONFIG_FOO) && !__is_defined(CONFIG_BAR)\nyes\n#endif\n';
    assert.deepEqual(text(src), ['yes']);
  });
});

describe('preprocess: diagnostics', () => {
  const diags = (src: string | Record<string, string>) => run(src).diags;

  it('#error and #warning (tokens re-spelled with single spaces), and preprocessing goes on', () => {
    const r = run('#error this is   an  error\n#warning a "w"\n#error\nafter\n');
    assert.deepEqual(r.diags, ['a.S:1:2: error: #error this is an error', 'a.S:2:2: warning: #warning a "w"', 'a.S:3:2: error: #error ']);
    assert.deepEqual(r.lines, ['after']);
  });

  it('wrong macro argument counts', () => {
    assert.deepEqual(diags('#define F(a,b) a b\nF(1)\nF(1,2,3)\n#define V(a,b,...) a\nV(1)\n#define Z() z\nZ(1)\n'), [
      'a.S:2:4: error: macro "F" requires 2 arguments, but only 1 given',
      'a.S:1:9: note: macro "F" defined here',
      'a.S:3:8: error: macro "F" passed 3 arguments, but takes just 2',
      'a.S:1:9: note: macro "F" defined here',
      'a.S:5:4: error: macro "V" requires 3 arguments, but only 1 given',
      'a.S:4:9: note: macro "V" defined here',
      'a.S:7:4: error: macro "Z" passed 1 arguments, but takes just 0',
      'a.S:6:9: note: macro "Z" defined here',
    ]);
  });

  it('a failed invocation leaves the macro name and drops the arguments', () => {
    assert.deepEqual(run('#define F(a,b) [a|b]\nF(1) after\n').lines, ['F after']);
  });

  it('unterminated argument list', () => {
    const r = run('#define F(a) a\nF(3, 4\n');
    assert.deepEqual(r.diags, ['a.S:2:7: error: unterminated argument list invoking macro "F"']);
    assert.deepEqual(r.lines, ['F']);
  });

  it('a non-directive # at the start of a line ends a macro argument', () => {
    assert.deepEqual(diags('#define F(a,b) [a|b]\nF(1,\n# comment\n2)\n'), [
      'a.S:4:2: error: macro "F" passed 3 arguments, but takes just 2',
      'a.S:1:9: note: macro "F" defined here',
    ]);
  });

  it('unterminated conditionals (innermost first) and stray #else/#elif/#endif', () => {
    assert.deepEqual(diags('#else\n#endif\n#elif 1\n#if 1\n#ifdef X\n'), [
      'a.S:1:2: error: #else without #if',
      'a.S:2:2: error: #endif without #if',
      'a.S:3:2: error: #elif without #if',
      'a.S:5:2: error: unterminated #ifdef',
      'a.S:4:2: error: unterminated #if',
    ]);
  });

  it('#else after #else and #elif after #else', () => {
    assert.deepEqual(diags('#if 1\n#else\n#else\n#endif\n#if 1\n#else\n#elif 1\n#endif\n'), [
      'a.S:3:2: error: #else after #else',
      'a.S:1:2: note: the conditional began here',
      'a.S:7:2: error: #elif after #else',
      'a.S:5:2: note: the conditional began here',
    ]);
  });

  it('conditionals do not span files', () => {
    assert.deepEqual(diags({ 'a.S': '#if 1\n#include "b.h"\n', 'b.h': '#endif\n#if 1\n' }), [
      'b.h:1:2: error: #endif without #if',
      'b.h:2:2: error: unterminated #if',
      'a.S:1:2: error: unterminated #if',
    ]);
  });

  it('extra tokens after #else / #endif / #ifdef / #undef / #include', () => {
    assert.deepEqual(diags({ 'a.S': '#if 0\n#else bar\n#endif baz\n#ifdef X junk\n#endif\n#undef X junk\n#include "b.h" junk\n', 'b.h': '' }), [
      'a.S:2:7: warning: extra tokens at end of #else directive',
      'a.S:3:8: warning: extra tokens at end of #endif directive',
      'a.S:4:10: warning: extra tokens at end of #ifdef directive',
      'a.S:6:10: warning: extra tokens at end of #undef directive',
      'a.S:7:16: warning: extra tokens at end of #include directive',
    ]);
  });

  it('bad #define and #undef', () => {
    assert.deepEqual(
      diags('#define\n#define 1\n#define defined\n#define F(a b)\n#define G(a,a)\n#define H(a, x\n#define J ## a\n#define K a ##\n#define X 1\n#define X 2\n#undef\n#undef 3\n#define Y+1\n#define P(a,)\n#define Q(...x)\n'),
      [
        'a.S:1:8: error: no macro name given in #define directive',
        'a.S:2:9: error: macro names must be identifiers',
        'a.S:3:9: error: "defined" cannot be used as a macro name',
        'a.S:4:13: error: expected \',\' or \')\', found "b"',
        'a.S:5:13: error: duplicate macro parameter "a"',
        "a.S:6:15: error: expected ')' before end of line",
        "a.S:7:9: error: '##' cannot appear at either end of a macro expansion",
        "a.S:8:9: error: '##' cannot appear at either end of a macro expansion",
        'a.S:10:9: warning: "X" redefined',
        'a.S:9:9: note: this is the location of the previous definition',
        'a.S:11:7: error: no macro name given in #undef directive',
        'a.S:12:8: error: macro names must be identifiers',
        'a.S:13:9: warning: missing whitespace after the macro name',
        'a.S:14:13: error: expected parameter name, found ")"',
        'a.S:15:14: error: expected \')\' after "..."',
      ],
    );
  });

  it('identical redefinition is not diagnosed', () => {
    assert.deepEqual(diags('#define X(a) a + 1\n#define X(a) a   +   1\n'), []);
  });

  it('bad #include', () => {
    assert.deepEqual(diags('#include\n#include nope\n#include ""\n#include_next "x.h"\n'), [
      'a.S:1:9: error: #include expects "FILENAME" or <FILENAME>',
      'a.S:2:10: error: #include expects "FILENAME" or <FILENAME>',
      'a.S:3:10: error: empty filename in #include',
      'a.S:4:2: warning: #include_next in primary source file',
      'a.S:4:15: error: x.h: No such file or directory',
    ]);
  });

  it('bad #if expressions', () => {
    assert.deepEqual(
      diags(
        '#if 1 +\n#endif\n#if (1\n#endif\n#if 1 2\n#endif\n#if\n#endif\n#if 1/0\n#endif\n#if 1.0\n#endif\n#if defined\n#endif\n' +
          '#if defined(\n#endif\n#if "s"\n#endif\n#if x(1)\n#endif\n#if 1 )\n#endif\n#if 1 ? 2\n#endif\n#if 1 : 2\n#endif\n#if ()\n#endif\n' +
          '#if * 2\n#endif\n#if 1 = 2\n#endif\n#if 12z\n#endif\n#if 09\n#endif\n#if defined(X\n#endif\n#if 0\n#elif\n#endif\n',
      ),
      [
        "a.S:1:8: error: operator '+' has no right operand",
        "a.S:3:5: error: missing ')' in expression",
        'a.S:5:7: error: missing binary operator before token "2"',
        'a.S:7:4: error: #if with no expression',
        'a.S:9:6: error: division by zero in #if',
        'a.S:11:5: error: floating constant in preprocessor expression',
        'a.S:13:12: error: operator "defined" requires an identifier',
        'a.S:15:13: error: operator "defined" requires an identifier',
        'a.S:17:5: error: token ""s"" is not valid in preprocessor expressions',
        'a.S:19:6: error: missing binary operator before token "("',
        "a.S:21:7: error: missing '(' in expression",
        "a.S:23:10: error: '?' without following ':'",
        "a.S:25:7: error:  ':' without preceding '?'", // sic
        "a.S:27:6: error: missing expression between '(' and ')'",
        "a.S:29:5: error: operator '*' has no left operand",
        'a.S:31:7: error: token "=" is not valid in preprocessor expressions',
        'a.S:33:5: error: invalid suffix "z" on integer constant',
        'a.S:35:5: error: invalid digit "9" in octal constant',
        'a.S:37:14: error: missing \')\' after "defined"',
        'a.S:40:6: error: #elif with no expression',
      ],
    );
  });

  it('#if warnings: overflow, huge constants, multi-character constants', () => {
    assert.deepEqual(diags("#if 9223372036854775807 + 1\n#endif\n#if 18446744073709551615\n#endif\n#if 'ab'\n#endif\n#if 99999999999999999999\n#endif\n"), [
      'a.S:1:28: warning: integer overflow in preprocessor expression',
      'a.S:3:5: warning: integer constant is so large that it is unsigned',
      'a.S:5:5: warning: multi-character character constant',
      'a.S:7:5: warning: integer constant is too large for its type',
    ]);
  });

  it('unterminated comment', () => {
    const r = run('a\n/* open\nb\n');
    assert.deepEqual(r.diags, ['a.S:2:1: error: unterminated comment']);
    assert.deepEqual(r.lines, ['a']);
  });

  it('#line errors', () => {
    assert.deepEqual(diags('#line x\n#line\n#line 5 x\n'), [
      'a.S:1:7: error: "x" after #line is not a positive integer',
      'a.S:2:6: error: unexpected end of file after #line',
      'a.S:3:9: error: "x" is not a valid filename',
    ]);
  });

  it('_Pragma needs a parenthesized string literal', () => {
    assert.deepEqual(diags('_Pragma(x)\n_Pragma\n'), [
      'a.S:1:9: error: _Pragma takes a parenthesized string literal',
      'a.S:2:1: error: _Pragma takes a parenthesized string literal',
    ]);
  });

  it('#pragma GCC warning / error', () => {
    assert.deepEqual(diags('#pragma GCC warning "careful"\n#pragma GCC error "stop"\n'), ['a.S:1:21: warning: careful', 'a.S:2:19: error: stop']);
  });

  it('stringizing an odd number of trailing backslashes warns', () => {
    const r = run('#define S(x) #x\nS(\\) S(\\\\)\n');
    assert.deepEqual(r.lines, ['"" "\\\\"']);
    assert.deepEqual(r.diags, ["a.S:2:4: warning: invalid string literal, ignoring final '\\'"]);
  });

  it('__VA_ARGS__ outside a variadic macro', () => {
    assert.deepEqual(diags('#define F(x) __VA_ARGS__\n'), ['a.S:1:14: warning: __VA_ARGS__ can only appear in the expansion of a C99 variadic macro']);
  });

  it('absurdly deep macro argument nesting is an error, not a crash', () => {
    const n = 3000;
    const r = run(`#define F(x) [x]\n${'F('.repeat(n)}a${')'.repeat(n)}\n#if ${'('.repeat(n)}1${')'.repeat(n)}\nok\n#endif\n`);
    assert.deepEqual(r.diags, ['a.S:2:515: error: macro arguments nested more than 256 levels deep; not expanded further']);
    assert.equal(r.lines[1], 'ok');
  });

  it('never throws on binary junk', () => {
    const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    const r = run(`#define F(x) #x ## x\n${junk}\nF(${junk.slice(0, 50)})\n#if ${junk.slice(100, 200)}\n#endif\n`);
    assert.ok(Array.isArray(r.lines));
  });
});
