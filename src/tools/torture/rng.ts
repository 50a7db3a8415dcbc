// A seeded pseudo-random generator for the torture harness (main thread): the fault
// schedule and every client's choices come from one seed, so a run's schedule can be
// replayed with --seed (the system's timing still varies between runs). mulberry32:
// small, fast, and good enough for choosing test actions; not for cryptography.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A new generator whose sequence depends on this one's (one per client). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }
}
