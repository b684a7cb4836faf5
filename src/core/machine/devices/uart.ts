/**
 * A 16550 UART at COM1 (0x3f8): what the guest writes to the transmit register is program
 * output. The transmitter is always ready (LSR THRE|TEMT); nothing is ever received.
 */
import type { PortDevice } from './port-bus.js';

const REG = { DATA: 0, IER: 1, IIR_FCR: 2, LCR: 3, MCR: 4, LSR: 5, MSR: 6, SCR: 7 } as const;
const LCR_DLAB = 0x80;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;

export class Uart16550 implements PortDevice {
  readonly name = '16550 UART (COM1)';
  readonly ports: readonly [number, number];
  private readonly regs = new Uint8Array(8);
  private divisor = 1;

  constructor(
    private readonly base: number,
    private readonly output: (byte: number) => void,
  ) {
    this.ports = [base, base + 7];
  }

  snapshot() {
    return { regs: this.regs.slice(), divisor: this.divisor };
  }

  restore(s: { regs: Uint8Array; divisor: number }): void {
    this.regs.set(s.regs);
    this.divisor = s.divisor;
  }

  read(port: number): number {
    const reg = port - this.base;
    const dlab = (this.regs[REG.LCR] & LCR_DLAB) !== 0;
    switch (reg) {
      case REG.DATA:
        return dlab ? this.divisor & 0xff : 0;
      case REG.IER:
        return dlab ? this.divisor >> 8 : this.regs[REG.IER];
      case REG.IIR_FCR:
        return 0x01; // no interrupt pending
      case REG.LSR:
        return LSR_THRE | LSR_TEMT;
      case REG.MSR:
        return 0xb0; // CTS, DSR, DCD
      default:
        return this.regs[reg];
    }
  }

  write(port: number, _size: number, value: number): void {
    const reg = port - this.base;
    const dlab = (this.regs[REG.LCR] & LCR_DLAB) !== 0;
    if (reg === REG.DATA && !dlab) this.output(value & 0xff);
    else if (reg === REG.DATA) this.divisor = (this.divisor & 0xff00) | (value & 0xff);
    else if (reg === REG.IER && dlab) this.divisor = (this.divisor & 0xff) | ((value & 0xff) << 8);
    else this.regs[reg] = value & 0xff;
  }
}
