// Connection commands (engine worker): PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT and
// the CLIENT container. Redis's networking.c / server.c handlers, replies and error
// texts as Redis 7.0.15 gives them. Specs follow Redis 7.0's src/commands/*.json.
//
// Authentication: KeelDB has only Redis's `default` user. Without requirepass it is a
// nopass user (any password authenticates it); with requirepass only that password.

import type { Client } from '../client.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { Engine } from '../engine.js';
import { PauseType } from '../client.js';
import { eqi, errors, latin1, string2ll } from '../args.js';
import { redisCompatVersion } from '../info.js';
import type { ReplyWriter } from '../reply.js';


const connection = (name: string, arity: number, flags: CommandSpec['flags'], summary: string, since: string, handler: CommandSpec['handler'], complexity = 'O(1)', categories: readonly string[] = ['fast', 'connection']): CommandSpec => ({
  name,
  arity,
  flags,
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  categories,
  group: 'connection',
  summary,
  since,
  complexity,
  handler,
});

function engineOf(ctx: CommandContext): Engine {
  return ctx.engine as Engine;
}

// --- PING, ECHO, QUIT, SELECT --------------------------------------------------------

function pingCommand(ctx: CommandContext): void {
  if (ctx.argv.length > 2) {
    ctx.reply.error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  // RESP2 subscribed mode: a two-element array, as Redis 7.0's pingCommand.
  if (ctx.client.pubsubMode && ctx.client.resp === 2) {
    ctx.reply.array(2);
    ctx.reply.bulkLatin1('pong');
    if (ctx.argv.length === 1) ctx.reply.bulkLatin1('');
    else ctx.reply.bulk(ctx.argv[1]!);
    return;
  }
  if (ctx.argv.length === 1) ctx.reply.status('PONG');
  else ctx.reply.bulk(ctx.argv[1]!);
}

function echoCommand(ctx: CommandContext): void {
  ctx.reply.bulk(ctx.argv[1]!);
}

function quitCommand(ctx: CommandContext): void {
  ctx.reply.ok();
  ctx.engine.closeClient(ctx.client);
}

function selectCommand(ctx: CommandContext): void {
  const v = string2ll(latin1(ctx.argv[1]!));
  if (v === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  if (v < -2147483648n || v > 2147483647n) {
    ctx.reply.error('ERR value is out of range, value must between -2147483648 and 2147483647');
    return;
  }
  const index = Number(v);
  if (index < 0 || index >= ctx.keyspace.dbs.length) {
    ctx.reply.error(errors.invalidDbIndex);
    return;
  }
  ctx.client.dbIndex = index;
  ctx.db = ctx.keyspace.db(index);
  ctx.reply.ok();
}

// --- AUTH, HELLO, RESET -------------------------------------------------------------

const wrongPass = 'WRONGPASS invalid username-password pair or user is disabled.';

/** ACLAuthenticateUser for the only user, `default`. */
function authenticate(ctx: CommandContext, username: Buffer, password: Buffer): boolean {
  if (latin1(username) !== 'default') return false;
  const required = ctx.engine.config.requirepass;
  if (required !== '' && latin1(password) !== required) return false;
  ctx.client.authenticated = true;
  return true;
}

function authCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3) {
    ctx.reply.error(errors.syntax);
    return;
  }
  let ok: boolean;
  if (argv.length === 2) {
    if (ctx.engine.config.requirepass === '') {
      ctx.reply.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
      return;
    }
    ok = authenticate(ctx, Buffer.from('default'), argv[1]!);
  } else {
    ok = authenticate(ctx, argv[1]!, argv[2]!);
  }
  if (ok) ctx.reply.ok();
  else ctx.reply.error(wrongPass);
}

function helloCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = string2ll(latin1(argv[next++]!));
    if (v === null) {
      ctx.reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2n || v > 3n) {
      ctx.reply.error('NOPROTO unsupported protocol version');
      return;
    }
    ver = Number(v);
  }
  let username: Buffer | undefined;
  let password: Buffer | undefined;
  let clientName: Buffer | undefined;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqi(argv[j]!, 'auth') && more >= 2) {
      username = argv[j + 1];
      password = argv[j + 2];
      j += 2;
    } else if (eqi(argv[j]!, 'setname') && more >= 1) {
      clientName = argv[j + 1];
      j++;
    } else {
      ctx.reply.error(`ERR Syntax error in HELLO option '${cArg(argv[j]!)}'`);
      return;
    }
  }
  if (username !== undefined && password !== undefined && !authenticate(ctx, username, password)) {
    ctx.reply.error(wrongPass);
    return;
  }
  if (!ctx.client.authenticated) {
    ctx.reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    return;
  }
  if (clientName !== undefined && !setNameOrReply(ctx.client, clientName, ctx.reply)) return;
  if (ver !== 0) {
    ctx.client.resp = ver as 2 | 3;
    ctx.reply.resp = ctx.client.resp;
  }
  const r = ctx.reply;
  r.map(7);
  r.bulkLatin1('server');
  r.bulkLatin1('redis');
  r.bulkLatin1('version');
  r.bulkLatin1(redisCompatVersion);
  r.bulkLatin1('proto');
  r.int(ctx.client.resp);
  r.bulkLatin1('id');
  r.int(ctx.client.id);
  r.bulkLatin1('mode');
  r.bulkLatin1('standalone');
  r.bulkLatin1('role');
  r.bulkLatin1('master');
  r.bulkLatin1('modules');
  r.array(0);
}

/** Redis's clearClientConnectionState, then +RESET. */
function resetCommand(ctx: CommandContext): void {
  const engine = engineOf(ctx);
  const c = ctx.client;
  engine.discardTransaction(c);
  engine.tracking.disable(c);
  engine.pubsub.removeClient(c);
  c.replyMode = 'on';
  c.noEvict = false;
  c.resp = 2;
  ctx.reply.resp = 2;
  c.name = '';
  c.dbIndex = 0;
  ctx.db = ctx.keyspace.db(0);
  c.authenticated = ctx.engine.config.requirepass === '';
  ctx.reply.status('RESET');
}

// --- CLIENT --------------------------------------------------------------------------

/** Redis's validateClientName: printable ASCII without spaces, '!'..'~'. */
function setNameOrReply(client: Client, name: Buffer, reply: ReplyWriter): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch < 33 || ch > 126) {
      reply.error('ERR Client names cannot contain spaces, newlines or special characters.');
      return false;
    }
  }
  client.name = latin1(name);
  return true;
}

/** One CLIENT LIST line (Redis 7.0's catClientInfoString), without the newline. */
export function clientInfoString(client: Client, nowMs: number): string {
  let multiMem = 0;
  if (client.multi !== null) for (const q of client.multi) for (const a of q.argv) multiMem += a.length;
  const multi = client.multi === null ? -1 : client.multi.length;
  const age = Math.max(0, Math.floor((nowMs - client.createdMs) / 1000));
  const idle = Math.max(0, Math.floor((nowMs - client.lastInteractionMs) / 1000));
  return (
    `id=${client.id} addr=${client.addr} laddr=${client.laddr} fd=8 name=${client.name} age=${age} idle=${idle}` +
    ` flags=${client.flagsString()} db=${client.dbIndex} sub=${client.channels.size} psub=${client.patterns.size} ssub=${client.shardChannels.size} multi=${multi} qbuf=0 qbuf-free=0` +
    ` argv-mem=0 multi-mem=${multiMem} rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=${multiMem}` +
    ` events=r cmd=${client.lastCommand} user=default redir=${client.tracking === null ? -1 : client.tracking.redirect} resp=${client.resp}`
  );
}

/** Redis's getClientTypeByName; KeelDB's clients are all 'normal' (no replicas, no pub/sub yet). */
function clientTypeByName(name: Buffer): 'normal' | 'replica' | 'master' | 'pubsub' | null {
  if (eqi(name, 'normal')) return 'normal';
  if (eqi(name, 'slave') || eqi(name, 'replica')) return 'replica';
  if (eqi(name, 'pubsub')) return 'pubsub';
  if (eqi(name, 'master')) return 'master';
  return null;
}

/** Redis's getClientType: a client in subscribed mode is of type pubsub. */
function clientType(c: Client): 'normal' | 'pubsub' {
  return c.pubsubMode ? 'pubsub' : 'normal';
}

function liveClients(ctx: CommandContext): Client[] {
  const out: Client[] = [];
  for (const c of ctx.engine.clients.values()) if (!c.closing || c === ctx.client) out.push(c);
  return out;
}

function clientIdCommand(ctx: CommandContext): void {
  ctx.reply.int(ctx.client.id);
}

function clientSetNameCommand(ctx: CommandContext): void {
  if (setNameOrReply(ctx.client, ctx.argv[2]!, ctx.reply)) ctx.reply.ok();
}

function clientGetNameCommand(ctx: CommandContext): void {
  if (ctx.client.name === '') ctx.reply.nil();
  else ctx.reply.bulkLatin1(ctx.client.name);
}

function clientListCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let text = '';
  if (argv.length === 4 && eqi(argv[2]!, 'type')) {
    const type = clientTypeByName(argv[3]!);
    if (type === null) {
      ctx.reply.error(`ERR Unknown client type '${cArg(argv[3]!)}'`);
      return;
    }
    for (const c of liveClients(ctx)) if (clientType(c) === type) text += clientInfoString(c, ctx.nowMs) + '\n';
  } else if (argv.length > 3 && eqi(argv[2]!, 'id')) {
    for (let j = 3; j < argv.length; j++) {
      const id = string2ll(latin1(argv[j]!));
      if (id === null) {
        ctx.reply.error('ERR Invalid client ID');
        return;
      }
      const c = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? ctx.engine.clients.get(Number(id)) : undefined;
      if (c !== undefined && (!c.closing || c === ctx.client)) text += clientInfoString(c, ctx.nowMs) + '\n';
    }
  } else if (argv.length !== 2) {
    ctx.reply.error(errors.syntax);
    return;
  } else {
    for (const c of liveClients(ctx)) text += clientInfoString(c, ctx.nowMs) + '\n';
  }
  ctx.reply.verbatim(text);
}

function clientInfoCommand(ctx: CommandContext): void {
  ctx.reply.verbatim(clientInfoString(ctx.client, ctx.nowMs) + '\n');
}

function clientKillCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: ReturnType<typeof clientTypeByName> = null;
  let id = 0;
  let skipMe = true;
  if (argv.length === 3) {
    addr = latin1(argv[2]!);
    skipMe = false; // with the old form a client can kill itself
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const more = argv.length > i + 1;
      const opt = argv[i]!;
      if (eqi(opt, 'id') && more) {
        const v = string2ll(latin1(argv[i + 1]!));
        if (v === null || v < 1n) {
          ctx.reply.error('ERR client-id should be greater than 0');
          return;
        }
        id = Number(v);
      } else if (eqi(opt, 'type') && more) {
        type = clientTypeByName(argv[i + 1]!);
        if (type === null) {
          ctx.reply.error(`ERR Unknown client type '${cArg(argv[i + 1]!)}'`);
          return;
        }
      } else if (eqi(opt, 'addr') && more) {
        addr = latin1(argv[i + 1]!);
      } else if (eqi(opt, 'laddr') && more) {
        laddr = latin1(argv[i + 1]!);
      } else if (eqi(opt, 'user') && more) {
        if (latin1(argv[i + 1]!) !== 'default') {
          ctx.reply.error(`ERR No such user '${cArg(argv[i + 1]!)}'`);
          return;
        }
      } else if (eqi(opt, 'skipme') && more) {
        if (eqi(argv[i + 1]!, 'yes')) skipMe = true;
        else if (eqi(argv[i + 1]!, 'no')) skipMe = false;
        else {
          ctx.reply.error(errors.syntax);
          return;
        }
      } else {
        ctx.reply.error(errors.syntax);
        return;
      }
    }
  }
  let killed = 0;
  let killSelf = false;
  for (const c of [...ctx.engine.clients.values()]) {
    if (c.closing) continue;
    if (addr !== undefined && c.addr !== addr) continue;
    if (laddr !== undefined && c.laddr !== laddr) continue;
    if (type !== null && type !== clientType(c)) continue;
    if (id !== 0 && c.id !== id) continue;
    if (c === ctx.client && skipMe) continue;
    if (c === ctx.client) killSelf = true;
    else ctx.engine.closeClient(c);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) ctx.reply.error('ERR No such client');
    else ctx.reply.ok();
  } else {
    ctx.reply.int(killed);
  }
  // Closed only after its reply is queued (Redis's CLIENT_CLOSE_AFTER_REPLY).
  if (killSelf) ctx.engine.closeClient(ctx.client);
}

function clientReplyCommand(ctx: CommandContext): void {
  const mode = ctx.argv[2]!;
  const c = ctx.client;
  if (eqi(mode, 'on')) {
    c.replyMode = 'on';
    ctx.reply.ok();
  } else if (eqi(mode, 'off')) {
    c.replyMode = 'off';
  } else if (eqi(mode, 'skip')) {
    if (c.replyMode !== 'off') c.replyMode = 'skip';
  } else {
    ctx.reply.error(errors.syntax);
  }
}

function clientNoEvictCommand(ctx: CommandContext): void {
  const mode = ctx.argv[2]!;
  if (eqi(mode, 'on')) ctx.client.noEvict = true;
  else if (eqi(mode, 'off')) ctx.client.noEvict = false;
  else {
    ctx.reply.error(errors.syntax);
    return;
  }
  ctx.reply.ok();
}

function clientPauseCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length !== 3 && argv.length !== 4) {
    subcommandSyntaxError(ctx);
    return;
  }
  let type: 1 | 2 = PauseType.all;
  if (argv.length === 4) {
    if (eqi(argv[3]!, 'write')) type = PauseType.write;
    else if (eqi(argv[3]!, 'all')) type = PauseType.all;
    else {
      ctx.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  const t = string2ll(latin1(argv[2]!));
  if (t === null) {
    ctx.reply.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (t < 0n) {
    ctx.reply.error('ERR timeout is negative');
    return;
  }
  let endMs = 0;
  if (t > 0n) {
    if (t > 9223372036854775807n - BigInt(ctx.nowMs)) {
      ctx.reply.error('ERR timeout is out of range');
      return;
    }
    endMs = Number(t) + ctx.nowMs;
  }
  engineOf(ctx).pause(type, endMs);
  ctx.reply.ok();
}

function clientUnpauseCommand(ctx: CommandContext): void {
  // The deferred commands run after this reply (Redis unblocks them for the next loop).
  engineOf(ctx).requestUnpause();
  ctx.reply.ok();
}

function clientGetRedirCommand(ctx: CommandContext): void {
  const t = ctx.client.tracking;
  ctx.reply.int(t === null ? -1 : t.redirect);
}

function clientUnblockCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  const id = string2ll(latin1(argv[2]!));
  if (id === null) {
    ctx.reply.error(errors.notInteger);
    return;
  }
  if (argv.length === 4 && !eqi(argv[3]!, 'timeout') && !eqi(argv[3]!, 'error')) {
    ctx.reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    return;
  }
  if (argv.length > 4) {
    subcommandSyntaxError(ctx);
    return;
  }
  const unblocked = id >= 1n && id <= BigInt(Number.MAX_SAFE_INTEGER) && ctx.engine.blocking.requestUnblock(Number(id), argv.length === 4 && eqi(argv[3]!, 'error'));
  ctx.reply.int(unblocked ? 1 : 0);
}

/** CLIENT TRACKING, as Redis 7.0's clientCommand: options, their compatibility, then on/off. */
function clientTrackingCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqi(opt, 'redirect') && more > 0) {
      j++;
      if (redirect !== 0) {
        ctx.reply.error('ERR A client can only redirect to a single other client');
        return;
      }
      const id = string2ll(latin1(argv[j]!));
      if (id === null) {
        ctx.reply.error(errors.notInteger);
        return;
      }
      if (id <= 0n || id > BigInt(Number.MAX_SAFE_INTEGER) || !ctx.engine.clients.has(Number(id))) {
        ctx.reply.error('ERR The client ID you want redirect to does not exist');
        return;
      }
      redirect = Number(id);
    } else if (eqi(opt, 'bcast')) {
      bcast = true;
    } else if (eqi(opt, 'optin')) {
      optin = true;
    } else if (eqi(opt, 'optout')) {
      optout = true;
    } else if (eqi(opt, 'noloop')) {
      noloop = true;
    } else if (eqi(opt, 'prefix') && more > 0) {
      j++;
      prefixes.push(latin1(argv[j]!));
    } else {
      ctx.reply.error(errors.syntax);
      return;
    }
  }
  const c = ctx.client;
  const tracking = engineOf(ctx).tracking;
  if (eqi(argv[2]!, 'on')) {
    const t = c.tracking;
    let err: string | null = null;
    if (!bcast && prefixes.length > 0) err = 'ERR PREFIX option requires BCAST mode to be enabled';
    else if (t !== null && t.bcast !== bcast) err = "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
    else if (bcast && (optin || optout)) err = 'ERR OPTIN and OPTOUT are not compatible with BCAST';
    else if (optin && optout) err = "ERR You can't specify both OPTIN mode and OPTOUT mode";
    else if (t !== null && ((optin && t.optout) || (optout && t.optin))) err = "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
    else if (bcast) err = tracking.prefixCollision(c, prefixes);
    if (err !== null) {
      ctx.reply.error(err);
      return;
    }
    tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
  } else if (eqi(argv[2]!, 'off')) {
    tracking.disable(c);
  } else {
    ctx.reply.error(errors.syntax);
    return;
  }
  ctx.reply.ok();
}

function clientCachingCommand(ctx: CommandContext): void {
  const t = ctx.client.tracking;
  if (t === null) {
    ctx.reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    return;
  }
  const opt = ctx.argv[2]!;
  if (eqi(opt, 'yes')) {
    if (!t.optin) {
      ctx.reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
      return;
    }
  } else if (eqi(opt, 'no')) {
    if (!t.optout) {
      ctx.reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
      return;
    }
  } else {
    ctx.reply.error(errors.syntax);
    return;
  }
  t.caching = true;
  ctx.reply.ok();
}

function clientTrackingInfoCommand(ctx: CommandContext): void {
  const r = ctx.reply;
  const t = ctx.client.tracking;
  r.map(3);
  r.bulkLatin1('flags');
  const flags: string[] = [t === null ? 'off' : 'on'];
  if (t !== null) {
    if (t.bcast) flags.push('bcast');
    if (t.optin) flags.push('optin');
    if (t.optin && t.caching) flags.push('caching-yes');
    if (t.optout) flags.push('optout');
    if (t.optout && t.caching) flags.push('caching-no');
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
  }
  r.set(flags.length);
  for (const f of flags) r.bulkLatin1(f);
  r.bulkLatin1('redirect');
  r.int(t === null ? -1 : t.redirect);
  r.bulkLatin1('prefixes');
  // Redis keeps the prefixes in a radix tree: listed in byte order.
  const prefixes = t === null ? [] : [...t.prefixes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  r.array(prefixes.length);
  for (const p of prefixes) r.bulkLatin1(p);
}

const clientHelpLines = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

function clientHelpCommand(ctx: CommandContext): void {
  replyHelp(ctx, clientHelpLines);
}

/** Redis's addReplyHelp: a title line naming the command as sent, the lines, then HELP. */
export function replyHelp(ctx: CommandContext, lines: readonly string[]): void {
  const r = ctx.reply;
  r.array(lines.length + 3);
  r.status(`${cArg(ctx.argv[0]!).toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.status(l);
  r.status('HELP');
  r.status('    Prints this help.');
}

/** Redis's addReplySubcommandSyntaxError. */
export function subcommandSyntaxError(ctx: CommandContext): void {
  ctx.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cArg(ctx.argv[1]!, 128)}'. Try ${cArg(ctx.argv[0]!).toUpperCase()} HELP.`);
}

/** An argument as C's %s prints it inside an error: up to a NUL, CR/LF made spaces. */
function cArg(buf: Buffer, max = Infinity): string {
  let end = Math.min(buf.length, max);
  const nul = buf.indexOf(0);
  if (nul >= 0 && nul < end) end = nul;
  return buf.latin1Slice(0, end).replace(/[\r\n]/g, ' ');
}

const clientSub = (sub: string, arity: number, flags: CommandSpec['flags'], summary: string, since: string, handler: CommandSpec['handler'], opts: { complexity?: string; admin?: boolean } = {}): CommandSpec => ({
  name: `client|${sub}`,
  arity,
  flags,
  firstKey: 0,
  lastKey: 0,
  keyStep: 0,
  categories: opts.admin ? ['admin', 'slow', 'dangerous', 'connection'] : ['slow', 'connection'],
  group: 'connection',
  summary,
  since,
  complexity: opts.complexity ?? 'O(1)',
  handler,
});

const ns: CommandSpec['flags'] = ['noscript', 'loading', 'stale'];
const adminNs: CommandSpec['flags'] = ['admin', 'noscript', 'loading', 'stale'];
const nAuth: CommandSpec['flags'] = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'];

export const connectionCommands: readonly CommandSpec[] = [
  connection('ping', -1, ['fast'], 'Ping the server', '1.0.0', pingCommand),
  connection('echo', 2, ['loading', 'stale', 'fast'], 'Echo the given string', '1.0.0', echoCommand),
  connection('quit', -1, nAuth, 'Close the connection', '1.0.0', quitCommand),
  connection('reset', 1, nAuth, 'Reset the connection', '6.2.0', resetCommand),
  connection('hello', -1, nAuth, 'Handshake with Redis', '6.0.0', helloCommand),
  connection('auth', -2, nAuth, 'Authenticate to the server', '1.0.0', authCommand, 'O(N) where N is the number of passwords defined for the user'),
  connection('select', 2, ['loading', 'stale', 'fast'], 'Change the selected database for the current connection', '1.0.0', selectCommand),
  {
    name: 'client',
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    keyStep: 0,
    categories: ['slow'],
    group: 'connection',
    summary: 'A container for client connection commands',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      clientSub('pause', -3, adminNs, 'Stop processing commands from clients for some time', '2.9.50', clientPauseCommand, { admin: true }),
      clientSub('getname', 2, ns, 'Get the current connection name', '2.6.9', clientGetNameCommand),
      clientSub('caching', 3, ns, 'Instruct the server about tracking or not keys in the next request', '6.0.0', clientCachingCommand),
      clientSub('no-evict', 3, adminNs, 'Set client eviction mode for the current connection', '7.0.0', clientNoEvictCommand, { admin: true }),
      clientSub('setname', 3, ns, 'Set the current connection name', '2.6.9', clientSetNameCommand),
      clientSub('getredir', 2, ns, 'Get tracking notifications redirection client ID if any', '6.0.0', clientGetRedirCommand),
      clientSub('id', 2, ns, 'Returns the client ID for the current connection', '5.0.0', clientIdCommand),
      clientSub('info', 2, ns, 'Returns information about the current client connection.', '6.2.0', clientInfoCommand),
      clientSub('tracking', -3, ns, 'Enable or disable server assisted client side caching support', '6.0.0', clientTrackingCommand, { complexity: 'O(1). Some options may introduce additional complexity.' }),
      clientSub('kill', -3, adminNs, 'Kill the connection of a client', '2.4.0', clientKillCommand, { admin: true, complexity: 'O(N) where N is the number of client connections' }),
      clientSub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', '5.0.0', clientHelpCommand),
      clientSub('unblock', -3, adminNs, 'Unblock a client blocked in a blocking command from a different connection', '5.0.0', clientUnblockCommand, { admin: true, complexity: 'O(log N) where N is the number of client connections' }),
      clientSub('trackinginfo', 2, ns, 'Return information about server assisted client side caching for the current connection', '6.2.0', clientTrackingInfoCommand),
      clientSub('unpause', 2, adminNs, 'Resume processing of clients that were paused', '6.2.0', clientUnpauseCommand, { admin: true, complexity: 'O(N) Where N is the number of paused clients' }),
      clientSub('list', -2, adminNs, 'Get the list of client connections', '2.4.0', clientListCommand, { admin: true, complexity: 'O(N) where N is the number of client connections'}),
      clientSub('reply', 3, ns, 'Instruct the server whether to reply to commands', '3.2.0', clientReplyCommand),
    ],
  },
];
