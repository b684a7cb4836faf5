/**
 * The local APIC timer through its x2APIC MSRs (SDM vol. 3, 11.5.4 and 11.12), counting one
 * tick per instruction the CPU retires (or idles), so that preemption is deterministic.
 * Interrupt acceptance is simplified to one in-service interrupt at a time (EOI ends it).
 */
import type { MsrDevice } from '../cpu.js';
import { MSR } from '../msr.js';

const LVT_MASKED = 1 << 16;
const LVT_PERIODIC = 1 << 17;
/** Divide-configuration encodings (bits 3,1,0) → divisor. */
const DIVISORS = [2, 4, 8, 16, 32, 64, 128, 1];

export class LapicTimer implements MsrDevice {
  private lvt = LVT_MASKED;
  private initial = 0;
  private divideConfig = 0;
  private svr = 0xff;
  /** Clock value at which the count reaches zero, or Infinity when stopped. */
  expiresAt = Infinity;
  private startedAt = 0;
  /** Pending (requested) vectors and the one being serviced. */
  readonly pending = new Set<number>();
  inService = -1;

  constructor(
    private readonly apicId: number,
    /** The CPU's clock in ticks (retired + idle instructions). */
    private readonly clock: () => number,
  ) {}

  private get divisor(): number {
    const c = this.divideConfig;
    return DIVISORS[(c & 3) | ((c >> 1) & 4)];
  }

  readMsr(n: number): bigint | undefined {
    switch (n) {
      case MSR.X2APIC_ID:
        return BigInt(this.apicId);
      case MSR.X2APIC_SVR:
        return BigInt(this.svr);
      case MSR.X2APIC_LVT_TIMER:
        return BigInt(this.lvt);
      case MSR.X2APIC_TIMER_INITIAL:
        return BigInt(this.initial);
      case MSR.X2APIC_TIMER_CURRENT: {
        if (this.expiresAt === Infinity) return 0n;
        return BigInt(Math.max(0, Math.ceil((this.expiresAt - this.clock()) / this.divisor)));
      }
      case MSR.X2APIC_TIMER_DIVIDE:
        return BigInt(this.divideConfig);
      default:
        return undefined;
    }
  }

  writeMsr(n: number, value: bigint): boolean {
    const v = Number(value & 0xffffffffn);
    switch (n) {
      case MSR.X2APIC_EOI:
        this.inService = -1;
        return true;
      case MSR.X2APIC_SVR:
        this.svr = v;
        return true;
      case MSR.X2APIC_LVT_TIMER:
        this.lvt = v;
        return true;
      case MSR.X2APIC_TIMER_INITIAL:
        this.initial = v;
        this.startedAt = this.clock();
        this.expiresAt = v === 0 ? Infinity : this.startedAt + v * this.divisor;
        return true;
      case MSR.X2APIC_TIMER_DIVIDE:
        this.divideConfig = v & 0xb;
        return true;
      case MSR.X2APIC_ID:
      case MSR.X2APIC_TIMER_CURRENT:
        return true; // read-only: writes ignored
      default:
        return false;
    }
  }

  snapshot() {
    return { lvt: this.lvt, initial: this.initial, divideConfig: this.divideConfig, svr: this.svr, expiresAt: this.expiresAt, startedAt: this.startedAt, pending: [...this.pending], inService: this.inService };
  }

  restore(s: ReturnType<LapicTimer['snapshot']>): void {
    const { pending, ...fields } = s;
    Object.assign(this, fields);
    this.pending.clear();
    pending.forEach((v) => this.pending.add(v));
  }

  /** Called when the clock reaches `expiresAt`: requests the vector, re-arms if periodic. */
  expire(): void {
    if (!(this.lvt & LVT_MASKED) && this.svr & 0x100) this.pending.add(this.lvt & 0xff);
    if (this.lvt & LVT_PERIODIC && this.initial > 0) this.expiresAt += this.initial * this.divisor;
    else this.expiresAt = Infinity;
  }

  /** The vector to deliver now, if any: the highest-priority (highest) pending one when nothing is in service. */
  takeInterrupt(): number | undefined {
    if (this.inService >= 0 || this.pending.size === 0) return undefined;
    const vector = Math.max(...this.pending);
    this.pending.delete(vector);
    this.inService = vector;
    return vector;
  }
}
