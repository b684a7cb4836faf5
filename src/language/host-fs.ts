/**
 * The assembler's SourceFileSystem for the language server: the editor's open documents first
 * (so unsaved edits are what gets assembled), then the disk.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SourceFileSystem } from '../core/asm/types.js';

export class HostFileSystem implements SourceFileSystem {
  /** Open documents' text by absolute path. */
  readonly overlay = new Map<string, string>();

  readFile(path: string): string | undefined {
    const open = this.overlay.get(path);
    if (open !== undefined) return open;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  resolve(dir: string, relative: string): string {
    return resolve(dir, relative);
  }

  dirname(path: string): string {
    return dirname(path);
  }
}
