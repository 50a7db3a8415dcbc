// The environment a log node's protocol logic runs on, injected: a clock with timers,
// a seeded random source, a transport to the other log nodes, and a logger. Raft
// (src/journal/raft) and the log node (src/journal/node/log-node.ts) touch time,
// randomness and the network ONLY through these, so the deterministic simulator
// (src/journal/sim) can drive them and replay any run from its seed. The real process
// (src/journal/node/log-node-main.ts) supplies realClock(), seededRandom(...) and a TCP
// transport; disk access goes through LogStorage (src/journal/storage/types.ts).
//
// Client requests do not go through Transport: whoever receives one (the TCP server, or
// the simulator's client network) calls LogNode.handleClientRequest(request, respond).

import type { NodeId, PeerMessage } from './messages.js';

/** An opaque timer handle from Clock.setTimer. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds on a monotonic clock (only differences mean anything). */
  now(): number;
  /** Calls cb once after ms (>= 0) milliseconds, unless cleared first. */
  setTimer(ms: number, cb: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/**
 * Node-to-node messages. Delivery is best effort: a message may be lost, delayed,
 * duplicated or reordered (Raft tolerates all four); send never throws and never blocks.
 */
export interface Transport {
  send(to: NodeId, message: PeerMessage): void;
  /** Installs the one handler for messages to this node (replaces any previous one). */
  onMessage(handler: (from: NodeId, message: PeerMessage) => void): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string): void;
}

/** Everything but storage that a LogNode needs from the outside. */
export interface JournalEnv {
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly logger: Logger;
}

/** The real clock: performance.now() and setTimeout (log-node process only). */
export function realClock(): Clock {
  return {
    now: () => performance.now(),
    setTimer: (ms, cb) => {
      const handle = setTimeout(cb, ms);
      return handle;
    },
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/**
 * A small seeded PRNG (sfc32 seeded through splitmix32): deterministic for a seed,
 * good enough for timeouts and fault injection, not for cryptography.
 */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
  };
}

/** A logger that drops everything (tests), or writes to stderr at or above a level. */
export function stderrLogger(minLevel: LogLevel = 'info'): Logger {
  const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log: (level, message) => {
      if (rank[level] >= rank[minLevel]) process.stderr.write(`[${level}] ${message}\n`);
    },
  };
}

export const silentLogger: Logger = { log: () => {} };
