// Fuzz test of the io-mux request parser against redis-parser (in-process, fast-check):
// random and mutated RESP request streams, split at random chunk boundaries, must give
// the same commands as the reference (redis-parser plus Redis's request rules, see
// parser-harness.ts), and a protocol error exactly where the reference stops accepting
// requests (a request that is not an array of bulk strings). Random garbage must never throw and must give
// the same outcome however it is split.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, runOurs, runReference, splitAt } from './parser-harness.js';

const arg = fc.oneof(
  { weight: 10, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 3, arbitrary: fc.constantFrom(...['GET', 'SET', '\r\n', '*1\r\n', '$3\r\n', ''].map((s) => new Uint8Array(Buffer.from(s)))) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 20_000 }) },
);
const command = fc.array(arg, { minLength: 1, maxLength: 6 });
const item = fc.oneof(
  { weight: 12, arbitrary: command.map((argv) => ({ argv })) },
  { weight: 1, arbitrary: fc.constantFrom('*0\r\n', '*-1\r\n').map((raw) => ({ raw })) },
);
const stream = fc.array(item, { minLength: 1, maxLength: 12 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

interface Encoded {
  input: Buffer;
  /** Offset of each bulk header's '$', with the index of the command it belongs to. */
  dollars: { at: number; commandIndex: number }[];
}

function encode(items: ({ argv: Uint8Array[] } | { raw: string })[]): Encoded {
  const parts: Buffer[] = [];
  const dollars: Encoded['dollars'] = [];
  let offset = 0;
  let commandIndex = 0;
  for (const it of items) {
    if ('raw' in it) {
      const b = Buffer.from(it.raw);
      parts.push(b);
      offset += b.length;
      continue;
    }
    const b = encodeCommand(it.argv.map((a) => Buffer.from(a)));
    // Walk the encoding to find the '$' of each argument header.
    let p = b.indexOf(10) + 1;
    for (const a of it.argv) {
      dollars.push({ at: offset + p, commandIndex });
      p = b.indexOf(10, p) + 1 + a.length + 2;
    }
    parts.push(b);
    offset += b.length;
    commandIndex++;
  }
  return { input: Buffer.concat(parts), dollars };
}

function scaledCuts(input: Buffer, raw: number[]): number[] {
  return raw.map((c) => c % (input.length + 1));
}

describe('request parser vs redis-parser', () => {
  it('valid streams: same commands for any split', () => {
    fc.assert(
      fc.property(stream, cuts, (items, rawCuts) => {
        const { input } = encode(items);
        const ref = runReference(input);
        expect(ref.bad).toBe(false);
        const ours = runOurs(splitAt(input, scaledCuts(input, rawCuts)));
        expect(ours).toEqual({ commands: ref.commands, error: '' });
      }),
      { numRuns: 400 },
    );
  });

  it('truncated streams: the complete commands, no error', () => {
    fc.assert(
      fc.property(stream, fc.nat(), cuts, (items, at, rawCuts) => {
        const full = encode(items).input;
        const input = full.subarray(0, at % (full.length + 1));
        const ref = runReference(input);
        const ours = runOurs(splitAt(input, scaledCuts(input, rawCuts)));
        expect(ours).toEqual({ commands: ref.commands, error: '' });
      }),
      { numRuns: 300 },
    );
  });

  it("a bulk header that is not '$': error at the same command, Redis's text", () => {
    fc.assert(
      fc.property(stream, fc.nat(), fc.constantFrom(':', '-', 'x', '!', '+'), cuts, (items, which, byte, rawCuts) => {
        const { input, dollars } = encode(items);
        fc.pre(dollars.length > 0);
        const target = dollars[which % dollars.length]!;
        const mutated = Buffer.from(input);
        mutated[target.at] = byte.charCodeAt(0);
        const ref = runReference(mutated);
        // Both agree on every command before the mutated one. redis-parser then reads what
        // follows the bad header as more reply values with lenient length parsing, so
        // where it resynchronises is its own business; it must not accept the original
        // command there. ('+' makes a simple string, which redis-parser takes as an
        // argument and Redis refuses: for it only our side is checked.)
        const ours = runOurs(splitAt(mutated, scaledCuts(mutated, rawCuts)));
        expect(ours).toEqual({ commands: ref.commands.slice(0, target.commandIndex), error: `Protocol error: expected '$', got '${byte}'` });
        expect(ref.commands.length).toBeGreaterThanOrEqual(target.commandIndex);
        if (byte !== '+' && ref.commands.length > target.commandIndex) {
          const original = runReference(input).commands[target.commandIndex];
          expect(ref.commands[target.commandIndex]).not.toEqual(original);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a null bulk ($-1) in a request: error at the same command', () => {
    fc.assert(
      fc.property(stream, fc.nat(), cuts, (items, which, rawCuts) => {
        const { input, dollars } = encode(items);
        fc.pre(dollars.length > 0);
        const target = dollars[which % dollars.length]!;
        // Replace "$<len>\r\n<bytes>\r\n" by "$-1\r\n".
        const headerEnd = input.indexOf(10, target.at) + 1;
        const len = Number(input.subarray(target.at + 1, headerEnd - 2).toString());
        const mutated = Buffer.concat([input.subarray(0, target.at), Buffer.from('$-1\r\n'), input.subarray(headerEnd + len + 2)]);
        const ref = runReference(mutated);
        expect(ref.bad).toBe(true);
        expect(ref.commands.length).toBe(target.commandIndex);
        const ours = runOurs(splitAt(mutated, scaledCuts(mutated, rawCuts)));
        expect(ours).toEqual({ commands: ref.commands, error: 'Protocol error: invalid bulk length' });
      }),
      { numRuns: 200 },
    );
  });

  it('garbage: never throws, and the outcome does not depend on the split', () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(fc.constantFrom('*', '$', '1', '2', '-', '\r', '\n', '\r\n', 'a', ' ', '"', "'", '\\', '\0', '0', '*2\r\n', '$1\r\n'), { maxLength: 60 }).map(
        (parts) => new Uint8Array(Buffer.from(parts.join(''), 'latin1')),
      ),
    );
    fc.assert(
      fc.property(stream, garbage, fc.nat(), cuts, (items, junk, at, rawCuts) => {
        const { input } = encode(items);
        const pos = at % (input.length + 1);
        const mutated = Buffer.concat([input.subarray(0, pos), Buffer.from(junk), input.subarray(pos)]);
        const whole = runOurs([mutated]);
        const split = runOurs(splitAt(mutated, scaledCuts(mutated, rawCuts)));
        expect(split).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });
});
