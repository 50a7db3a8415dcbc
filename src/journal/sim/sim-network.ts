// SimNetwork: the simulator's network between log nodes and between clients and log
// nodes. Every message is delivered after a PRNG-drawn delay (so messages reorder), or
// lost, or duplicated; partitions cut pairs of endpoints both ways; a message to an
// endpoint that is down (crashed) is lost. All randomness comes from the simulation's
// PRNG and all delays run on the SimClock, so a run replays exactly from its seed.
//
// Runs in the simulator's single thread.
// Endpoints: log nodes are 1..N; clients use ids from clientEndpointBase up.

import type { Random } from '../env.js';
import type { SimClock } from './sim-clock.js';

export const clientEndpointBase = 100;

export interface NetworkFaults {
  /** Probability that a message is lost. */
  lossRate: number;
  /** Probability that a message is delivered twice. */
  duplicateRate: number;
  /** One-way delay: uniform in [min, max] ms. */
  delayMsMin: number;
  delayMsMax: number;
}

export class SimNetwork {
  /** Unordered pairs "a:b" (a < b) that cannot talk. */
  private readonly cut = new Set<string>();
  private readonly handlers = new Map<number, (from: number, message: unknown) => void>();
  private readonly down = new Set<number>();
  sentCount = 0;
  deliveredCount = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly random: Random,
    public faults: NetworkFaults,
  ) {}

  private static key(a: number, b: number): string {
    return a < b ? `${a}:${b}` : `${b}:${a}`;
  }

  partition(a: number, b: number): void {
    this.cut.add(SimNetwork.key(a, b));
  }

  healAll(): void {
    this.cut.clear();
  }

  isCut(a: number, b: number): boolean {
    return this.cut.has(SimNetwork.key(a, b));
  }

  setDown(endpoint: number, down: boolean): void {
    if (down) this.down.add(endpoint);
    else this.down.delete(endpoint);
  }

  /** Installs the receive handler of an endpoint (replacing the previous one). */
  listen(endpoint: number, handler: (from: number, message: unknown) => void): void {
    this.handlers.set(endpoint, handler);
  }

  send(from: number, to: number, message: unknown): void {
    this.sentCount++;
    if (this.down.has(from) || this.isCut(from, to)) return;
    const { lossRate, duplicateRate } = this.faults;
    if (this.random.next() < lossRate) return;
    const copies = this.random.next() < duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.clock.setTimer(this.delayMs(), () => {
        // Checked at delivery too: a partition or crash that began in flight drops it.
        if (this.down.has(to) || this.isCut(from, to)) return;
        const handler = this.handlers.get(to);
        if (handler === undefined) return;
        this.deliveredCount++;
        handler(from, message);
      });
    }
  }

  private delayMs(): number {
    const { delayMsMin, delayMsMax } = this.faults;
    return delayMsMin + this.random.next() * (delayMsMax - delayMsMin);
  }
}
