// COMMAND and its subcommands (engine worker): Redis 7.0's command introspection,
// derived entirely from the one command table (src/engine/command-table.ts). redis-cli
// calls COMMAND DOCS when it starts; client libraries call COMMAND / COMMAND INFO.
//
// Reply shapes follow Redis 7.0.15 exactly: COMMAND INFO gives per command
//   [name, arity, flags(set), first, last, step, categories(set), tips(set),
//    key specs(array of maps), subcommands(array of the same)],
// COMMAND DOCS a map of name -> {summary, since, group, complexity, [subcommands]}.
// Flags and ACL categories are printed in Redis's table order, whatever order a spec
// lists them in. Key specs, tips, doc flags, history and arguments come from the
// spec's own extras if it has them, else from Redis 7.0.15's metadata
// (src/engine/command-meta.ts, generated); a command Redis lacks gets key specs
// derived from its legacy key range, with RW/RO from the write flag.

import type { CommandContext, CommandFlag, CommandSpec } from '../command.js';
import { commandMeta, type DocArg, type KeySpec } from '../command-table.js';
import type { Engine } from '../engine.js';
import { eqi, errors, lowerAscii, string2ll } from '../args.js';
import { globMatch } from '../glob.js';
import type { ReplyWriter } from '../reply.js';
import { replyHelp } from './connection.js';

/** Redis's command flag table order (server.c COMMAND_FLAG names as addReplyFlagsForCommand prints them). */
const flagOrder: readonly CommandFlag[] = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'may_replicate',
  'sentinel',
  'only_sentinel',
  'no_mandatory_keys',
  'protected',
  'touches_arbitrary_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

/** Redis's ACL category table order (acl.c ACLCommandCategories). */
const categoryOrder = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

function engineOf(ctx: CommandContext): Engine {
  return ctx.engine as Engine;
}

function orderedFlags(spec: CommandSpec): string[] {
  const has = new Set<string>(spec.flags);
  if (spec.getKeys !== undefined) has.add('movablekeys');
  const out: string[] = [];
  for (const f of flagOrder) if (has.has(f)) out.push(f);
  return out;
}

function orderedCategories(spec: CommandSpec): string[] {
  const has = new Set(spec.categories);
  const out: string[] = [];
  for (const c of categoryOrder) if (has.has(c)) out.push(c);
  for (const c of spec.categories) if (!categoryOrder.includes(c)) out.push(c);
  return out;
}

/** The spec's key specs, or one derived from its legacy range. */
export function keySpecsOf(spec: CommandSpec): readonly KeySpec[] {
  const given = commandMeta(spec).keySpecs;
  if (given !== undefined) return given;
  if (spec.firstKey <= 0) return [];
  return [
    {
      flags: spec.flags.includes('write') ? ['RW'] : ['RO'],
      beginSearch: { type: 'index', index: spec.firstKey },
      findKeys: { type: 'range', lastkey: spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey, keystep: spec.keyStep, limit: 0 },
    },
  ];
}

// --- COMMAND INFO / COMMAND -----------------------------------------------------------

function replyKeySpec(r: ReplyWriter, ks: KeySpec): void {
  r.map(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) {
    r.bulkLatin1('notes');
    r.bulkLatin1(ks.notes);
  }
  r.bulkLatin1('flags');
  r.set(ks.flags.length);
  for (const f of ks.flags) r.status(f);
  r.bulkLatin1('begin_search');
  r.map(2);
  r.bulkLatin1('type');
  r.bulkLatin1(ks.beginSearch.type);
  r.bulkLatin1('spec');
  const bs = ks.beginSearch;
  if (bs.type === 'index') {
    r.map(1);
    r.bulkLatin1('index');
    r.int(bs.index);
  } else if (bs.type === 'keyword') {
    r.map(2);
    r.bulkLatin1('keyword');
    r.bulkLatin1(bs.keyword);
    r.bulkLatin1('startfrom');
    r.int(bs.startfrom);
  } else {
    r.map(0);
  }
  r.bulkLatin1('find_keys');
  r.map(2);
  r.bulkLatin1('type');
  r.bulkLatin1(ks.findKeys.type);
  r.bulkLatin1('spec');
  const fk = ks.findKeys;
  if (fk.type === 'range') {
    r.map(3);
    r.bulkLatin1('lastkey');
    r.int(fk.lastkey);
    r.bulkLatin1('keystep');
    r.int(fk.keystep);
    r.bulkLatin1('limit');
    r.int(fk.limit);
  } else if (fk.type === 'keynum') {
    r.map(3);
    r.bulkLatin1('keynumidx');
    r.int(fk.keynumidx);
    r.bulkLatin1('firstkey');
    r.int(fk.firstkey);
    r.bulkLatin1('keystep');
    r.int(fk.keystep);
  } else {
    r.map(0);
  }
}

/** Redis's addReplyCommandInfo. */
export function replyCommandInfo(r: ReplyWriter, spec: CommandSpec): void {
  r.array(10);
  r.bulkLatin1(spec.name);
  r.int(spec.arity);
  const flags = orderedFlags(spec);
  r.set(flags.length);
  for (const f of flags) r.status(f);
  r.int(spec.firstKey);
  r.int(spec.lastKey);
  r.int(spec.keyStep);
  const cats = orderedCategories(spec);
  r.set(cats.length);
  for (const c of cats) r.status(`@${c}`);
  const tips = commandMeta(spec).tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulkLatin1(t);
  const keySpecs = keySpecsOf(spec);
  r.set(keySpecs.length); // a set in RESP3, as Redis replies it
  for (const ks of keySpecs) replyKeySpec(r, ks);
  const subs = spec.subcommands ?? [];
  // Redis's addReplyCommandSubCommands: an empty set when there are none, else an array.
  if (subs.length === 0) r.set(0);
  else r.array(subs.length);
  for (const s of subs) replyCommandInfo(r, s);
}

function commandCommand(ctx: CommandContext): void {
  const all = ctx.engine.allCommands();
  ctx.reply.array(all.length);
  for (const spec of all) replyCommandInfo(ctx.reply, spec);
}

/** A command by the name a user types: 'get', 'GET', 'client|list' (Redis's lookupCommandBySds). */
function lookupByFullName(ctx: CommandContext, name: Buffer): CommandSpec | undefined {
  return ctx.engine.lookupCommand(lowerAscii(name));
}

function commandInfoCommand(ctx: CommandContext): void {
  if (ctx.argv.length === 2) {
    commandCommand(ctx);
    return;
  }
  ctx.reply.array(ctx.argv.length - 2);
  for (let i = 2; i < ctx.argv.length; i++) {
    const spec = lookupByFullName(ctx, ctx.argv[i]!);
    if (spec === undefined) ctx.reply.nil();
    else replyCommandInfo(ctx.reply, spec);
  }
}

function commandCountCommand(ctx: CommandContext): void {
  ctx.reply.int(ctx.engine.allCommands().length);
}

// --- COMMAND DOCS --------------------------------------------------------------------

/** Redis's addReplyCommandArgList. */
function replyDocArgs(r: ReplyWriter, args: readonly DocArg[]): void {
  r.array(args.length);
  for (const a of args) {
    const nested = a.type === 'oneof' || a.type === 'block';
    r.map(
      2 +
        (a.keySpecIndex !== undefined ? 1 : 0) +
        (a.token !== undefined ? 1 : 0) +
        (a.summary !== undefined ? 1 : 0) +
        (a.since !== undefined ? 1 : 0) +
        (a.deprecatedSince !== undefined ? 1 : 0) +
        (a.flags !== undefined ? 1 : 0) +
        (nested ? 1 : 0),
    );
    r.bulkLatin1('name');
    r.bulkLatin1(a.name);
    r.bulkLatin1('type');
    r.bulkLatin1(a.type);
    if (a.keySpecIndex !== undefined) {
      r.bulkLatin1('key_spec_index');
      r.int(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      r.bulkLatin1('token');
      r.bulkLatin1(a.token);
    }
    if (a.summary !== undefined) {
      r.bulkLatin1('summary');
      r.bulkLatin1(a.summary);
    }
    if (a.since !== undefined) {
      r.bulkLatin1('since');
      r.bulkLatin1(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      r.bulkLatin1('deprecated_since');
      r.bulkLatin1(a.deprecatedSince);
    }
    if (a.flags !== undefined) {
      r.bulkLatin1('flags');
      r.set(a.flags.length);
      for (const f of a.flags) r.status(f);
    }
    if (nested) {
      r.bulkLatin1('arguments');
      replyDocArgs(r, a.arguments ?? []);
    }
  }
}

/** Redis's addReplyCommandDocs: the spec's fields, then Redis's metadata for it. */
function replyCommandDocs(r: ReplyWriter, spec: CommandSpec): void {
  const meta = commandMeta(spec);
  const subs = spec.subcommands ?? [];
  r.map(
    4 +
      (meta.docFlags !== undefined ? 1 : 0) +
      (meta.deprecatedSince !== undefined ? 1 : 0) +
      (meta.replacedBy !== undefined ? 1 : 0) +
      (meta.history !== undefined ? 1 : 0) +
      (meta.arguments !== undefined ? 1 : 0) +
      (subs.length > 0 ? 1 : 0),
  );
  r.bulkLatin1('summary');
  r.bulkLatin1(spec.summary);
  r.bulkLatin1('since');
  r.bulkLatin1(spec.since);
  r.bulkLatin1('group');
  r.bulkLatin1(spec.group);
  r.bulkLatin1('complexity');
  r.bulkLatin1(spec.complexity);
  if (meta.docFlags !== undefined) {
    r.bulkLatin1('doc_flags');
    r.set(meta.docFlags.length);
    for (const f of meta.docFlags) r.status(f);
  }
  if (meta.deprecatedSince !== undefined) {
    r.bulkLatin1('deprecated_since');
    r.bulkLatin1(meta.deprecatedSince);
  }
  if (meta.replacedBy !== undefined) {
    r.bulkLatin1('replaced_by');
    r.bulkLatin1(meta.replacedBy);
  }
  if (meta.history !== undefined) {
    r.bulkLatin1('history');
    r.set(meta.history.length);
    for (const [version, change] of meta.history) {
      r.array(2);
      r.bulkLatin1(version);
      r.bulkLatin1(change);
    }
  }
  if (meta.arguments !== undefined) {
    r.bulkLatin1('arguments');
    replyDocArgs(r, meta.arguments);
  }
  if (subs.length > 0) {
    r.bulkLatin1('subcommands');
    r.map(subs.length);
    for (const s of subs) {
      r.bulkLatin1(s.name);
      replyCommandDocs(r, s);
    }
  }
}

function commandDocsCommand(ctx: CommandContext): void {
  const r = ctx.reply;
  if (ctx.argv.length === 2) {
    const all = ctx.engine.allCommands();
    r.map(all.length);
    for (const spec of all) {
      r.bulkLatin1(spec.name);
      replyCommandDocs(r, spec);
    }
    return;
  }
  // Unknown names are left out, so the count is known only at the end.
  const handle = r.beginDeferred();
  let found = 0;
  for (let i = 2; i < ctx.argv.length; i++) {
    const spec = lookupByFullName(ctx, ctx.argv[i]!);
    if (spec === undefined) continue;
    r.bulkLatin1(spec.name);
    replyCommandDocs(r, spec);
    found++;
  }
  r.endDeferred(handle, found, 'map');
}

// --- COMMAND LIST --------------------------------------------------------------------

function commandListCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let filter: ((spec: CommandSpec) => boolean) | null = null;
  if (argv.length === 5 && eqi(argv[2]!, 'filterby')) {
    const value = argv[4]!.latin1Slice(0, argv[4]!.length);
    if (eqi(argv[3]!, 'module')) {
      filter = () => false; // no modules
    } else if (eqi(argv[3]!, 'aclcat')) {
      const cat = value.toLowerCase();
      filter = (s) => s.categories.includes(cat);
    } else if (eqi(argv[3]!, 'pattern')) {
      filter = (s) => globMatch(value, s.name, true);
    }
  }
  if (argv.length !== 2 && filter === null) {
    ctx.reply.error(errors.syntax);
    return;
  }
  const names: string[] = [];
  const visit = (specs: readonly CommandSpec[]): void => {
    for (const s of specs) {
      if (filter === null || filter(s)) names.push(s.name);
      if (s.subcommands !== undefined) visit(s.subcommands);
    }
  };
  visit(ctx.engine.allCommands());
  ctx.reply.array(names.length);
  for (const n of names) ctx.reply.bulkLatin1(n);
}

// --- COMMAND GETKEYS -----------------------------------------------------------------

export interface FoundKey {
  readonly index: number;
  readonly flags: readonly string[];
}

/**
 * Redis's getKeysUsingKeySpecs: the key arguments of a full command line (argv[0] is
 * the command) found through the key specs, or null if a spec cannot be satisfied.
 */
export function keysFromSpecs(specs: readonly KeySpec[], argv: readonly Buffer[]): FoundKey[] | null {
  const argc = argv.length;
  const out: FoundKey[] = [];
  for (const ks of specs) {
    let first = 0;
    const bs = ks.beginSearch;
    if (bs.type === 'index') {
      first = bs.index;
    } else if (bs.type === 'keyword') {
      const start = bs.startfrom > 0 ? bs.startfrom : argc + bs.startfrom;
      const end = bs.startfrom > 0 ? argc - 1 : 0;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (eqi(argv[i]!, bs.keyword.toLowerCase())) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: this spec finds no key
    } else {
      continue;
    }
    let last: number;
    let step: number;
    const fk = ks.findKeys;
    if (fk.type === 'range') {
      step = fk.keystep;
      if (fk.lastkey >= 0) last = first + fk.lastkey;
      else if (fk.limit === 0) last = argc + fk.lastkey;
      else last = first + Math.floor((argc - first) / fk.limit) + fk.lastkey;
    } else if (fk.type === 'keynum') {
      step = fk.keystep;
      if (first + fk.keynumidx >= argc) return null;
      const n = string2ll(argv[first + fk.keynumidx]!.latin1Slice(0, argv[first + fk.keynumidx]!.length));
      if (n === null || n < 0n) return null;
      first += fk.firstkey;
      last = first + Number(n) - 1;
    } else {
      continue;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += Math.max(1, step)) out.push({ index: i, flags: ks.flags });
  }
  return out;
}

/** The keys of a full command line: a movablekeys spec's getKeys, else its key specs. */
export function commandKeys(spec: CommandSpec, argv: readonly Buffer[]): FoundKey[] | null {
  const specs = keySpecsOf(spec);
  if (spec.getKeys !== undefined) {
    const flags = specs[0]?.flags ?? [];
    return spec.getKeys(argv).map((index) => ({ index, flags }));
  }
  // A spec with variable_flags is not trusted for flags: Redis asks the command's own
  // getkeys procedure. SET is the only such command KeelDB has (Redis's setGetKeys).
  if (spec.name === 'set' && specs.some((ks) => ks.flags.includes('variable_flags'))) {
    let get = false;
    for (let i = 3; i < argv.length; i++) if (eqi(argv[i]!, 'get')) get = true;
    return [{ index: 1, flags: get ? ['RW', 'access', 'update'] : ['OW', 'update'] }];
  }
  return keysFromSpecs(specs, argv);
}

function getKeysGeneric(ctx: CommandContext, withFlags: boolean): void {
  const sub = ctx.argv.slice(2);
  const spec = engineOf(ctx).resolve(sub);
  if (spec === undefined) {
    ctx.reply.error('ERR Invalid command specified');
    return;
  }
  if (spec.getKeys === undefined && keySpecsOf(spec).length === 0) {
    ctx.reply.error('ERR The command has no key arguments');
    return;
  }
  if ((spec.arity > 0 && spec.arity !== sub.length) || sub.length < -spec.arity) {
    ctx.reply.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = commandKeys(spec, sub);
  if (keys === null || keys.length === 0) {
    if (spec.flags.includes('no_mandatory_keys')) ctx.reply.array(0);
    else ctx.reply.error('ERR Invalid arguments specified for command');
    return;
  }
  ctx.reply.array(keys.length);
  for (const k of keys) {
    if (withFlags) {
      ctx.reply.array(2);
      ctx.reply.bulk(sub[k.index]!);
      ctx.reply.set(k.flags.length);
      for (const f of k.flags) ctx.reply.status(f);
    } else {
      ctx.reply.bulk(sub[k.index]!);
    }
  }
}

const commandHelpLines = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const sub = (name: string, arity: number, summary: string, since: string, complexity: string, handler: CommandSpec['handler']): CommandSpec => ({
  name: `command|${name}`,
  arity,
  flags: ['loading', 'stale'],
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  categories: ['slow', 'connection'],
  group: 'server',
  summary,
  since,
  complexity,
  handler,
});

export const introspectionCommands: readonly CommandSpec[] = [
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow', 'connection'],
    group: 'server',
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    // COMMAND with no subcommand; COMMAND <sub> dispatches to the subcommands below.
    handler: commandCommand,
    subcommands: [
      sub('docs', -2, 'Get array of specific Redis command documentation', '7.0.0', 'O(N) where N is the number of commands to look up', commandDocsCommand),
      sub('count', 2, 'Get total number of Redis commands', '2.8.13', 'O(1)', commandCountCommand),
      sub('getkeys', -4, 'Extract keys given a full Redis command', '2.8.13', 'O(N) where N is the number of arguments to the command', (ctx) => getKeysGeneric(ctx, false)),
      sub('help', 2, 'Show helpful text about the different subcommands', '5.0.0', 'O(1)', (ctx) => replyHelp(ctx, commandHelpLines)),
      sub('getkeysandflags', -4, 'Extract keys and access flags given a full Redis command', '7.0.0', 'O(N) where N is the number of arguments to the command', (ctx) => getKeysGeneric(ctx, true)),
      sub('list', -2, 'Get an array of Redis command names', '7.0.0', 'O(N) where N is the total number of Redis commands', commandListCommand),
      sub('info', -2, 'Get array of specific Redis command details, or all when no argument is given.', '2.8.13', 'O(N) where N is the number of commands to look up', commandInfoCommand),
    ],
  },
];
