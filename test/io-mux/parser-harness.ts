// Test helpers (test process): run the io-mux's RequestParser over chunks and collect
// what it delivers as plain values, and a reference built on redis-parser (the npm RESP
// reply parser) that applies Redis's request rules on top: a request is an array of
// bulk strings; empty and null arrays are skipped; anything else is a protocol error.

import RedisParser from 'redis-parser';
import { ParseStatus, RequestParser, defaultParserLimits, type ParserLimits } from '../../src/io-mux/resp-parser.js';

/** The parser tests' requests: the harness's one RESP encoder (test/support/resp-conn.ts). */
export { encodeCommand } from '../support/resp-conn.js';

export interface ParseOutcome {
  commands: string[][];
  /** The protocol error text, '' if none. */
  error: string;
}

/** Arguments shown as hex so any byte compares exactly and prints readably. */
function show(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function runOurs(chunks: readonly Buffer[], limits: ParserLimits = defaultParserLimits, unauthenticated = false): ParseOutcome {
  const commands: string[][] = [];
  const parser = new RequestParser(
    {
      command(src, starts, ends, argc) {
        const argv: string[] = [];
        for (let i = 0; i < argc; i++) argv.push(show(src.subarray(starts[i]!, ends[i]!)));
        commands.push(argv);
      },
      inline(argv) {
        commands.push(argv.map(show));
      },
    },
    limits,
  );
  parser.unauthenticated = unauthenticated;
  for (const chunk of chunks) {
    const status = parser.feed(chunk);
    if (status === ParseStatus.error) return { commands, error: parser.errorText };
    if (status === ParseStatus.queryBufferFull) return { commands, error: '<query buffer full>' };
  }
  return { commands, error: '' };
}

/** The reference: redis-parser over the whole input, with Redis's request rules. */
export function runReference(input: Buffer): { commands: string[][]; bad: boolean } {
  const commands: string[][] = [];
  let bad = false;
  const parser = new RedisParser({
    returnBuffers: true,
    returnReply(reply: unknown) {
      if (bad || reply === null) return;
      if (Array.isArray(reply) && reply.every((a) => Buffer.isBuffer(a))) {
        if (reply.length > 0) commands.push((reply as Buffer[]).map(show));
      } else {
        bad = true;
      }
    },
    returnError() {
      bad = true;
    },
    returnFatalError() {
      bad = true;
    },
  });
  try {
    parser.execute(input);
  } catch {
    // redis-parser can throw on garbage (e.g. RangeError for a huge array length after a
    // mutated header): the reference rejected the input, after the commands it returned.
    bad = true;
  }
  return { commands, bad };
}

/** Splits `input` at the given cut points (sorted, deduplicated inside). */
export function splitAt(input: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < input.length))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const c of points) {
    chunks.push(input.subarray(prev, c));
    prev = c;
  }
  chunks.push(input.subarray(prev));
  return chunks;
}

export function hexArgv(argv: readonly string[]): string[] {
  return argv.map((a) => Buffer.from(a, 'latin1').toString('hex'));
}
