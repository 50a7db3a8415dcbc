// Pub/Sub commands (engine worker): SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE
// SSUBSCRIBE SUNSUBSCRIBE PUBLISH SPUBLISH and the PUBSUB container, with Redis 7.0's
// replies (pubsub.c). Routing lives in src/engine/pubsub.ts.
//
// Replies: each (un)subscription is its own 3-element reply (an array in RESP2, a push
// in RESP3): kind, name, and the client's count after it (channels + patterns, or
// shard channels for the shard commands). An UNSUBSCRIBE of everything when there is
// nothing answers once with a null name and 0.
//
// PUBLISH has no 'write' flag and does not touch the keyspace: no effect is recorded.

import type { CommandContext, CommandSpec } from '../command.js';
import type { Engine } from '../engine.js';
import type { Client } from '../client.js';
import { latin1 } from '../args.js';
import { globMatch } from '../glob.js';
import type { PubSub, PubsubKind } from '../pubsub.js';
import { replyHelp } from './connection.js';

function pubsubOf(ctx: CommandContext): PubSub {
  return (ctx.engine as Engine).pubsub;
}

function countFor(client: Client, kind: PubsubKind): number {
  return kind === 'shard' ? client.shardChannels.size : client.channels.size + client.patterns.size;
}

function replyConfirm(ctx: CommandContext, verb: string, name: string | null, count: number): void {
  const r = ctx.reply;
  r.push(3);
  r.bulkLatin1(verb);
  if (name === null) r.nil();
  else r.bulkLatin1(name);
  r.int(count);
}

function subscribeGeneric(ctx: CommandContext, kind: PubsubKind, verb: string): void {
  const ps = pubsubOf(ctx);
  for (let j = 1; j < ctx.argv.length; j++) {
    const name = latin1(ctx.argv[j]!);
    ps.subscribe(ctx.client, kind, name);
    replyConfirm(ctx, verb, name, countFor(ctx.client, kind));
  }
}

function unsubscribeGeneric(ctx: CommandContext, kind: PubsubKind, verb: string): void {
  const ps = pubsubOf(ctx);
  const c = ctx.client;
  const own = kind === 'channel' ? c.channels : kind === 'pattern' ? c.patterns : c.shardChannels;
  if (ctx.argv.length === 1) {
    if (own.size === 0) {
      replyConfirm(ctx, verb, null, countFor(c, kind));
    } else {
      for (const name of [...own]) {
        ps.unsubscribe(c, kind, name);
        replyConfirm(ctx, verb, name, countFor(c, kind));
      }
    }
  } else {
    for (let j = 1; j < ctx.argv.length; j++) {
      const name = latin1(ctx.argv[j]!);
      ps.unsubscribe(c, kind, name);
      replyConfirm(ctx, verb, name, countFor(c, kind));
    }
  }
  ps.updateMode(c);
}

function publishCommand(ctx: CommandContext): void {
  const n = pubsubOf(ctx).publish(latin1(ctx.argv[1]!), ctx.argv[2]!, ctx);
  ctx.reply.int(n);
}

function spublishCommand(ctx: CommandContext): void {
  const n = pubsubOf(ctx).spublish(latin1(ctx.argv[1]!), ctx.argv[2]!, ctx);
  ctx.reply.int(n);
}

function channelsGeneric(ctx: CommandContext, map: ReadonlyMap<string, Set<Client>>, sub: string): void {
  if (ctx.argv.length > 3) {
    ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try PUBSUB HELP.`);
    return;
  }
  const pattern = ctx.argv.length === 3 ? latin1(ctx.argv[2]!) : null;
  const r = ctx.reply;
  const h = r.beginDeferred();
  let n = 0;
  for (const name of map.keys()) {
    if (pattern !== null && !globMatch(pattern, name)) continue;
    r.bulkLatin1(name);
    n++;
  }
  r.endDeferred(h, n);
}

function numsubGeneric(ctx: CommandContext, map: ReadonlyMap<string, Set<Client>>): void {
  const r = ctx.reply;
  r.array((ctx.argv.length - 2) * 2);
  for (let j = 2; j < ctx.argv.length; j++) {
    r.bulk(ctx.argv[j]!);
    r.int(map.get(latin1(ctx.argv[j]!))?.size ?? 0);
  }
}

const pubsubHelpLines = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

const subFlags: CommandSpec['flags'] = ['pubsub', 'noscript', 'loading', 'stale'];

function spec(name: string, arity: number, flags: CommandSpec['flags'], summary: string, since: string, handler: CommandSpec['handler'], extra: Partial<CommandSpec> = {}): CommandSpec {
  return {
    name,
    arity,
    flags,
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: flags.includes('fast') ? ['pubsub', 'fast'] : ['pubsub', 'slow'],
    group: 'pubsub',
    summary,
    since,
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    handler,
    ...extra,
  };
}

const sub = (name: string, arity: number, summary: string, since: string, complexity: string, handler: CommandSpec['handler']): CommandSpec =>
  spec(`pubsub|${name}`, arity, name === 'help' ? ['loading', 'stale'] : ['pubsub', 'loading', 'stale'], summary, since, handler, {
    complexity,
    categories: name === 'help' ? ['slow'] : ['pubsub', 'slow'],
  });

export const pubsubCommands: readonly CommandSpec[] = [
  spec('subscribe', -2, subFlags, 'Listen for messages published to the given channels', '2.0.0', (ctx) => subscribeGeneric(ctx, 'channel', 'subscribe')),
  spec('unsubscribe', -1, subFlags, 'Stop listening for messages posted to the given channels', '2.0.0', (ctx) => unsubscribeGeneric(ctx, 'channel', 'unsubscribe'), {
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
  }),
  spec('psubscribe', -2, subFlags, 'Listen for messages published to channels matching the given patterns', '2.0.0', (ctx) => subscribeGeneric(ctx, 'pattern', 'psubscribe'), {
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
  }),
  spec('punsubscribe', -1, subFlags, 'Stop listening for messages posted to channels matching the given patterns', '2.0.0', (ctx) => unsubscribeGeneric(ctx, 'pattern', 'punsubscribe'), {
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
  }),
  spec('ssubscribe', -2, subFlags, 'Listen for messages published to the given shard channels', '7.0.0', (ctx) => subscribeGeneric(ctx, 'shard', 'ssubscribe'), {
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
  }),
  spec('sunsubscribe', -1, subFlags, 'Stop listening for messages posted to the given shard channels', '7.0.0', (ctx) => unsubscribeGeneric(ctx, 'shard', 'sunsubscribe'), {
    firstKey: 1,
    lastKey: -1,
    keyStep: 1,
    complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
  }),
  spec('publish', 3, ['pubsub', 'loading', 'stale', 'fast'], 'Post a message to a channel', '2.0.0', publishCommand, {
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
  }),
  spec('spublish', 3, ['pubsub', 'loading', 'stale', 'fast'], 'Post a message to a shard channel', '7.0.0', spublishCommand, {
    firstKey: 1,
    lastKey: 1,
    keyStep: 1,
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
  }),
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'pubsub',
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('channels', -2, 'List active channels', '2.8.0', 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)', (ctx) =>
        channelsGeneric(ctx, pubsubOf(ctx).channels, 'channels'),
      ),
      sub('numsub', -2, 'Get the count of subscribers for channels', '2.8.0', 'O(N) for the NUMSUB subcommand, where N is the number of requested channels', (ctx) => numsubGeneric(ctx, pubsubOf(ctx).channels)),
      sub('numpat', 2, 'Get the count of unique patterns pattern subscriptions', '2.8.0', 'O(1)', (ctx) => ctx.reply.int(pubsubOf(ctx).patterns.size)),
      sub('shardchannels', -2, 'List active shard channels', '7.0.0', 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).', (ctx) =>
        channelsGeneric(ctx, pubsubOf(ctx).shardChannels, 'shardchannels'),
      ),
      sub('shardnumsub', -2, 'Get the count of subscribers for shard channels', '7.0.0', 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels', (ctx) =>
        numsubGeneric(ctx, pubsubOf(ctx).shardChannels),
      ),
      sub('help', 2, 'Show helpful text about the different subcommands', '6.2.0', 'O(1)', (ctx) => replyHelp(ctx, pubsubHelpLines)),
    ],
  },
];
