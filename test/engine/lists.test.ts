// List commands through a real Engine (src/engine/commands/lists.ts): what the
// differential tests cannot see from outside — COPY makes an independent list, an
// emptied list is deleted and signalled (WATCH), DUMP/RESTORE round trips in-process,
// and the effects logged for LMPOP.

import { describe, expect, test } from 'vitest';
import { crc64 } from '../../src/engine/crc64.js';
import { rdbVersion } from '../../src/engine/dump.js';
import { newEngine, openClient, resp, runCommand } from './support/run.js';

describe('list commands in the engine', () => {
  test('COPY gives an independent list; TYPE and OBJECT ENCODING', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['RPUSH', 'a', '1', '2']);
    expect(runCommand(e, c, ['COPY', 'a', 'b'])).toBe(resp.int(1));
    runCommand(e, c, ['RPUSH', 'b', '3']);
    expect(runCommand(e, c, ['LLEN', 'a'])).toBe(resp.int(2));
    expect(runCommand(e, c, ['LLEN', 'b'])).toBe(resp.int(3));
    expect(runCommand(e, c, ['TYPE', 'a'])).toBe(resp.status('list'));
    expect(runCommand(e, c, ['OBJECT', 'ENCODING', 'a'])).toBe(resp.bulk('quicklist'));
  });

  test('a list emptied by a pop is deleted, and a WATCHing client sees the change', () => {
    const e = newEngine();
    const [c, w] = [openClient(e), openClient(e)];
    runCommand(e, c, ['RPUSH', 'l', 'x']);
    runCommand(e, w, ['WATCH', 'l']);
    runCommand(e, c, ['RPOP', 'l']);
    expect(runCommand(e, c, ['EXISTS', 'l'])).toBe(resp.int(0));
    runCommand(e, w, ['MULTI']);
    runCommand(e, w, ['PING']);
    expect(runCommand(e, w, ['EXEC'])).toBe(resp.nilArray);
  });

  test('DUMP and RESTORE round trip a long list across listpack nodes', () => {
    const e = newEngine();
    const c = openClient(e);
    const values = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? String(i - 1500) : `v${i}`.repeat(1 + (i % 4))));
    runCommand(e, c, ['RPUSH', 'l', ...values]);
    const dump = runCommand(e, c, ['DUMP', 'l']);
    const payload = Buffer.from(dump.slice(dump.indexOf('\n') + 1, -2), 'latin1');
    expect(runCommand(e, c, ['RESTORE', 'm', '0', payload])).toBe(resp.ok);
    expect(runCommand(e, c, ['LRANGE', 'm', '0', '-1'])).toBe(runCommand(e, c, ['LRANGE', 'l', '0', '-1']));
    expect(runCommand(e, c, ['DUMP', 'm'])).toBe(dump);
  });

  test('RESTORE refuses a quicklist whose nodes are all empty (Redis: empty list), reads plain nodes', () => {
    const e = newEngine();
    const c = openClient(e);
    const payload = (body: number[]): Buffer => {
      const b = Buffer.alloc(body.length + 10);
      Buffer.from(body).copy(b);
      b.writeUInt16LE(rdbVersion, body.length);
      b.writeBigUInt64LE(crc64(b, 0n, 0, body.length + 2), body.length + 2);
      return b;
    };
    // type 18, one packed node holding an empty listpack (7 bytes: header + terminator).
    expect(runCommand(e, c, ['RESTORE', 'm', '0', payload([18, 1, 2, 7, 7, 0, 0, 0, 0, 0, 0xff])])).toBe(resp.err('ERR Bad data format'));
    // type 18, one plain node (container 1) holding 'hi', then a packed node with '7'.
    expect(runCommand(e, c, ['RESTORE', 'p', '0', payload([18, 2, 1, 2, 0x68, 0x69, 2, 9, 9, 0, 0, 0, 1, 0, 7, 1, 0xff])])).toBe(resp.ok);
    expect(runCommand(e, c, ['LRANGE', 'p', '0', '-1'])).toBe(resp.array(resp.bulk('hi'), resp.bulk('7')));
    // type 1 (a plain list of strings).
    expect(runCommand(e, c, ['RESTORE', 'q', '0', payload([1, 2, 1, 0x61, 0xc0, 5])])).toBe(resp.ok);
    expect(runCommand(e, c, ['LRANGE', 'q', '0', '-1'])).toBe(resp.array(resp.bulk('a'), resp.bulk('5')));
  });
});

describe('framed elements (RList keeps each element as its bulk reply)', () => {
  // Elements with CR, LF, '$', bytes >= 0x80, empty, and one past the 64 KiB frame scratch.
  const odd = ['', '\r\n', '$3\r\nabc\r\n', '\n', 'a\rb', '\u00ff\u0080\u0000', 'x'.repeat(70_000), '12', 'tail'];

  test('replies, LPOS, LREM, LINSERT and LMOVE see the exact bytes; LRANGE writes runs past 128 elements', () => {
    const e = newEngine();
    const c = openClient(e);
    const values: string[] = [];
    for (let i = 0; i < 300; i++) values.push(i % 10 === 9 ? `v${i}` : odd[i % 9]!);
    for (const v of values) runCommand(e, c, ['RPUSH', 'l', Buffer.from(v, 'latin1')]);
    expect(runCommand(e, c, ['LRANGE', 'l', '0', '-1'])).toBe(resp.array(...values.map(resp.bulk)));
    expect(runCommand(e, c, ['LRANGE', 'l', '5', '140'])).toBe(resp.array(...values.slice(5, 141).map(resp.bulk)));
    expect(runCommand(e, c, ['LINDEX', 'l', '6'])).toBe(resp.bulk(odd[6]!));
    expect(runCommand(e, c, ['LPOS', 'l', Buffer.from('\u00ff\u0080\u0000', 'latin1'), 'COUNT', '0'])).toBe(resp.array(...[5, 14, 23].concat(values.map((v, i) => [v, i] as const).filter(([v, i]) => v === odd[5] && i > 23).map(([, i]) => i)).map(resp.int)));
    expect(runCommand(e, c, ['LPOS', 'l', '$3'])).toBe(resp.nil);
    const model = values.filter((v) => v !== '\r\n');
    expect(runCommand(e, c, ['LREM', 'l', '0', '\r\n'])).toBe(resp.int(values.length - model.length));
    model.splice(model.indexOf('a\rb'), 0, 'new');
    expect(runCommand(e, c, ['LINSERT', 'l', 'BEFORE', 'a\rb', 'new'])).toBe(resp.int(model.length));
    expect(runCommand(e, c, ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'])).toBe(resp.bulk(model.shift()!));
    expect(runCommand(e, c, ['LPOP', 'm'])).toBe(resp.bulk(''));
    expect(runCommand(e, c, ['RPOP', 'l', '2'])).toBe(resp.array(resp.bulk(model.pop()!), resp.bulk(model.pop()!)));
    expect(runCommand(e, c, ['LRANGE', 'l', '0', '-1'])).toBe(resp.array(...model.map(resp.bulk)));
    expect(runCommand(e, c, ['LSET', 'l', '0', '$0\r\n'])).toBe(resp.ok);
    expect(runCommand(e, c, ['LPOP', 'l'])).toBe(resp.bulk('$0\r\n'));
  });
});

describe('integer arguments (string2ll rules, with a digits fast path)', () => {
  test('canonical integers only: no leading zero, no +, no -0, no spaces; ranges checked', () => {
    const e = newEngine();
    const c = openClient(e);
    runCommand(e, c, ['RPUSH', 'l', 'a', 'b', 'c']);
    const notInt = resp.err('ERR value is not an integer or out of range');
    for (const bad of ['-0', '00', '01', '+1', ' 1', '1 ', '1.0', '', '-', '1a', '99999999999999999999']) {
      expect(runCommand(e, c, ['LRANGE', 'l', bad, '1'])).toBe(notInt);
    }
    expect(runCommand(e, c, ['LRANGE', 'l', '0', '-1'])).toBe(resp.array(resp.bulk('a'), resp.bulk('b'), resp.bulk('c')));
    expect(runCommand(e, c, ['LRANGE', 'l', '-2', '999999999999999'])).toBe(resp.array(resp.bulk('b'), resp.bulk('c')));
    expect(runCommand(e, c, ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'])).toBe(resp.array(resp.bulk('a'), resp.bulk('b'), resp.bulk('c')));
    expect(runCommand(e, c, ['LPOP', 'l', '-1'])).toBe(resp.err('ERR value is out of range, must be positive'));
    expect(runCommand(e, c, ['LPOP', 'l', '0'])).toBe('*0\r\n');
    expect(runCommand(e, c, ['LINDEX', 'l', '-1'])).toBe(resp.bulk('c'));
  });
});
