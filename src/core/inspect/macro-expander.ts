/**
 * `expandMacros` for the expression language: applies a program's #defines (as `preprocess`
 * returns them) to one line of text with the project's own preprocessor, so function-like
 * macros, `#`, `##` and nested expansions behave exactly as in the assembler:
 * `PER_CPU_VAR(cpu_tss_rw + TSS_sp2)` → `%gs:cpu_tss_rw + 20` (with the sample's
 * `#define PER_CPU_VAR(var) %gs:var`). Multi-line text and text that fails to preprocess are
 * returned unchanged.
 */
import { memoryFileSystem } from '../asm/preprocess/memfs.js';
import { preprocess, type CMacro } from '../asm/preprocess/index.js';

const FILE = '<expression>';

/** Predefined macros the preprocessor defines itself (redefining them would only warn). */
const isPredefinedLocation = (m: CMacro) => m.location.file === '<built-in>';

export function createMacroExpander(macros: Map<string, CMacro>): (text: string) => string {
  const definitions = [...macros.values()]
    .filter((m) => !isPredefinedLocation(m))
    .map((m) => `#define ${m.name}${m.params ? `(${m.params.map((p) => (p === '__VA_ARGS__' ? '...' : p)).join(', ')}${m.variadic && !m.params.includes('__VA_ARGS__') ? '...' : ''})` : ''} ${m.body}\n`)
    .join('');
  return (text: string) => {
    if (/[\r\n]/.test(text)) return text;
    const r = preprocess(FILE, { fs: memoryFileSystem({ [FILE]: `${definitions}${text}\n` }), includePaths: [] });
    if (r.diagnostics.some((d) => d.severity === 'error')) return text;
    return r.lines.map((l) => l.text).join(' ').trim();
  };
}
