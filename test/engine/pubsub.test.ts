// Engine-level Pub/Sub tests (in-process Engine through test/engine/support/run.ts):
// routing to channel and pattern subscribers, reply shapes in RESP2 and RESP3,
// subscribed-mode rules, PUBSUB introspection, cleanup on RESET and disconnect, and
// that PUBLISH records no effect.

import { describe, expect, it } from 'vitest';
import { newEngine, openClient, repliesFor, runCommand, runCommandEntries, useResp3, ownedEffectRecord } from './support/run.js';

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const msg = (ch: string, payload: string, head = '*'): string => `${head}3\r\n${bulk('message')}${bulk(ch)}${bulk(payload)}`;
const pmsg = (pat: string, ch: string, payload: string, head = '*'): string => `${head}4\r\n${bulk('pmessage')}${bulk(pat)}${bulk(ch)}${bulk(payload)}`;

describe('pubsub routing', () => {
  it('delivers to channel subscribers and counts receivers', () => {
    const e = newEngine();
    const sub = openClient(e);
    const sub2 = openClient(e);
    const pub = openClient(e);
    expect(runCommand(e, sub, ['SUBSCRIBE', 'a', 'b'])).toBe(`*3\r\n${bulk('subscribe')}${bulk('a')}:1\r\n*3\r\n${bulk('subscribe')}${bulk('b')}:2\r\n`);
    expect(runCommand(e, sub2, ['SUBSCRIBE', 'a'])).toBe(`*3\r\n${bulk('subscribe')}${bulk('a')}:1\r\n`);
    const entries = runCommandEntries(e, pub, ['PUBLISH', 'a', 'hello']);
    expect(repliesFor(entries, pub)).toBe(':2\r\n');
    expect(repliesFor(entries, sub)).toBe(msg('a', 'hello'));
    expect(repliesFor(entries, sub2)).toBe(msg('a', 'hello'));
    expect(runCommand(e, pub, ['PUBLISH', 'nobody', 'x'])).toBe(':0\r\n');
  });

  it('keeps message order per subscriber and delivers pattern matches', () => {
    const e = newEngine();
    const sub = openClient(e);
    const pub = openClient(e);
    expect(runCommand(e, sub, ['PSUBSCRIBE', 'news.*'])).toBe(`*3\r\n${bulk('psubscribe')}${bulk('news.*')}:1\r\n`);
    runCommand(e, sub, ['SUBSCRIBE', 'news.art']);
    const entries = runCommandEntries(e, pub, ['PUBLISH', 'news.art', '1']);
    expect(repliesFor(entries, pub)).toBe(':2\r\n');
    expect(repliesFor(entries, sub)).toBe(msg('news.art', '1') + pmsg('news.*', 'news.art', '1'));
    const more = [...runCommandEntries(e, pub, ['PUBLISH', 'news.x', '2']), ...runCommandEntries(e, pub, ['PUBLISH', 'news.y', '3'])];
    expect(repliesFor(more, sub)).toBe(pmsg('news.*', 'news.x', '2') + pmsg('news.*', 'news.y', '3'));
  });

  it('RESP3: push messages, and a publisher subscribed to its own channel gets the push before the reply', () => {
    const e = newEngine();
    const c = openClient(e);
    useResp3(e, c);
    expect(runCommand(e, c, ['SUBSCRIBE', 'ch'])).toBe(`>3\r\n${bulk('subscribe')}${bulk('ch')}:1\r\n`);
    expect(runCommand(e, c, ['PUBLISH', 'ch', 'hi'])).toBe(msg('ch', 'hi', '>') + ':1\r\n');
    // RESP3 has no subscribed mode: any command runs.
    expect(runCommand(e, c, ['GET', 'k'])).toBe('_\r\n');
    expect(runCommand(e, c, ['UNSUBSCRIBE'])).toBe(`>3\r\n${bulk('unsubscribe')}${bulk('ch')}:0\r\n`);
    expect(runCommand(e, c, ['UNSUBSCRIBE'])).toBe(`>3\r\n${bulk('unsubscribe')}_\r\n:0\r\n`);
  });
});

describe('subscribed mode (RESP2)', () => {
  it('refuses other commands with Redis 7.0 text; PING answers an array', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['SUBSCRIBE', 'x']);
    expect(runCommand(e, c, ['GET', 'k'])).toBe("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(runCommand(e, c, ['CLIENT', 'ID'])).toBe("-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(runCommand(e, c, ['PING'])).toBe(`*2\r\n${bulk('pong')}${bulk('')}`);
    expect(runCommand(e, c, ['PING', 'hey'])).toBe(`*2\r\n${bulk('pong')}${bulk('hey')}`);
    expect(runCommand(e, c, ['UNSUBSCRIBE', 'x'])).toBe(`*3\r\n${bulk('unsubscribe')}${bulk('x')}:0\r\n`);
    expect(runCommand(e, c, ['PING'])).toBe('+PONG\r\n');
    expect(runCommand(e, c, ['GET', 'k'])).toBe('$-1\r\n');
  });

  it('UNSUBSCRIBE with nothing subscribed answers a null channel; PUNSUBSCRIBE too', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['UNSUBSCRIBE'])).toBe(`*3\r\n${bulk('unsubscribe')}$-1\r\n:0\r\n`);
    expect(runCommand(e, c, ['PUNSUBSCRIBE'])).toBe(`*3\r\n${bulk('punsubscribe')}$-1\r\n:0\r\n`);
    expect(runCommand(e, c, ['UNSUBSCRIBE', 'never'])).toBe(`*3\r\n${bulk('unsubscribe')}${bulk('never')}:0\r\n`);
  });

  it('RESET leaves subscribed mode and drops the subscriptions', () => {
    const e = newEngine();
    const c = openClient(e);
    const pub = openClient(e);
    runCommand(e, c, ['SUBSCRIBE', 'x']);
    runCommand(e, c, ['PSUBSCRIBE', 'y*']);
    expect(runCommand(e, c, ['RESET'])).toBe('+RESET\r\n');
    expect(runCommand(e, c, ['GET', 'k'])).toBe('$-1\r\n');
    expect(runCommand(e, pub, ['PUBLISH', 'x', 'm'])).toBe(':0\r\n');
    expect(runCommand(e, pub, ['PUBSUB', 'NUMPAT'])).toBe(':0\r\n');
  });

  it('a disconnected subscriber stops receiving', () => {
    const e = newEngine();
    const c = openClient(e);
    const pub = openClient(e);
    runCommand(e, c, ['SUBSCRIBE', 'x']);
    e.closeClient(c);
    expect(runCommand(e, pub, ['PUBLISH', 'x', 'm'])).toBe(':0\r\n');
    expect(runCommand(e, pub, ['PUBSUB', 'CHANNELS'])).toBe('*0\r\n');
  });
});

describe('PUBSUB introspection and shard channels', () => {
  it('CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    const q = openClient(e);
    runCommand(e, a, ['SUBSCRIBE', 'c1', 'c2']);
    runCommand(e, b, ['SUBSCRIBE', 'c1']);
    runCommand(e, b, ['PSUBSCRIBE', 'p*', 'q*']);
    runCommand(e, a, ['PSUBSCRIBE', 'p*']);
    runCommand(e, a, ['SSUBSCRIBE', 's1']);
    expect(runCommand(e, q, ['PUBSUB', 'CHANNELS'])).toBe(`*2\r\n${bulk('c1')}${bulk('c2')}`);
    expect(runCommand(e, q, ['PUBSUB', 'CHANNELS', '*2'])).toBe(`*1\r\n${bulk('c2')}`);
    expect(runCommand(e, q, ['PUBSUB', 'NUMSUB', 'c1', 'c2', 'zz'])).toBe(`*6\r\n${bulk('c1')}:2\r\n${bulk('c2')}:1\r\n${bulk('zz')}:0\r\n`);
    expect(runCommand(e, q, ['PUBSUB', 'NUMPAT'])).toBe(':2\r\n');
    expect(runCommand(e, q, ['PUBSUB', 'SHARDCHANNELS'])).toBe(`*1\r\n${bulk('s1')}`);
    expect(runCommand(e, q, ['PUBSUB', 'SHARDNUMSUB', 's1'])).toBe(`*2\r\n${bulk('s1')}:1\r\n`);
    expect(runCommand(e, q, ['PUBSUB', 'CHANNELS', 'a', 'b'])).toBe("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n");
    const entries = runCommandEntries(e, q, ['SPUBLISH', 's1', 'hi']);
    expect(repliesFor(entries, q)).toBe(':1\r\n');
    expect(repliesFor(entries, a)).toBe(`*3\r\n${bulk('smessage')}${bulk('s1')}${bulk('hi')}`);
    // Shard subscriptions count apart from channels and patterns.
    expect(runCommand(e, a, ['SUNSUBSCRIBE'])).toBe(`*3\r\n${bulk('sunsubscribe')}${bulk('s1')}:0\r\n`);
    expect(runCommand(e, a, ['UNSUBSCRIBE', 'c2'])).toBe(`*3\r\n${bulk('unsubscribe')}${bulk('c2')}:2\r\n`);
  });

  it('PUBLISH records no effect', () => {
    const e = newEngine();
    const records: unknown[] = [];
    e.onEffects = (r) => records.push(ownedEffectRecord(r));
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['SUBSCRIBE', 'x']);
    expect(runCommand(e, b, ['PUBLISH', 'x', 'y'])).toBe(':1\r\n');
    expect(records).toEqual([]);
  });

  it('CLIENT LIST shows the P flag and the subscription counts', () => {
    const e = newEngine();
    const a = openClient(e);
    const b = openClient(e);
    runCommand(e, a, ['SUBSCRIBE', 'x', 'y']);
    runCommand(e, a, ['PSUBSCRIBE', 'z*']);
    const list = runCommand(e, b, ['CLIENT', 'LIST']);
    expect(list).toMatch(new RegExp(`id=${a} .* flags=P db=0 sub=2 psub=1 ssub=0 `));
    // Redis's getClientType: a subscribed client is of type pubsub, not normal.
    expect(runCommand(e, b, ['CLIENT', 'LIST', 'TYPE', 'pubsub'])).toMatch(new RegExp(`^\\$\\d+\r\nid=${a} `));
    expect(runCommand(e, b, ['CLIENT', 'LIST', 'TYPE', 'normal'])).not.toContain(`id=${a} `);
    expect(runCommand(e, b, ['CLIENT', 'KILL', 'TYPE', 'pubsub'])).toBe(':1\r\n');
  });
});
