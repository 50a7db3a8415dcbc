// The one command table (engine worker): every module's CommandSpec list assembled into
// a lookup by name, as Redis's server.commands dict with each container's subcommands
// dict. Dispatch, arity errors, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS, the pause rules
// and the write path all read it; nothing else describes a command.
//
// Invariants: names are lower case and unique; a subcommand is named
// 'container|sub' and appears only under its container; a spec without a handler has
// subcommands (a pure container).

import { assert } from '../assert.js';
import type { CommandSpec } from './command.js';
import { lowerAscii } from './args.js';
import { redisCommandMeta } from './command-meta.js';
import { connectionCommands } from './commands/connection.js';
import { bitmapCommands } from './commands/bitmaps.js';
import { hashCommands } from './commands/hashes.js';
import { hyperloglogCommands } from './commands/hyperloglog.js';
import { introspectionCommands } from './commands/introspection.js';
import { keyCommands } from './commands/keys.js';
import { listCommands } from './commands/lists.js';
import { pubsubCommands } from './commands/pubsub.js';
import { scriptingCommands } from './commands/scripting.js';
import { serverCommands } from './commands/server.js';
import { setCommands } from './commands/sets.js';
import { sortCommands } from './commands/sort.js';
import { stringCommands } from './commands/strings.js';
import { streamCommands } from './commands/streams.js';
import { transactionCommands } from './commands/transactions.js';
import { zsetCommands } from './commands/zsets.js';
import { geoCommands } from './commands/geo.js';

/** Optional spec fields the table reads when a module provides them (COMMAND INFO/DOCS). */
export interface CommandSpecExtras {
  /** Redis 7 command tips, e.g. 'nondeterministic_output'. */
  readonly tips?: readonly string[];
  /** Redis 7 key specs, in COMMAND INFO's nested form; derived from legacy positions when absent. */
  readonly keySpecs?: readonly KeySpec[];
}

export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly string[];
  readonly beginSearch: { readonly type: 'index'; readonly index: number } | { readonly type: 'keyword'; readonly keyword: string; readonly startfrom: number } | { readonly type: 'unknown' };
  readonly findKeys:
    | { readonly type: 'range'; readonly lastkey: number; readonly keystep: number; readonly limit: number }
    | { readonly type: 'keynum'; readonly keynumidx: number; readonly firstkey: number; readonly keystep: number }
    | { readonly type: 'unknown' };
}

/** One argument of COMMAND DOCS (Redis's redisCommandArg). */
export interface DocArg {
  readonly name: string;
  readonly type: string;
  readonly keySpecIndex?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecatedSince?: string;
  readonly flags?: readonly string[];
  readonly arguments?: readonly DocArg[];
}

/** Redis's per-command metadata beyond CommandSpec (generated into src/engine/command-meta.ts). */
export interface CommandMeta extends CommandSpecExtras {
  readonly docFlags?: readonly string[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly history?: readonly (readonly [string, string])[];
  readonly arguments?: readonly DocArg[];
}

/** A spec's metadata: its own extras, else Redis's (command-meta.ts), field by field. */
export function commandMeta(spec: CommandSpec): CommandMeta {
  const own = spec as CommandSpec & CommandSpecExtras;
  const redis = redisCommandMeta[spec.name];
  if (redis === undefined) return { tips: own.tips, keySpecs: own.keySpecs };
  return { ...redis, tips: own.tips ?? redis.tips, keySpecs: own.keySpecs ?? redis.keySpecs };
}

/** How many as-sent spellings of command names lookupArg caches (GET, get, Get...). */
const asSentCountMax = 4096;

export class CommandTable {
  /** Top-level specs, in registration order. */
  readonly commands: readonly CommandSpec[];
  private readonly byName = new Map<string, CommandSpec>();
  private readonly byAsSent = new Map<string, CommandSpec>();

  constructor(lists: readonly (readonly CommandSpec[])[]) {
    const all: CommandSpec[] = [];
    for (const list of lists) {
      for (const spec of list) {
        assert(spec.name === spec.name.toLowerCase() && !spec.name.includes('|'), `bad command name '${spec.name}'`);
        assert(!this.byName.has(spec.name), `command '${spec.name}' defined twice`);
        assert(spec.handler !== undefined || (spec.subcommands?.length ?? 0) > 0, `'${spec.name}' has no handler`);
        this.byName.set(spec.name, spec);
        all.push(spec);
        for (const sub of spec.subcommands ?? []) {
          assert(sub.name.startsWith(`${spec.name}|`) && sub.name === sub.name.toLowerCase(), `bad subcommand name '${sub.name}'`);
          assert(!this.byName.has(sub.name), `subcommand '${sub.name}' defined twice`);
          assert(sub.handler !== undefined, `'${sub.name}' has no handler`);
          this.byName.set(sub.name, sub);
        }
      }
    }
    this.commands = all;
  }

  /** By lower-case name: 'get', 'config' or 'config|get'. */
  lookup(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  /**
   * A top-level command by its name as sent, in any case (the dispatcher's hot path).
   * Names seen are cached as sent, so the usual 'GET' or 'get' costs one native slice
   * and one map hit; only names that resolve are cached, at most asSentCountMax of
   * them, so garbage names cannot grow the cache.
   */
  lookupArg(arg: Buffer): CommandSpec | undefined {
    const asSent = arg.latin1Slice(0, arg.length);
    let spec = this.byAsSent.get(asSent);
    if (spec !== undefined) return spec;
    spec = this.byName.get(lowerAscii(arg));
    // 'client|list' names a subcommand, never a command: as argv[0] it is unknown.
    if (spec === undefined || spec.name.includes('|')) return undefined;
    if (this.byAsSent.size < asSentCountMax) this.byAsSent.set(asSent, spec);
    return spec;
  }

  /** The number of top-level commands (COMMAND COUNT). */
  get count(): number {
    return this.commands.length;
  }
}

/** The table of every module KeelDB has. */
export function buildCommandTable(): CommandTable {
  return new CommandTable([connectionCommands, transactionCommands, introspectionCommands, stringCommands, keyCommands, serverCommands, hashCommands, listCommands, setCommands, zsetCommands, geoCommands, bitmapCommands, hyperloglogCommands, sortCommands, streamCommands, pubsubCommands, scriptingCommands]);
}
