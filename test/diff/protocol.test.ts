// Differential tests of the wire protocol (issue 2 point 3): RESP multibulk requests
// split and pipelined every way, inline commands as telnet and redis-cli send them
// (quotes, escapes, blank lines), and malformed input: Redis answers
// `-ERR Protocol error: ...` and closes that connection, and only that one. The same raw
// bytes go to redis-server and KeelDB; replies and the closing are compared exactly.

import { describe } from 'vitest';
import { hello } from '../support/comparators.js';
import { diffCase, usePair, type DiffCase } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';
import { encodeCommand } from '../support/resp-conn.js';

/** Writes `data` to both servers a few bytes at a time, yielding between writes. */
async function dribble(c: DiffCase, data: Buffer, step: number, conn = 0): Promise<void> {
  for (let i = 0; i < data.length; i += step) {
    for (const side of ['redis', 'subject'] as const) c.conn(side, conn)?.write(data.subarray(i, i + step));
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Sends a malformed request: compares the error, then checks both servers closed. */
async function protocolError(c: DiffCase, data: string | Buffer): Promise<void> {
  await c.raw(data, 1);
  await c.expectClosed();
}

describeWithOracle('diff: protocol', () => {
  const pair = usePair();
  const body = (name: string, f: (c: DiffCase) => Promise<void>, conns = 1): void => diffCase(pair, name, f, { conns });

  describe('well-formed RESP', () => {
    body('pipelined commands in one write', async (c) => {
      const data = Buffer.concat([encodeCommand(['SET', 'a', '1']), encodeCommand(['INCR', 'a']), encodeCommand(['GET', 'a']), encodeCommand(['PING'])]);
      await c.raw(data, 4);
    });
    body('a thousand pipelined commands', async (c) => {
      const data = Buffer.concat(Array.from({ length: 1000 }, (_, i) => encodeCommand(['INCR', `k${i % 10}`])));
      await c.raw(data, 1000);
      await c.cmd(['MGET', 'k0', 'k9']);
    });
    body('a request split into single bytes', async (c) => {
      await dribble(c, Buffer.concat([encodeCommand(['SET', 'split', 'value']), encodeCommand(['GET', 'split'])]), 1);
      await c.raw('', 2);
    });
    body('a request split at every boundary kind', async (c) => {
      const data = Buffer.concat([encodeCommand(['SET', 'k', 'x'.repeat(100)]), encodeCommand(['STRLEN', 'k'])]);
      await dribble(c, data, 7);
      await c.raw('', 2);
    });
    body('a 1 MiB argument arriving in pieces', async (c) => {
      await dribble(c, encodeCommand(['SET', 'big', Buffer.alloc(1 << 20, 'z')]), 64 * 1024);
      await c.raw('', 1);
      await c.cmd(['STRLEN', 'big']);
    });
    body('a 5 MiB request and reply (larger than a ring record)', async (c) => {
      // ringRecordBytesMax is 4 MiB: this request and its reply take the jumbo path.
      const big = Buffer.alloc(5 << 20, 'j');
      big.write('start', 0);
      big.write('end', big.length - 3);
      await c.cmd(['SET', 'jumbo', big], { timeoutMs: 20_000 });
      await c.cmd(['STRLEN', 'jumbo']);
      await c.cmd(['GET', 'jumbo'], { timeoutMs: 20_000 });
      await c.raw(Buffer.concat([encodeCommand(['PING']), encodeCommand(['GET', 'jumbo']), encodeCommand(['ECHO', 'after'])]), 3, { timeoutMs: 20_000 });
      await c.cmd(['DEL', 'jumbo']);
    });
    body('many connections pipelining at once keep their own order', async (c) => {
      const connCount = 12;
      const perConn = 60;
      while (c.redisConns.length < connCount) await c.connect();
      // Every connection pipelines at the same moment, so one event-loop turn holds
      // requests of many connections (one batch): each must get its own replies, in order.
      const work = Array.from({ length: connCount }, (_, i) =>
        c.raw(
          Buffer.concat(
            Array.from({ length: perConn }, (_, n) =>
              encodeCommand(n % 3 === 2 ? ['GET', `own:${i}`] : n % 3 === 1 ? ['INCR', `own:${i}`] : ['APPEND', `log:${i}`, `${n},`]),
            ),
          ),
          perConn,
          { conn: i },
        ),
      );
      await Promise.all(work);
      await c.cmd(['MGET', ...Array.from({ length: connCount }, (_, i) => `own:${i}`)]);
      await c.cmd(['GET', 'log:0']);
    });
    body('a command with 20000 arguments and a reply with 10000 elements', async (c) => {
      const args: string[] = ['MSET'];
      for (let i = 0; i < 10_000; i++) args.push(`many:${i}`, `v${i}`);
      await c.cmd(args, { timeoutMs: 20_000 });
      await c.cmd(['DBSIZE']);
      await c.cmd(['MGET', ...Array.from({ length: 10_000 }, (_, i) => `many:${i}`)], { timeoutMs: 20_000 });
      await c.cmd(['DEL', ...Array.from({ length: 10_000 }, (_, i) => `many:${i}`)], { timeoutMs: 20_000 });
    });
    body('ten thousand pipelined SETs in one write (several batches)', async (c) => {
      const value = 'v'.repeat(200);
      const data = Buffer.concat(Array.from({ length: 10_000 }, (_, i) => encodeCommand(['SET', `p:${i % 500}`, `${i}:${value}`])));
      await c.raw(data, 10_000, { timeoutMs: 20_000 });
      await c.cmd(['GET', 'p:499']);
      await c.cmd(['DBSIZE']);
    });
    body('a client that does not read for a while still gets every reply, in order', async (c) => {
      await c.cmd(['SET', 'mb', Buffer.alloc(1 << 20, 'm')]);
      // 30 MiB of replies pile up while the client reads nothing (past the 16 MiB
      // pause threshold, below the hard limit), then are read in order.
      const data = Buffer.concat(Array.from({ length: 30 }, (_, i) => encodeCommand(i % 10 === 9 ? ['ECHO', `mark${i}`] : ['GET', 'mb'])));
      for (const side of ['redis', 'subject'] as const) c.conn(side)?.write(data);
      await new Promise((r) => setTimeout(r, 1_000));
      await c.raw('', 30, { timeoutMs: 20_000 });
      await c.cmd(['PING']);
    });
    body('empty and null multibulk headers get no reply', async (c) => {
      await c.raw('*0\r\n*-1\r\n*-5\r\n', 0);
      await c.cmd(['PING']);
    });
    body('a request without its final CRLF waits for it', async (c) => {
      await c.raw('*1\r\n$4\r\nPING', 0);
      await c.expectQuiet();
      await c.raw('\r\n', 1);
      await c.raw('*2\r\n$4\r\nECHO\r\n$5\r\nhel', 0);
      await c.expectQuiet();
      await c.raw('lo\r\n', 1);
    });
    body('binary-safe arguments', async (c) => {
      const key = Buffer.from([0, 1, 0xfe, 0xff, 13, 10, 32]);
      await c.cmd(['SET', key, Buffer.from('\r\n$5\r\n*1\r\n')]);
      await c.cmd(['GET', key]);
      await c.cmd(['EXISTS', key]);
    });
    body('a bulk longer than announced: the extra bytes start the next request', async (c) => {
      await c.raw('*1\r\n$3\r\nPINGX\r\n', 1);
      await c.cmd(['PING']);
    });
    body('bulk length at the proto-max-bulk-len limit is accepted (then waits)', async (c) => {
      await c.raw('*2\r\n$4\r\nECHO\r\n$536870912\r\nabc', 0);
      await c.expectQuiet();
    });
  });

  describe('inline commands', () => {
    body('inline basics', async (c) => {
      await c.raw('PING\r\n', 1);
      await c.raw('PING\n', 1);
      await c.raw('SET a b\r\nGET a\r\n', 2);
      await c.raw('   ECHO    spaced   \r\n', 1);
      await c.raw('\r\n\r\n\n', 0);
      await c.raw('ping\r\n', 1);
      await c.raw('INCR counter\r\nINCR counter\r\n', 2);
      await c.raw('GET\r\n', 1);
      await c.raw('NOSUCHCOMMAND a b\r\n', 1);
    });
    body('inline quoting and escapes', async (c) => {
      await c.raw('SET "a key" \'a value\'\r\n', 1);
      await c.raw('GET "a key"\r\n', 1);
      await c.raw('ECHO "tab\\there"\r\n', 1);
      await c.raw('ECHO "hex\\x41\\x4a"\r\n', 1);
      await c.raw('ECHO "nl\\nq\\"x"\r\n', 1);
      await c.raw("ECHO 'single \\' quote'\r\n", 1);
      await c.raw('ECHO ""\r\n', 1);
      await c.raw('ECHO "a"b\r\n', 1);
      await c.raw('ECHO \'a\'b\r\n', 1);
    });
    body('inline HELLO 3 switches the protocol', async (c) => {
      await c.raw('HELLO 3\r\n', 1, { cmp: hello });
      await c.raw('GET missing\r\n', 1);
    });
    body('inline unbalanced quotes', async (c) => {
      await protocolError(c, 'SET "a b\r\n');
    });
    body('inline unbalanced single quote', async (c) => {
      await protocolError(c, "ECHO 'abc\r\n");
    });
    body('inline request too big', async (c) => {
      await protocolError(c, 'SET k ' + 'x'.repeat(70 * 1024));
    });
  });

  describe('malformed RESP closes the connection', () => {
    body('invalid multibulk length', async (c) => {
      await protocolError(c, '*abc\r\n');
    });
    body('multibulk length beyond the limit', async (c) => {
      await protocolError(c, '*2147483648\r\n');
    });
    body('expected $', async (c) => {
      await protocolError(c, '*1\r\nfoo\r\n');
    });
    body('invalid bulk length', async (c) => {
      await protocolError(c, '*1\r\n$abc\r\n');
    });
    body('negative bulk length', async (c) => {
      await protocolError(c, '*1\r\n$-1\r\n');
    });
    body('bulk length above proto-max-bulk-len', async (c) => {
      await protocolError(c, '*1\r\n$536870913\r\n');
    });
    body('multibulk count line too long', async (c) => {
      await protocolError(c, '*' + '1'.repeat(70 * 1024));
    });
    body('bulk count line too long', async (c) => {
      await protocolError(c, '*1\r\n$' + '1'.repeat(70 * 1024));
    });
    body('replies before the bad request are still sent', async (c) => {
      await c.raw('PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n', 2);
      await c.expectClosed();
    });
    body('other connections are unaffected', async (c) => {
      await c.cmd(['SET', 'survivor', 'yes'], { conn: 1 });
      await c.raw('*1\r\n$zz\r\n', 1);
      await c.expectClosed();
      await c.cmd(['GET', 'survivor'], { conn: 1 });
      await c.raw('PING\r\n', 1, { conn: 1 });
    }, 2);
  });
});
