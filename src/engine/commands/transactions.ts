// Transactions (engine worker): MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis's multi.c.
//
// Queuing happens in the dispatcher (src/engine/engine.ts): inside MULTI every command
// but EXEC/DISCARD/MULTI/WATCH/QUIT/RESET is copied into client.multi and answered
// +QUEUED; a rejected command (unknown, arity, NOAUTH) sets client.multiAborted. EXEC
// runs the queue through the engine's call() at one fixed time, so the whole
// transaction is one effect record on the write path.
//
// WATCH: the engine's keyspace hook marks every client watching a modified key
// dirtyCas; a watched key that was live at WATCH and has expired by EXEC dirties it too
// (Redis 7's isWatchedKeyExpired).

import type { CommandContext, CommandSpec } from '../command.js';
import type { Engine } from '../engine.js';
import { latin1 } from '../args.js';

function engineOf(ctx: CommandContext): Engine {
  return ctx.engine as Engine;
}

function multiCommand(ctx: CommandContext): void {
  if (ctx.client.multi !== null) {
    ctx.reply.error('ERR MULTI calls can not be nested');
    return;
  }
  ctx.client.multi = [];
  ctx.reply.ok();
}

function discardCommand(ctx: CommandContext): void {
  if (ctx.client.multi === null) {
    ctx.reply.error('ERR DISCARD without MULTI');
    return;
  }
  engineOf(ctx).discardTransaction(ctx.client);
  ctx.reply.ok();
}

function execCommand(ctx: CommandContext): void {
  const client = ctx.client;
  const engine = engineOf(ctx);
  const queue = client.multi;
  if (queue === null) {
    ctx.reply.error('ERR EXEC without MULTI');
    return;
  }
  if (engine.watchedKeyExpired(client, ctx.nowMs)) client.dirtyCas = true;
  if (client.multiAborted || client.dirtyCas) {
    if (client.multiAborted) ctx.reply.error('EXECABORT Transaction discarded because of previous errors.');
    else ctx.reply.nilArray();
    engine.discardTransaction(client);
    return;
  }
  // Unwatch first: the transaction's own writes must not mark this client dirty.
  engine.unwatchAll(client);
  const out = ctx.reply;
  out.array(queue.length);
  for (const q of queue) engine.call(client, q.spec, q.argv, out);
  engine.discardTransaction(client);
}

function watchCommand(ctx: CommandContext): void {
  const client = ctx.client;
  if (client.multi !== null) {
    ctx.reply.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  const engine = engineOf(ctx);
  for (let i = 1; i < ctx.argv.length; i++) engine.watch(client, client.dbIndex, latin1(ctx.argv[i]!), ctx.nowMs);
  ctx.reply.ok();
}

function unwatchCommand(ctx: CommandContext): void {
  engineOf(ctx).unwatchAll(ctx.client);
  ctx.client.dirtyCas = false;
  ctx.reply.ok();
}

const tx = (name: string, arity: number, flags: CommandSpec['flags'], fast: boolean, summary: string, since: string, complexity: string, handler: CommandSpec['handler'], keys: [number, number, number] = [0, 0, 0]): CommandSpec => ({
  name,
  arity,
  flags,
  firstKey: keys[0],
  lastKey: keys[1],
  keyStep: keys[2],
  categories: [fast ? 'fast' : 'slow', 'transaction'],
  group: 'transactions',
  summary,
  since,
  complexity,
  handler,
});

const fastTx: CommandSpec['flags'] = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

export const transactionCommands: readonly CommandSpec[] = [
  tx('multi', 1, fastTx, true, 'Mark the start of a transaction block', '1.2.0', 'O(1)', multiCommand),
  tx('exec', 1, ['noscript', 'loading', 'stale', 'skip_slowlog'], false, 'Execute all commands issued after MULTI', '1.2.0', 'Depends on commands in the transaction', execCommand),
  tx('discard', 1, fastTx, true, 'Discard all commands issued after MULTI', '2.0.0', 'O(N), when N is the number of queued commands', discardCommand),
  tx('watch', -2, fastTx, true, 'Watch the given keys to determine execution of the MULTI/EXEC block', '2.2.0', 'O(1) for every key.', watchCommand, [1, -1, 1]),
  tx('unwatch', 1, fastTx, true, 'Forget about all watched keys', '2.2.0', 'O(1)', unwatchCommand),
];
