// Which keys a command reads or writes, as the tracker needs it (engine worker). Read
// from the one command table: a movablekeys command's getKeys, else the legacy
// (firstKey, lastKey, keyStep) positions every keyed Redis command has.
//
// A command without key positions either does not look at the keyspace at all (PING,
// CLIENT, CONFIG, Pub/Sub: 'independent'), or may read or change any key (KEYS, SCAN, DBSIZE,
// RANDOMKEY, INFO keyspace, FLUSHALL, SWAPDB, DEBUG: 'all'). Unknown keyless commands
// count as 'all': a wrong guess there only delays a reply, never shows uncommitted data.
// Commands whose keys may live in another database than the client's (MOVE, COPY ... DB)
// are 'all' as writes, so that a later read in the other database waits for them.
//
// SORT/SORT_RO with BY or GET read keys named by patterns, which no key position shows:
// such a command is 'all'.
//
// Invariants: returned indexes are in [1, argv.length); pure, no allocation beyond the
// result array.

import { eqi } from '../engine/args.js';
import type { CommandSpec } from '../engine/command.js';

export type CommandKeys = readonly number[] | 'independent' | 'all';

/** Keyless commands that never read or write the keyspace (by top-level name). */
const keyspaceIndependent = new Set([
  'ping', 'echo', 'hello', 'auth', 'select', 'quit', 'reset', 'client', 'config', 'command',
  'time', 'slowlog', 'latency', 'lastsave', 'multi', 'discard', 'unwatch', 'exec',
]);

/** Writes whose effects can reach keys of a database other than argv's (or every key). */
const crossDatabaseWrites = new Set(['move', 'copy', 'swapdb', 'flushall', 'flushdb', 'select']);

function topName(spec: CommandSpec): string {
  const bar = spec.name.indexOf('|');
  return bar < 0 ? spec.name : spec.name.slice(0, bar);
}

/** The key argument indexes of a full command line, or its keyless class. */
export function commandKeys(spec: CommandSpec, argv: readonly Buffer[]): CommandKeys {
  if ((spec.name === 'sort' || spec.name === 'sort_ro') && readsPatternKeys(argv)) return 'all';
  if (spec.getKeys !== undefined) {
    const found = spec.getKeys(argv);
    return found.length > 0 ? found : 'all';
  }
  if (spec.firstKey <= 0) {
    if (spec.group === 'connection' || spec.group === 'pubsub' || keyspaceIndependent.has(topName(spec))) return 'independent';
    return 'all';
  }
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const step = Math.max(1, spec.keyStep);
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += step) out.push(i);
  return out;
}

/** SORT's BY and GET options name other keys through patterns. */
function readsPatternKeys(argv: readonly Buffer[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    if (eqi(argv[i]!, 'by') || eqi(argv[i]!, 'get')) return true;
  }
  return false;
}

/** The keys a logged effect writes, or 'all' when they cannot be named in its database. */
export function effectKeys(spec: CommandSpec | undefined, argv: readonly Buffer[]): CommandKeys {
  if (spec === undefined || crossDatabaseWrites.has(topName(spec))) return 'all';
  const keys = commandKeys(spec, argv);
  return keys === 'independent' ? 'all' : keys;
}

/** Plain key positions of a command (see plainKeyPositions). */
export interface KeyPositions {
  readonly first: number;
  /** Negative: counted from the end of argv, as in the command table. */
  readonly last: number;
  readonly step: number;
  /** As a write, its effects may reach keys outside argv's database (effectKeys: 'all'). */
  readonly crossDatabase: boolean;
}

const positionsBySpec = new WeakMap<CommandSpec, KeyPositions>();

/**
 * The (first, last, step) key positions of a command whose keys are exactly those
 * (commandKeys gives the same indexes), or undefined when commandKeys must decide
 * (getKeys, keyless, SORT's patterns). Cached per spec: the tracker asks on every
 * command and every write, and walks the positions without building an array.
 */
export function plainKeyPositions(spec: CommandSpec | undefined): KeyPositions | undefined {
  if (spec === undefined || spec.getKeys !== undefined || spec.firstKey <= 0) return undefined;
  if (spec.name === 'sort' || spec.name === 'sort_ro') return undefined;
  let p = positionsBySpec.get(spec);
  if (p === undefined) {
    p = { first: spec.firstKey, last: spec.lastKey, step: Math.max(1, spec.keyStep), crossDatabase: crossDatabaseWrites.has(topName(spec)) };
    positionsBySpec.set(spec, p);
  }
  return p;
}
