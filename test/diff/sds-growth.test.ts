// Differential test (issue 6): MEMORY USAGE of strings grown in place follows sds.c's
// sizes, including the cap on `alloc` per header type (sdsTypeMaxSize: an sdshdr8 records
// at most 255 usable bytes whatever jemalloc's class gives it), which decides when the
// next APPEND reallocates.

import { diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

describeWithOracle('diff: sds growth across header types (MEMORY USAGE)', () => {
  const pair = usePair();
  const steps: (readonly string[])[] = [['FLUSHALL']];
  // Lengths chosen to cross 255 and 65535, where the header type and its cap change.
  for (const [start, appends] of [
    [100, [27, 100, 30, 200]],
    [10, [30, 200, 20]],
    [200, [60, 300]],
    [60000, [5000, 600, 70000]],
  ] as const) {
    const key = `s${start}`;
    steps.push(['SET', key, 'x'.repeat(start)], ['MEMORY', 'USAGE', key]);
    for (const n of appends) steps.push(['APPEND', key, 'y'.repeat(n)], ['MEMORY', 'USAGE', key], ['STRLEN', key]);
  }
  diffSeq(pair, 'APPEND growth from short, 8-bit and 16-bit headers', steps);

  // A SET value of 45..~200 bytes is trimmed (tryObjectEncoding gives back spare room
  // over a tenth of its length), so the first SETBIT or BITFIELD past its end grows it
  // greedily even where sdsnewlen's size class would have had room.
  const bitSteps: (readonly string[])[] = [['FLUSHALL']];
  for (const len of [45, 50, 60, 100]) {
    const key = `b${len}`;
    bitSteps.push(['SET', key, 'x'.repeat(len)], ['MEMORY', 'USAGE', key]);
    bitSteps.push(['SETBIT', key, String((len + 2) * 8), '1'], ['MEMORY', 'USAGE', key], ['STRLEN', key]);
    bitSteps.push(['BITFIELD', key, 'SET', 'u8', String((len + 20) * 8), '7'], ['MEMORY', 'USAGE', key]);
  }
  diffSeq(pair, 'SETBIT and BITFIELD growth from a trimmed SET value', bitSteps);
});
