// The command table's types (engine worker). Redis keeps its command table as data
// (src/commands/*.json); so do we: every command is a CommandSpec, and one table built
// from the per-module spec lists drives dispatch, arity errors, COMMAND INFO/DOCS/COUNT,
// key extraction and the write path (flags: write/readonly/...).
//
// A handler gets a CommandContext. It validates its arguments and replies with Redis's
// exact text; it mutates only through ctx.db (src/engine/keyspace.ts) so that WATCH and
// the write path see every change. A write whose effect is not deterministic when
// re-executed (relative TTLs, INCRBYFLOAT, SPOP, ...) calls ctx.propagate() with the
// deterministic command to log instead, as Redis rewrites what it propagates.

import type { Client } from './client.js';
import type { Db, Keyspace } from './keyspace.js';
import type { ReplyWriter } from './reply.js';

/** Redis 7's command flags (COMMAND INFO prints them), lower case as Redis prints them. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'touches_arbitrary_keys'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy';

export type CommandHandler = (ctx: CommandContext) => void;

export interface CommandSpec {
  /** Lower case; a subcommand is named 'container|sub', e.g. 'config|get'. */
  readonly name: string;
  /** Redis's convention: N exact, -N at least N; counts the command name (and subcommand). */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Legacy key positions as COMMAND INFO reports them (0,0,0 for keyless). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** ACL categories without '@', e.g. ['write', 'string', 'slow']. */
  readonly categories: readonly string[];
  /** COMMAND DOCS fields. */
  readonly group: string;
  readonly summary: string;
  readonly since: string;
  readonly complexity: string;
  readonly subcommands?: readonly CommandSpec[];
  /** Absent only on a container whose subcommands do the work. */
  readonly handler?: CommandHandler;
  /** For movablekeys commands: the key argument indexes of argv. */
  readonly getKeys?: (argv: readonly Buffer[]) => number[];
}

/** What the engine gives a handler for one command. */
export interface CommandContext {
  /** argv[0] is the command name as sent (any case). Buffers are valid during the call only. */
  readonly argv: readonly Buffer[];
  readonly client: Client;
  /** The client's selected database (SELECT changes client.dbIndex and this). */
  db: Db;
  readonly keyspace: Keyspace;
  readonly reply: ReplyWriter;
  /** Unix ms, fixed for the whole command (and the whole MULTI/EXEC), as Redis's cached time. */
  readonly nowMs: number;
  /** Engine-wide services handlers may need (config, clients, stats). */
  readonly engine: EngineServices;
  /** Log `argv` (strings are latin1) instead of the command as sent; null logs nothing. */
  propagate(argv: ReadonlyArray<Buffer | string> | null): void;
  /** Log an extra command after this one (Redis's alsoPropagate), in database `dbIndex`. */
  alsoPropagate(dbIndex: number, argv: ReadonlyArray<Buffer | string>): void;
}

/**
 * The engine as seen by handlers of server and connection commands. Implemented by
 * src/engine/engine.ts; kept an interface so that handler modules do not import the
 * engine (no cycles) and tests can build a context.
 */
export interface EngineServices {
  readonly config: import('./config.js').Config;
  readonly stats: import('./stats.js').Stats;
  readonly startedMs: number;
  /** Every connected client, by id. */
  readonly clients: ReadonlyMap<number, Client>;
  /** Looks a command up by lower-case name ('config' or 'config|get'). */
  lookupCommand(name: string): CommandSpec | undefined;
  /** Every top-level command spec. */
  allCommands(): readonly CommandSpec[];
  /** Closes a client after its pending replies are written (CLIENT KILL, QUIT). */
  closeClient(client: Client): void;
  /** Blocks the whole engine for `ms` (DEBUG SLEEP: Redis blocks the server too). */
  sleep(ms: number): void;
  /** Monotonic-ish clock for measuring durations, microseconds. */
  nowUs(): number;
  /**
   * Wall-clock unix time in microseconds, read now (TIME: Redis calls gettimeofday each
   * time, even inside a script whose command time is frozen); from the injected clock
   * when there is one.
   */
  wallClockUs(): number;
  /** Pub/Sub subscriptions (src/engine/pubsub.ts), for INFO and PUBSUB. */
  readonly pubsub: {
    readonly channels: ReadonlyMap<string, unknown>;
    readonly patterns: ReadonlyMap<string, unknown>;
    readonly shardChannels: ReadonlyMap<string, unknown>;
  };
  /** Client-side caching state (src/engine/tracking.ts), for INFO. */
  readonly tracking: {
    readonly trackingClients: number;
    readonly tableKeys: number;
    readonly tableItems: number;
    readonly prefixCount: number;
  };
  /** Clients blocked in BLPOP and friends (src/engine/blocking.ts). */
  readonly blocking: {
    readonly blockedCount: number;
    /** CLIENT UNBLOCK: true if the client was blocked. */
    requestUnblock(clientId: number, withError: boolean): boolean;
  };
}
