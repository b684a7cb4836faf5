/**
 * An in-memory SourceFileSystem (for tests, and for hosts that hold sources in memory such as
 * an editor's open documents). Paths use '/'; `resolve` joins without normalising, like GCC
 * names included files.
 */
import type { SourceFileSystem } from '../types.js';

export function memoryFileSystem(files: Record<string, string> | Map<string, string>): SourceFileSystem {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    readFile: (path) => map.get(path),
    resolve: (dir, relative) => (relative.startsWith('/') || dir === '' || dir === '.' ? relative : `${dir.replace(/\/+$/, '')}/${relative}`),
    dirname: (path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : ''),
  };
}
