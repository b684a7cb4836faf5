/** The I/O port space: devices claim port ranges; unclaimed ports read as all ones. */
import type { PortIo } from '../cpu.js';

export interface PortDevice {
  readonly name: string;
  readonly ports: readonly [number, number]; // first, last (inclusive)
  read(port: number, size: number): number;
  write(port: number, size: number, value: number): void;
}

export class PortBus implements PortIo {
  private readonly devices: PortDevice[] = [];
  private readonly reported = new Set<number>();

  constructor(private readonly warn: (message: string) => void) {}

  attach(device: PortDevice): void {
    this.devices.push(device);
  }

  private deviceFor(port: number): PortDevice | undefined {
    return this.devices.find((d) => port >= d.ports[0] && port <= d.ports[1]);
  }

  read(port: number, size: number): number {
    const d = this.deviceFor(port);
    if (d) return d.read(port, size);
    this.report(port, 'read');
    return size === 4 ? -1 : (1 << (8 * size)) - 1;
  }

  write(port: number, size: number, value: number): void {
    const d = this.deviceFor(port);
    if (d) d.write(port, size, value);
    else this.report(port, 'write');
  }

  private report(port: number, what: string): void {
    if (this.reported.has(port)) return;
    this.reported.add(port);
    this.warn(`${what} of unassigned I/O port 0x${port.toString(16)} (reads return all ones; reported once)`);
  }
}
