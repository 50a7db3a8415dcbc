// SimClock: the simulator's clock. Time advances only when the simulation runs the next
// timer; timers fire in (time, creation order), so a run is a pure function of the seed.
// Between two timers every promise continuation (microtask) runs to completion first,
// as it would in a real process between two I/O events.
//
// Runs in the simulator's single thread (a test process).
// Invariant: now() never decreases; a cleared timer never fires.

import type { Clock, TimerHandle } from '../env.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly cb: () => void;
  cancelled: boolean;
}

/** Resolves after every pending microtask (promise continuation) has run. */
const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class SimClock implements Clock {
  private nowMs = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];
  /** Timers run so far (a measure of the work a run did). */
  eventCount = 0;
  /** Where an exception thrown by a timer callback goes (the simulation records it). */
  onError: (error: unknown) => void = (error) => {
    throw error;
  };

  now(): number {
    return this.nowMs;
  }

  setTimer(ms: number, cb: () => void): TimerHandle {
    const timer: Timer = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, cb, cancelled: false };
    this.push(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    (handle as Timer).cancelled = true;
  }

  /** Runs every timer due up to `untilMs` (inclusive), then sets the time to untilMs. */
  async runUntil(untilMs: number, shouldStop: () => boolean = () => false): Promise<void> {
    await drainMicrotasks();
    while (this.heap.length > 0 && this.heap[0]!.at <= untilMs && !shouldStop()) {
      const timer = this.pop();
      if (timer.cancelled) continue;
      this.nowMs = timer.at;
      this.eventCount++;
      try {
        timer.cb();
      } catch (error) {
        this.onError(error);
      }
      // Most events settle within a few promise hops; a macrotask turn flushes them all.
      await drainMicrotasks();
    }
    if (!shouldStop()) this.nowMs = Math.max(this.nowMs, untilMs);
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && this.less(heap[l]!, heap[smallest]!)) smallest = l;
        if (r < heap.length && this.less(heap[r]!, heap[smallest]!)) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

/**
 * One simulated process's view of the SimClock, which the simulator can pause (a long
 * GC pause, the process descheduled, SIGSTOP): while paused, the process's timers and
 * deliveries wait and run in order on resume; time goes on meanwhile, so on resume the
 * process acts on stale beliefs (an old leader still thinking it leads), as a real one would.
 */
export class PausableClock implements Clock {
  private paused = false;
  private deferred: (() => void)[] = [];

  constructor(private readonly base: SimClock) {}

  get isPaused(): boolean {
    return this.paused;
  }

  now(): number {
    return this.base.now();
  }

  setTimer(ms: number, cb: () => void): TimerHandle {
    const handle = { cancelled: false, inner: undefined as TimerHandle };
    handle.inner = this.base.setTimer(ms, () => this.run(() => !handle.cancelled && cb()));
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const h = handle as { cancelled: boolean; inner: TimerHandle };
    h.cancelled = true;
    this.base.clearTimer(h.inner);
  }

  /** Runs cb now, or on resume if paused (message deliveries go through this too). */
  run(cb: () => void): void {
    if (this.paused) this.deferred.push(cb);
    else cb();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const deferred = this.deferred;
    this.deferred = [];
    for (const cb of deferred) {
      try {
        cb();
      } catch (error) {
        this.base.onError(error);
      }
    }
  }

  /** The process died: what it was about to do never happens. */
  reset(): void {
    this.paused = false;
    this.deferred = [];
  }
}
