/**
 * The Disassembly view's listing: AT&T text from the core's disassembler, each instruction
 * with its symbol and, where a new source line starts, the line (through macro expansion:
 * the innermost level, where the instruction was written).
 */
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { basename } from 'node:path';
import type { LineTable } from '../core/debug/line-table.js';
import { disassembleAt } from '../core/isa/disasm.js';
import type { SymbolMap } from '../core/loader/symbols.js';
import type { Cpu } from '../core/machine/cpu.js';

/** An address as DAP memory/instruction references spell it. */
export const hexAddr = (n: number): string => '0x' + BigInt.asUintN(64, BigInt(n)).toString(16);

export function disassembleListing(cpu: Cpu, lines: LineTable, symbols: SymbolMap, args: DebugProtocol.DisassembleArguments): DebugProtocol.DisassembledInstruction[] {
  let address = Number(BigInt.asIntN(64, BigInt(args.memoryReference) + BigInt(args.offset ?? 0)));
  // Negative instruction offsets: find instruction starts before the address by decoding
  // forward from a little earlier (x86 has no way to decode backwards).
  let skip = args.instructionOffset ?? 0;
  if (skip < 0) {
    const starts = instructionStartsBefore(cpu, address, -skip);
    address = starts.length >= -skip ? starts[starts.length + skip] : (starts[0] ?? address);
    skip = 0;
  }
  const out: DebugProtocol.DisassembledInstruction[] = [];
  let lastLine = '';
  for (let i = 0; out.length < args.instructionCount && i < args.instructionCount + skip; i++) {
    const d = disassembleAt(cpu.mem, address);
    if (i >= skip) {
      const ins: DebugProtocol.DisassembledInstruction = {
        address: hexAddr(address),
        instructionBytes: [...d.bytes].map((b) => b.toString(16).padStart(2, '0')).join(' '),
        instruction: d.text,
      };
      const sym = symbols.lookup(address);
      if (sym && sym.offset === 0) ins.symbol = sym.symbol.name;
      const levels = lines.levels(address);
      if (levels.length > 0) {
        const pos = levels[0].pos;
        const key = `${pos.file}:${pos.line}`;
        if (key !== lastLine) {
          ins.location = new Source(basename(pos.file), pos.file);
          ins.line = pos.line;
          lastLine = key;
        }
      }
      if (d.length === 0) ins.presentationHint = 'invalid';
      out.push(ins);
    }
    address += Math.max(1, d.length);
  }
  return out;
}

function instructionStartsBefore(cpu: Cpu, address: number, count: number): number[] {
  const starts: number[] = [];
  let a = address - 16 * count - 16;
  while (a < address) {
    starts.push(a);
    a += Math.max(1, disassembleAt(cpu.mem, a).length);
  }
  return starts.slice(-count);
}
