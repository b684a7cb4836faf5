/** QEMU-style isa-debug-exit at port 0xf4: a write of v ends the run with exit status v. */
import type { PortDevice } from './port-bus.js';

export class DebugExit implements PortDevice {
  readonly name = 'isa-debug-exit';
  readonly ports: readonly [number, number];

  constructor(
    port: number,
    private readonly exit: (status: number) => void,
  ) {
    this.ports = [port, port + 3];
  }

  read(): number {
    return 0xff;
  }

  write(_port: number, _size: number, value: number): void {
    this.exit(value & 0xff);
  }
}
