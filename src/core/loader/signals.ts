/** The signal a Linux process dies with for an unhandled CPU exception (exit status 128 + n). */
import { Vector } from '../machine/faults.js';

export const SIGNAL_FOR_VECTOR: Readonly<Record<number, readonly [number, string]>> = {
  [Vector.DE]: [8, 'SIGFPE'],
  [Vector.UD]: [4, 'SIGILL'],
  [Vector.BP]: [5, 'SIGTRAP'],
  [Vector.GP]: [11, 'SIGSEGV'],
  [Vector.SS]: [11, 'SIGSEGV'],
  [Vector.PF]: [11, 'SIGSEGV'],
  [Vector.AC]: [7, 'SIGBUS'],
};

export function signalFor(vector: number): readonly [number, string] {
  return SIGNAL_FOR_VECTOR[vector] ?? [11, 'SIGSEGV'];
}
