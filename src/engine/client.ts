// A connected client's state, owned by the engine worker (the io-mux main thread only
// knows the socket). Redis's `client` struct, reduced to what KeelDB implements.
//
// Invariants: `multi` is null outside MULTI; `multiAborted` and `dirtyCas` are false
// outside MULTI unless keys are watched (dirtyCas); every key in `watched` has this
// client in the engine's watched-key index; `deferred` is empty unless a CLIENT PAUSE
// postponed one of this client's commands (then every later command waits behind it,
// as Redis blocks the client and stops reading its input).

import type { CommandSpec } from './command.js';

export interface QueuedCommand {
  readonly spec: CommandSpec;
  /** Copies: the request buffers are only valid during one batch. */
  readonly argv: Buffer[];
}

/** A WATCHed key (Redis's watchedKey): whether it was already logically expired at WATCH. */
export interface WatchedKey {
  readonly dbIndex: number;
  readonly key: string;
  /** Redis 7: a key expired at WATCH time that is then deleted by expiry does not dirty EXEC. */
  expiredAtWatch: boolean;
}

export class Client {
  name = '';
  dbIndex = 0;
  resp: 2 | 3 = 2;
  authenticated: boolean;
  /** Commands queued after MULTI, or null outside a transaction. */
  multi: QueuedCommand[] | null = null;
  /** A queued command failed to queue (unknown, arity): EXEC answers EXECABORT. */
  multiAborted = false;
  /** A watched key was modified: EXEC answers a null array. */
  dirtyCas = false;
  /** WATCHed keys by `${dbIndex}\n${key}` (the engine's watched-key index uses the same). */
  readonly watched = new Map<string, WatchedKey>();
  /** CLIENT REPLY: 'on', 'off', or 'skip' (skip the next command's reply). */
  replyMode: 'on' | 'off' | 'skip' = 'on';
  /** CLIENT NO-EVICT (accepted, no eviction exists yet). */
  noEvict = false;
  /** Set by QUIT / CLIENT KILL: the io-mux closes the socket after the replies before it. */
  closing = false;
  /** Commands postponed by CLIENT PAUSE, copied, in arrival order. */
  readonly deferred: Buffer[][] = [];
  /** Full name ('client|list') of the last command run, for CLIENT LIST's cmd=. */
  lastCommand = 'NULL';
  lastInteractionMs: number;
  /** Library name and version (CLIENT SETINFO, Redis 7.2; not in 7.0, kept for later). */
  libName = '';
  libVersion = '';

  constructor(
    readonly id: number,
    readonly addr: string,
    readonly laddr: string,
    readonly createdMs: number,
    requirePass: boolean,
  ) {
    this.authenticated = !requirePass;
    this.lastInteractionMs = createdMs;
  }

  /** CLIENT LIST's flags= field, in Redis 7.0's order (networking.c getClientInfoString). */
  /** Blocked in a blocking command (BLPOP...): set by src/engine/blocking.ts. */
  blocked = false;
  /** Pub/Sub subscriptions by name (latin1): src/engine/pubsub.ts keeps them and its maps in step. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** Redis's CLIENT_PUBSUB: in RESP2 only (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET run. */
  pubsubMode = false;
  /** Client-side caching state (src/engine/tracking.ts); null while tracking is off. */
  tracking: import('./tracking.js').TrackingState | null = null;

  flagsString(): string {
    let f = '';
    if (this.pubsubMode) f += 'P';
    if (this.multi !== null) f += 'x';
    if (this.blocked || this.deferred.length > 0) f += 'b';
    if (this.tracking !== null) {
      f += 't';
      if (this.tracking.brokenRedirect) f += 'R';
      if (this.tracking.bcast) f += 'B';
    }
    if (this.dirtyCas) f += 'd';
    if (this.closing) f += 'c';
    if (this.noEvict) f += 'e';
    return f === '' ? 'N' : f;
  }
}

/** The pause levels of CLIENT PAUSE, ordered: a stronger pause wins when they overlap. */
export const PauseType = { none: 0, write: 1, all: 2 } as const;
export type PauseLevel = (typeof PauseType)[keyof typeof PauseType];

/** The watched-key index key for (db, key). */
export function watchKey(dbIndex: number, key: string): string {
  return `${dbIndex}\n${key}`;
}
