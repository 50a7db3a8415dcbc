// Lua 5.1's string escapes for fengari's Lua 5.3 lexer (engine worker thread; pure
// functions applied to a script's source before it is compiled, and to the compile
// error after). Redis's Lua 5.1 knows the escapes \a \b \f \n \r \t \v \\ \" \' \ddd
// and a backslash before a newline; any other escaped character stands for itself
// (llex.c read_string: "handles \\, \", \', and \?"), so "\x41" is "x41", "\z" is "z",
// "\u{48}" is "u{48}" and "\q" is "q", where 5.3 decodes the first three and refuses
// the last. The source is rewritten so that fengari sees what 5.1 would have read: the
// backslash of such an escape is dropped inside short strings (comments and long
// strings are copied as they are, since neither has escapes). Line numbers do not move.
// A decimal escape past 255 fails in both versions, with a different text and "near"
// (5.1 shows the string read so far, before the escape): lua51CompileError rewrites it.
//
// Invariant: a source without a backslash is returned as is (no copy).

const backslash = 0x5c;
/** After a backslash, what both versions read the same way (digits: \ddd). */
const keptEscapes = new Set([...'abfnrtv\\"\'\n\r0123456789'].map((c) => c.charCodeAt(0)));

/** The source with 5.1's meaning of every short-string escape (see the file comment). */
export function lua51Escapes(src: Buffer): Buffer {
  if (src.indexOf(backslash) < 0) return src;
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  let i = 0;
  const end = src.length;
  /** Copies src[i, j) and moves i to j. */
  const copyTo = (j: number): void => {
    n += src.copy(out, n, i, j);
    i = j;
  };
  while (i < end) {
    const c = src[i]!;
    if (c === 0x2d && src[i + 1] === 0x2d) {
      // A comment: long (--[==[ ... ]==]) or to the end of the line.
      const close = longBracketEnd(src, i + 2);
      if (close >= 0) copyTo(close);
      else {
        let j = i + 2;
        while (j < end && src[j] !== 0x0a && src[j] !== 0x0d) j++;
        copyTo(j);
      }
    } else if (c === 0x5b) {
      const close = longBracketEnd(src, i);
      copyTo(close >= 0 ? close : i + 1);
    } else if (c === 0x22 || c === 0x27) {
      // A short string: up to its delimiter, or an unescaped line end (unfinished).
      copyTo(i + 1);
      while (i < end) {
        const d = src[i]!;
        if (d === c) {
          copyTo(i + 1);
          break;
        }
        if (d === 0x0a || d === 0x0d) break;
        if (d === backslash && i + 1 < end) {
          if (keptEscapes.has(src[i + 1]!)) copyTo(i + 2);
          else i++; // 5.1: the escaped character stands for itself
          continue;
        }
        copyTo(i + 1);
      }
    } else {
      copyTo(i + 1);
    }
  }
  return out.subarray(0, n);
}

/**
 * If src[at] opens a long bracket ([, any number of =, [), the offset just past its
 * matching close (or the end of the source if unclosed); else -1.
 */
function longBracketEnd(src: Buffer, at: number): number {
  if (src[at] !== 0x5b) return -1;
  let j = at + 1;
  while (src[j] === 0x3d) j++;
  if (src[j] !== 0x5b) return -1;
  const level = j - at - 1;
  for (let k = j + 1; k < src.length; k++) {
    if (src[k] !== 0x5d) continue;
    let e = k + 1;
    while (src[e] === 0x3d) e++;
    if (e - k - 1 === level && src[e] === 0x5d) return e + 1;
  }
  return src.length;
}

const decimalTooLarge = /decimal escape too large near '([\s\S]*)'$/;

/**
 * 5.3's text for a decimal escape past 255 as 5.1's: "escape sequence too large", near
 * the string read before the escape (5.3 shows it with the three digits and the
 * character after them).
 */
export function lua51CompileError(msg: string): string {
  const m = decimalTooLarge.exec(msg);
  if (m === null) return msg;
  const read = m[1]!.replace(/\\[0-9]{3}[\s\S]?$/, '');
  return `${msg.slice(0, m.index)}escape sequence too large near '${read}'`;
}
