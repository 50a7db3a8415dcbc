// A connected client's state, owned by the engine worker (the io-mux main thread only
// knows the socket). Redis's `client` struct, reduced to what KeelDB implements.

import type { CommandSpec } from './command.js';

export interface QueuedCommand {
  readonly spec: CommandSpec;
  /** Copies: the request buffers are only valid during one batch. */
  readonly argv: Buffer[];
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
  /** WATCHed keys as `${dbIndex}\n${key}`. */
  readonly watched = new Set<string>();
  /** CLIENT REPLY: 'on', 'off', or 'skip' (skip the next command's reply). */
  replyMode: 'on' | 'off' | 'skip' = 'on';
  /** CLIENT NO-EVICT (accepted, no eviction exists yet). */
  noEvict = false;
  /** Set by QUIT / CLIENT KILL: the io-mux closes the socket after the replies before it. */
  closing = false;
  lastCommand = 'NULL';
  lastInteractionMs: number;
  /** Library name and version (CLIENT SETINFO, Redis 7.2). */
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
}
