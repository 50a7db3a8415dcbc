// The wire buffers' map anchors (wireBufferMapAnchors in src/journal/wire/wire-buffer.ts):
// WireReader and WireWriter instances live for one message, and when a garbage
// collection finds none alive V8 may free their maps and throw away every optimized
// function that embedded one (deopt reason "weak objects"), to recompile it later: on a
// log node that churn recurred after every major GC. This runs the codec in a child
// process in bursts separated by forced GCs (as a log node between appends) and checks
// that no wire function is deoptimized for that reason. Fails without the anchors.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const codec = fileURLToPath(new URL('../../../src/journal/wire/codec.ts', import.meta.url));

const script = `
const { encodeMessage, decodeMessage } = await import(${JSON.stringify(codec)});
const payload = new Uint8Array(100).fill(7);
let sum = 0;
for (let round = 0; round < 20; round++) {
  for (let i = 0; i < 5000; i++) {
    const entries = [1, 2].map((k) => ({ index: i * 2 + k, term: 3, type: 2, engineVersion: 1, writerId: 9, writerSeq: i, payload }));
    const frame = encodeMessage({ kind: 'appendEntries', term: 3, leaderId: 1, prevLogIndex: i * 2, prevLogTerm: 3, entries, leaderCommit: i, probe: 1, trimBeforeId: 0 });
    sum += decodeMessage(frame).entries.length;
  }
  for (let g = 0; g < 3; g++) globalThis.gc();
}
console.log('decoded', sum);
`;

describe('wire buffer map anchors', () => {
  it('keeps the optimized codec across garbage collections (no "weak objects" deopts)', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--trace-deopt', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`decoded ${20 * 5000 * 2}`);
    // The lines V8 prints when a GC invalidates optimized code: none may name a wire function.
    const wireFunctions = /SharedFunctionInfo (u8|u16|u32|u64|bool|need|room|bytes|blob|text|finish|patchU32|readEntry|writeEntry|readEntries|writeEntries|encodeMessage|decodeMessage|WireReader|WireWriter)>/;
    const weak = run.stdout.split('\n').filter((line) => line.includes('reason: weak objects') && wireFunctions.test(line));
    expect(weak).toEqual([]);
  });
});
