// Client-side caching at engine level (in-process Engine): default mode remembers the
// keys a tracking client reads and invalidates each once, OPTIN/OPTOUT with CLIENT
// CACHING, NOLOOP, BCAST prefixes, RESP2 redirection to a __redis__:invalidate
// subscriber, a broken redirect, FLUSHALL's null, and cleanup on disconnect/RESET.

import { describe, expect, it } from 'vitest';
import { newEngine, openClient, repliesFor, runCommand, runCommandEntries, useResp3 } from './support/run.js';

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const inv = (...keys: string[]): string => `>2\r\n${bulk('invalidate')}*${keys.length}\r\n${keys.map(bulk).join('')}`;

function pair() {
  const e = newEngine();
  const t = openClient(e);
  const w = openClient(e);
  useResp3(e, t);
  return { e, t, w };
}

describe('CLIENT TRACKING', () => {
  it('default mode: a read key is invalidated once, after the writer’s reply', () => {
    const { e, t, w } = pair();
    expect(runCommand(e, t, ['CLIENT', 'TRACKING', 'on'])).toBe('+OK\r\n');
    runCommand(e, t, ['GET', 'k']);
    const entries = runCommandEntries(e, w, ['SET', 'k', 'v']);
    expect(repliesFor(entries, t)).toBe(inv('k'));
    expect(entries[0]!.clientId).toBe(w);
    expect(repliesFor(runCommandEntries(e, w, ['SET', 'k', 'v2']), t)).toBe('');
    // Not read: never invalidated.
    expect(repliesFor(runCommandEntries(e, w, ['SET', 'other', 'v']), t)).toBe('');
  });

  it('its own write is invalidated after its reply, unless NOLOOP', () => {
    const { e, t } = pair();
    runCommand(e, t, ['CLIENT', 'TRACKING', 'on']);
    runCommand(e, t, ['GET', 'k']);
    expect(runCommand(e, t, ['SET', 'k', 'v'])).toBe('+OK\r\n' + inv('k'));
    runCommand(e, t, ['CLIENT', 'TRACKING', 'on', 'NOLOOP']);
    runCommand(e, t, ['GET', 'k']);
    expect(runCommand(e, t, ['SET', 'k', 'v'])).toBe('+OK\r\n');
  });

  it('OPTIN tracks only after CLIENT CACHING yes (one command); OPTOUT skips after CACHING no', () => {
    const { e, t, w } = pair();
    runCommand(e, t, ['CLIENT', 'TRACKING', 'on', 'OPTIN']);
    runCommand(e, t, ['GET', 'a']);
    runCommand(e, t, ['CLIENT', 'CACHING', 'yes']);
    expect(runCommand(e, t, ['CLIENT', 'TRACKINGINFO'])).toContain(bulk('caching-yes'));
    runCommand(e, t, ['GET', 'b']);
    runCommand(e, t, ['GET', 'c']);
    expect(repliesFor([...runCommandEntries(e, w, ['MSET', 'a', '1', 'b', '1', 'c', '1'])], t)).toBe(inv('b'));
    runCommand(e, t, ['CLIENT', 'TRACKING', 'off']);
    runCommand(e, t, ['CLIENT', 'TRACKING', 'on', 'OPTOUT']);
    runCommand(e, t, ['CLIENT', 'CACHING', 'no']);
    runCommand(e, t, ['GET', 'a']);
    runCommand(e, t, ['GET', 'b']);
    expect(repliesFor(runCommandEntries(e, w, ['MSET', 'a', '2', 'b', '2']), t)).toBe(inv('b'));
  });

  it('BCAST: keys under a prefix are sent to the client at the end of the write', () => {
    const { e, t, w } = pair();
    expect(runCommand(e, t, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:'])).toBe('+OK\r\n');
    expect(repliesFor(runCommandEntries(e, w, ['MSET', 'user:1', 'a', 'x', 'b', 'user:2', 'c']), t)).toBe(inv('user:1', 'user:2'));
    expect(repliesFor(runCommandEntries(e, w, ['SET', 'x', 'a']), t)).toBe('');
    expect(runCommand(e, t, ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'use'])).toBe(
      "-ERR Prefix 'use' overlaps with an existing prefix 'user:'. Prefixes for a single client must not overlap.\r\n",
    );
  });

  it('RESP2 redirect: a message on __redis__:invalidate to the subscribed client', () => {
    const e = newEngine();
    const t = openClient(e);
    const r = openClient(e);
    runCommand(e, r, ['SUBSCRIBE', '__redis__:invalidate']);
    expect(runCommand(e, t, ['CLIENT', 'TRACKING', 'on', 'REDIRECT', String(r)])).toBe('+OK\r\n');
    expect(runCommand(e, t, ['CLIENT', 'GETREDIR'])).toBe(`:${r}\r\n`);
    runCommand(e, t, ['GET', 'k']);
    const entries = runCommandEntries(e, t, ['SET', 'k', 'v']);
    expect(repliesFor(entries, r)).toBe(`*3\r\n${bulk('message')}${bulk('__redis__:invalidate')}*1\r\n${bulk('k')}`);
    expect(repliesFor(runCommandEntries(e, t, ['FLUSHALL']), r)).toBe(`*3\r\n${bulk('message')}${bulk('__redis__:invalidate')}$-1\r\n`);
    // The redirect target goes away: the tracking client is marked broken (R flag).
    e.closeClient(r);
    runCommand(e, t, ['GET', 'k']);
    runCommand(e, t, ['SET', 'k', 'w']);
    expect(runCommand(e, t, ['CLIENT', 'TRACKINGINFO'])).toContain(bulk('broken_redirect'));
    expect(runCommand(e, t, ['CLIENT', 'INFO'])).toContain(' flags=tR ');
  });

  it('FLUSHALL sends a null invalidation to every tracking client; RESET stops tracking', () => {
    const { e, t, w } = pair();
    runCommand(e, t, ['CLIENT', 'TRACKING', 'on']);
    expect(repliesFor(runCommandEntries(e, w, ['FLUSHALL']), t)).toBe(`>2\r\n${bulk('invalidate')}_\r\n`);
    runCommand(e, t, ['RESET']);
    expect(runCommand(e, t, ['CLIENT', 'GETREDIR'])).toBe(':-1\r\n');
    runCommand(e, t, ['GET', 'k']);
    expect(repliesFor(runCommandEntries(e, w, ['SET', 'k', 'v']), t)).toBe('');
  });
});
