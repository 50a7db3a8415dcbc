// Unit tests of the io-mux request parser (in-process): RESP multibulk fast path, inline
// commands, chunk boundaries, and every protocol error with Redis 7.0's exact text.

import { describe, expect, it } from 'vitest';
import { ParseStatus, RequestParser, defaultParserLimits, string2ll } from '../../src/io-mux/resp-parser.js';
import { encodeCommand, hexArgv, runOurs, splitAt } from './parser-harness.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('multibulk', () => {
  it('parses a pipeline inside one chunk as views of that chunk', () => {
    const input = Buffer.concat([encodeCommand(['SET', 'k', 'v']), encodeCommand(['GET', 'k'])]);
    const seen: Buffer[] = [];
    const parser = new RequestParser({
      command(src) {
        seen.push(src);
      },
      inline() {
        throw new Error('no inline expected');
      },
    });
    expect(parser.feed(input)).toBe(ParseStatus.more);
    // Zero copy: both commands were handed over as offsets into the chunk itself.
    expect(seen).toEqual([input, input]);
    expect(seen[0]).toBe(input);
    expect(parser.pendingBytes).toBe(0);
  });

  it('gives the same commands for every split of the input', () => {
    const input = Buffer.concat([encodeCommand(['SET', 'key', 'a\r\nb']), encodeCommand(['PING']), encodeCommand(['ECHO', ''])]);
    const whole = runOurs([input]);
    expect(whole.commands).toEqual([hexArgv(['SET', 'key', 'a\r\nb']), hexArgv(['PING']), hexArgv(['ECHO', ''])]);
    for (let i = 1; i < input.length; i++) {
      for (const j of [i + 1, i + 7, input.length - 1]) {
        expect(runOurs(splitAt(input, [i, j]))).toEqual(whole);
      }
    }
  });

  it('skips *0 and *-1 as Redis does', () => {
    expect(runOurs([b('*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n')]).commands).toEqual([hexArgv(['PING'])]);
  });

  it('carries a big bulk across many chunks', () => {
    const value = Buffer.alloc(300_000, 0x61);
    const input = encodeCommand(['SET', 'k', value]);
    const chunks: Buffer[] = [];
    for (let o = 0; o < input.length; o += 65_536) chunks.push(input.subarray(o, o + 65_536));
    const out = runOurs(chunks);
    expect(out.error).toBe('');
    expect(out.commands.length).toBe(1);
    expect(out.commands[0]![2]).toBe(value.toString('hex'));
  });

  it('does not check the two bytes after a bulk (Redis skips them)', () => {
    expect(runOurs([b('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n')]).commands).toEqual([hexArgv(['PING']), hexArgv(['PING'])]);
  });

  it('waits when a NUL precedes the header CR, as strchr makes Redis wait', () => {
    expect(runOurs([b('*1\0\r\n$4\r\nPING\r\n')])).toEqual({ commands: [], error: '' });
  });
});

describe('protocol errors (Redis 7.0 texts)', () => {
  const cases: [string, string][] = [
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*01\r\n', 'Protocol error: invalid multibulk length'],
    ['*+1\r\n', 'Protocol error: invalid multibulk length'],
    ['*3000000000\r\n', 'Protocol error: invalid multibulk length'],
    ['*99999999999999999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$x\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n:1\r\n', "Protocol error: expected '$', got ':'"],
    ['*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n', "Protocol error: expected '$', got 'f'"],
    ['SET "a\r\n', 'Protocol error: unbalanced quotes in request'],
    ['SET "a"b\r\n', 'Protocol error: unbalanced quotes in request'],
    ["SET 'a\r\n", 'Protocol error: unbalanced quotes in request'],
  ];
  for (const [input, error] of cases) {
    it(`${JSON.stringify(input)} -> ${error}`, () => {
      expect(runOurs([b(input)]).error).toBe(error);
    });
  }

  it('delivers the commands before the bad bytes', () => {
    const out = runOurs([b('*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$x\r\n*1\r\n$4\r\nPING\r\n')]);
    expect(out).toEqual({ commands: [hexArgv(['PING']), hexArgv(['PING'])], error: 'Protocol error: invalid bulk length' });
  });

  it('too big inline request / mbulk count / bulk count strings', () => {
    const big = 'a'.repeat(defaultParserLimits.inlineBytesMax + 1);
    expect(runOurs([b(big)]).error).toBe('Protocol error: too big inline request');
    expect(runOurs([b(`*1${big}`)]).error).toBe('Protocol error: too big mbulk count string');
    expect(runOurs([b(`*1\r\n$1${big}`)]).error).toBe('Protocol error: too big bulk count string');
    // Just under the limit: still waiting, no error.
    expect(runOurs([b(big.slice(2))]).error).toBe('');
  });

  it('unauthenticated limits', () => {
    const argv11 = encodeCommand(Array.from({ length: 11 }, () => 'a'));
    expect(runOurs([argv11], defaultParserLimits, true).error).toBe('Protocol error: unauthenticated multibulk length');
    expect(runOurs([argv11], defaultParserLimits, false).error).toBe('');
    const bulk = encodeCommand(['AUTH', Buffer.alloc(16_385, 0x61)]);
    expect(runOurs([bulk], defaultParserLimits, true).error).toBe('Protocol error: unauthenticated bulk length');
    expect(runOurs([encodeCommand(['AUTH', Buffer.alloc(16_384, 0x61)])], defaultParserLimits, true).error).toBe('');
  });

  it('closes on a full query buffer without an error text', () => {
    const limits = { ...defaultParserLimits, queryBufferBytesMax: 1000 };
    const out = runOurs([b('*1\r\n$5000\r\n'), Buffer.alloc(600), Buffer.alloc(600)], limits);
    expect(out.error).toBe('<query buffer full>');
  });
});

describe('inline commands', () => {
  const cases: [string, string[]][] = [
    ['PING\r\n', ['PING']],
    ['PING\n', ['PING']],
    ['  SET   a  b \r\n', ['SET', 'a', 'b']],
    ['SET "a b" \'c d\'\r\n', ['SET', 'a b', 'c d']],
    ['ECHO "\\x41\\n\\t\\"\\\\"\r\n', ['ECHO', 'A\n\t"\\']],
    ["ECHO 'it\\'s'\r\n", ['ECHO', "it's"]],
    ['ECHO ""\r\n', ['ECHO', '']],
    ['ECHO a\0b c\r\n', []], // NUL before '\n': Redis's strchr never finds the line end
  ];
  for (const [input, argv] of cases) {
    it(JSON.stringify(input), () => {
      const out = runOurs([b(input)]);
      expect(out.error).toBe('');
      expect(out.commands).toEqual(argv.length === 0 ? [] : [hexArgv(argv)]);
    });
  }

  it('ignores empty lines', () => {
    expect(runOurs([b('\r\n\n  \r\nPING\r\n')]).commands).toEqual([hexArgv(['PING'])]);
  });

  it('mixes inline and multibulk on one connection', () => {
    expect(runOurs([b('PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO x\r\n')]).commands).toEqual([
      hexArgv(['PING']),
      hexArgv(['ECHO', 'hi']),
      hexArgv(['ECHO', 'x']),
    ]);
  });
});

describe('holdAfterCommand', () => {
  it('delivers one command per resume', () => {
    const got: number[] = [];
    const parser = new RequestParser({
      command(_src, _s, _e, argc) {
        got.push(argc);
      },
      inline(argv) {
        got.push(argv.length);
      },
    });
    parser.holdAfterCommand = true;
    expect(parser.feed(b('*1\r\n$4\r\nPING\r\nECHO a\r\n*2\r\n$1\r\na\r\n$1\r\nb'))).toBe(ParseStatus.held);
    expect(got).toEqual([1]);
    expect(parser.resume()).toBe(ParseStatus.held);
    expect(got).toEqual([1, 2]);
    expect(parser.resume()).toBe(ParseStatus.more); // the third is incomplete
    expect(parser.feed(b('\r\n'))).toBe(ParseStatus.held);
    expect(got).toEqual([1, 2, 2]);
  });
});

describe('string2ll', () => {
  const n = (s: string): number => string2ll(b(s), 0, s.length);
  it('follows Redis util.c', () => {
    expect(n('0')).toBe(0);
    expect(n('-1')).toBe(-1);
    expect(n('123')).toBe(123);
    // int64 edges are accepted (beyond 2^53 the value is approximate, as documented).
    expect(n('9223372036854775807')).toBeGreaterThan(9.2e18);
    expect(n('-9223372036854775808')).toBeLessThan(-9.2e18);
    for (const bad of ['', '-', '+1', '01', '-0', '1a', ' 1', '9223372036854775808', '-9223372036854775809']) {
      expect(n(bad), bad).toBeNaN();
    }
  });
});

describe('header edge cases (as Redis 7.0)', () => {
  it("a CR or LF in place of '$': the error shows it as a space, as Redis does", () => {
    expect(runOurs([Buffer.from('*1\r\n\r\n', 'latin1')]).error).toBe("Protocol error: expected '$', got ' '");
    expect(runOurs([Buffer.from('*1\r\n\n\r\n', 'latin1')]).error).toBe("Protocol error: expected '$', got ' '");
  });
  it('a NUL in place of $ makes Redis wait', () => {
    expect(runOurs([Buffer.from('*1\r\n\0\r\n', 'latin1')])).toEqual({ commands: [], error: '' });
  });
});

describe('plain requests (the one-pass path) and the checked path agree', () => {
  // Unauthenticated parsing never takes the one-pass path (plainMultibulk), so within
  // the unauthenticated limits it is the checked path's answer to compare against.
  const inputs = [
    '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n',
    '*1\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n',
    '*1\r\n$00\r\n\r\n',
    '*1\r\n$05\r\nhello\r\n',
    '*01\r\n$4\r\nPING\r\n',
    '*1\r\n$-1\r\n',
    '*1\r\n$+4\r\nPING\r\n',
    '*1\r\n$4 \r\nPING\r\n',
    '*1\r\n$ 4\r\nPING\r\n',
    '*1 \r\n$4\r\nPING\r\n',
    '*1\rX$4\rXPINGxx*1\r\n$4\r\nPING\r\n',
    '*1\r\n$4\r\nPIN',
    '*2\r\n$3\r\nGET\r\n',
    '*1\r\n$1\0\r\nx\r\n',
    '*1\r\n#4\r\nPING\r\n',
    '*1\r\n$\r\n\r\n',
    '*\r\n$4\r\nPING\r\n',
    '*10\r\n' + '$1\r\na\r\n'.repeat(10),
    '*2\r\n$3\r\nSET\r\n$99999999999999999999\r\n',
  ];
  for (const input of inputs) {
    it(JSON.stringify(input), () => {
      const bytes = b(input);
      const checked = runOurs([bytes], defaultParserLimits, true);
      expect(runOurs([bytes])).toEqual(checked);
      // Split anywhere, the one-pass path sees incomplete requests and must leave them.
      for (let i = 1; i < bytes.length; i++) expect(runOurs(splitAt(bytes, [i]))).toEqual(checked);
    });
  }

  it('more arguments than the offsets arrays hold at first (they grow)', () => {
    const argv = Array.from({ length: 40 }, (_, i) => `a${i}`);
    expect(runOurs([encodeCommand(argv)]).commands).toEqual([hexArgv(argv)]);
  });

  it('lowered limits still give their errors', () => {
    const limits = { ...defaultParserLimits, multibulkCountMax: 2, bulkBytesMax: 3 };
    expect(runOurs([b('*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n')], limits).error).toBe('Protocol error: invalid multibulk length');
    expect(runOurs([b('*2\r\n$3\r\nGET\r\n$4\r\nkey1\r\n')], limits).error).toBe('Protocol error: invalid bulk length');
    expect(runOurs([b('*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n')], limits).commands).toEqual([hexArgv(['GET', 'key'])]);
  });
});
