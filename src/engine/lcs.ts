// Longest common subsequence of two byte strings, as Redis 7.0's LCS command computes
// it (t_string.c lcsCommand), apart from its reply (engine worker; pure).
//
// The classic dynamic-programming table LCS[i][j] = length of the LCS of a[0..i) and
// b[0..j), stored flat in one Uint32Array of (alen+1)*(blen+1) cells, then one walk
// back from (alen, blen) that rebuilds the subsequence and, as it goes, the matching
// ranges from the END of the strings towards their start, exactly in Redis's order
// and with Redis's tie-break (go up, i--, only when LCS[i-1][j] > LCS[i][j-1]).
//
// Invariants: a range is [start, end] inclusive in both strings with equal lengths;
// ranges are emitted in decreasing position order; `length` === subsequence length.

export interface LcsRange {
  readonly aStart: number;
  readonly aEnd: number;
  readonly bStart: number;
  readonly bEnd: number;
}

export interface LcsResult {
  readonly length: number;
  /** The subsequence itself (latin1), or '' when not asked for. */
  readonly subsequence: string;
  /** Matching ranges at least `minMatchLen` long, in Redis's order. */
  readonly ranges: LcsRange[];
}

/** Bytes the table needs; the caller refuses above proto-max-bulk-len, as Redis does. */
export function lcsTableBytes(alen: number, blen: number): number {
  return (alen + 1) * (blen + 1) * 4;
}

/**
 * Computes the LCS of `a` and `b` (latin1 strings). With `walk` false only the length
 * is computed (LCS ... LEN); else the subsequence and the ranges too.
 */
export function computeLcs(a: string, b: string, walk: boolean, minMatchLen: number): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const t = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) {
        t[row + j] = t[prev + j - 1]! + 1;
      } else {
        const up = t[prev + j]!;
        const left = t[row + j - 1]!;
        t[row + j] = up > left ? up : left;
      }
    }
  }
  const length = t[alen * w + blen]!;
  const ranges: LcsRange[] = [];
  if (!walk) return { length, subsequence: '', ranges };

  const out = new Array<string>(length);
  let idx = length;
  // aStart === alen means "no range open", as in Redis.
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = t[(i - 1) * w + j]!;
      const left = t[i * w + j - 1]!;
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push({ aStart, aEnd, bStart, bEnd });
      aStart = alen;
    }
  }
  return { length, subsequence: out.join(''), ranges };
}
