// Inline commands (main thread, io-mux): a request line as telnet or `redis-cli` in
// some modes sends it, `SET "a b" 'c'\r\n`, split with the rules of Redis's
// sdssplitargs (sds.c): blanks separate arguments; "double quotes" take \n \r \t \b \a,
// \\, \" and \xHH escapes; 'single quotes' take only \'; a closing quote must be
// followed by a blank or the end of the line, else the line is refused ("unbalanced
// quotes"). Like Redis, which splits a C string, a NUL byte ends the line.
//
// Invariants: returns fresh Buffers (inline commands are rare and small: no views), or
// null exactly where sdssplitargs returns NULL.

const SPACE = 32;
const TAB = 9;
const LF = 10;
const VT = 11;
const FF = 12;
const CR = 13;
const NUL = 0;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

/** C's isspace in the "C" locale. */
function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === VT || c === FF || c === CR;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits `src[start, end)` into arguments as sdssplitargs does. Returns null for
 * unbalanced quotes (Redis: "Protocol error: unbalanced quotes in request").
 */
export function splitInlineArgs(src: Uint8Array, start: number, end: number): Buffer[] | null {
  // Reading past `end` yields NUL, the C string terminator sdssplitargs relies on.
  const at = (i: number): number => (i < end ? src[i]! : NUL);
  const argv: Buffer[] = [];
  const current: number[] = [];
  let p = start;
  for (;;) {
    while (p < end && isSpace(src[p]!) ) p++;
    if (at(p) === NUL) return argv;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    current.length = 0;
    while (!done) {
      const c = at(p);
      if (inDouble) {
        if (c === BACKSLASH && at(p + 1) === 120 /* x */ && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          current.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === BACKSLASH && at(p + 1) !== NUL) {
          p++;
          const e = at(p);
          switch (e) {
            case 110: current.push(LF); break; // n
            case 114: current.push(CR); break; // r
            case 116: current.push(TAB); break; // t
            case 98: current.push(8); break; // b
            case 97: current.push(7); break; // a
            default: current.push(e);
          }
        } else if (c === DQUOTE) {
          // The closing quote must be followed by a space or nothing at all.
          const n = at(p + 1);
          if (n !== NUL && !isSpace(n)) return null;
          done = true;
        } else if (c === NUL) {
          return null; // unterminated quotes
        } else {
          current.push(c);
        }
      } else if (inSingle) {
        if (c === BACKSLASH && at(p + 1) === SQUOTE) {
          p++;
          current.push(SQUOTE);
        } else if (c === SQUOTE) {
          const n = at(p + 1);
          if (n !== NUL && !isSpace(n)) return null;
          done = true;
        } else if (c === NUL) {
          return null;
        } else {
          current.push(c);
        }
      } else {
        switch (c) {
          case SPACE:
          case LF:
          case CR:
          case TAB:
          case NUL:
            done = true;
            break;
          case DQUOTE:
            inDouble = true;
            break;
          case SQUOTE:
            inSingle = true;
            break;
          default:
            current.push(c);
        }
      }
      if (at(p) !== NUL) p++;
    }
    argv.push(Buffer.from(current));
  }
}
