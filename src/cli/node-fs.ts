/** The host file system as the assembler sees it (the core never touches Node directly). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SourceFileSystem } from '../core/asm/types.js';

export const nodeFileSystem: SourceFileSystem = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve: (dir, relative) => (relative.startsWith('/') ? relative : resolve(dir, relative)).replace(/^\.\//, ''),
  dirname: (path) => dirname(path),
};
