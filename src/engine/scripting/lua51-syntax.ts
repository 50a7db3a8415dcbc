// Lua 5.1's tokens for fengari's Lua 5.3 parser (engine worker thread, patched once
// per process when this module loads): the operators 5.3 added (`//`, `&`, `|`, `~`,
// `<<`, `>>`), labels (`::`) and the `goto` keyword do not exist in Redis's Lua 5.1,
// where a script using them fails to compile. The lexer is wrapped so that the
// parser sees the tokens 5.1's lexer would have produced, and then fails where 5.1's
// parser fails, with its text: `//` is `/` `/` ("unexpected symbol near '/'"), `<<`
// `<` `<`, `>>` `>` `>`, `::` `:` `:`, `goto` an ordinary name ("'=' expected near
// 'x'"), and `&` `|` `~` (which 5.1 lexes as single characters no rule accepts)
// tokens that no rule accepts and that print as '&', '|', '~' in the error. A
// statement that is an expression but not a call fails with 5.1's "'=' expected".
//
// How: lparser calls llex.luaX_next and llex.luaX_lookahead through the module
// object; the wrappers rewrite the token just read. A token split in two keeps its
// second half in `pending` (per lexer state) until the parser asks for it.
// Invariant: the rewrite is idempotent, since a token can pass twice (read into the
// lookahead slot, then moved to the current token).

import { createRequire } from 'node:module';
import fengari from 'fengari';

const { to_luastring } = fengari;
const require = createRequire(import.meta.url);

interface Token {
  token: number;
  seminfo: { ts: unknown };
}
interface LexState {
  t: Token;
  lookahead: Token;
}
const llex = require('fengari/src/llex.js') as {
  RESERVED: Record<string, number>;
  luaX_tokens: Uint8Array[];
  luaX_next: (ls: LexState) => void;
  luaX_lookahead: (ls: LexState) => number;
  luaX_newstring: (ls: LexState, s: Uint8Array) => unknown;
  luaX_syntaxerror: (ls: LexState, msg: Uint8Array) => never;
  __keeldbLua51?: boolean;
};

const R = llex.RESERVED;
const tkEos = R.TK_EOS!;
const tkName = R.TK_NAME!;
const firstReserved = R.TK_AND!;
const gotoName = to_luastring('goto');
const equalsExpected = to_luastring("'=' expected");

/** A token number past fengari's own that no grammar rule accepts, printed as `'c'`. */
function deadToken(c: string): number {
  llex.luaX_tokens.push(to_luastring(`'${c}'`));
  return firstReserved + llex.luaX_tokens.length - 1;
}

if (llex.__keeldbLua51 !== true) {
  llex.__keeldbLua51 = true;
  // 5.1 quotes every token in "near ..." and "... expected", the end of input too.
  llex.luaX_tokens[tkEos - firstReserved] = to_luastring("'<eof>'");
  const dead = new Map<number, number>([
    [38, deadToken('&')],
    [124, deadToken('|')],
    [126, deadToken('~')],
  ]);
  const split = new Map<number, number>([
    [R.TK_IDIV!, 47], // '/' '/'
    [R.TK_SHL!, 60], // '<' '<'
    [R.TK_SHR!, 62], // '>' '>'
    [R.TK_DBCOLON!, 58], // ':' ':'
  ]);
  const tkGoto = R.TK_GOTO!;
  const pending = new WeakMap<LexState, number>();

  const rewrite = (ls: LexState, tok: Token): void => {
    const t = tok.token;
    const d = dead.get(t);
    if (d !== undefined) {
      tok.token = d;
      return;
    }
    const half = split.get(t);
    if (half !== undefined) {
      tok.token = half;
      pending.set(ls, half);
      return;
    }
    if (t === tkGoto) {
      tok.token = tkName;
      tok.seminfo.ts = llex.luaX_newstring(ls, gotoName);
    }
  };

  const next = llex.luaX_next;
  llex.luaX_next = (ls) => {
    const second = pending.get(ls);
    if (second !== undefined && ls.lookahead.token === tkEos) {
      pending.delete(ls);
      ls.t.token = second;
      return;
    }
    next(ls);
    rewrite(ls, ls.t);
  };
  const lookahead = llex.luaX_lookahead;
  llex.luaX_lookahead = (ls) => {
    const second = pending.get(ls);
    if (second !== undefined) {
      pending.delete(ls);
      ls.lookahead.token = second;
      return second;
    }
    lookahead(ls);
    rewrite(ls, ls.lookahead);
    return ls.lookahead.token;
  };
  // An expression statement that is not a call: 5.3 says "syntax error", 5.1's
  // exprstat goes on to an assignment and says "'=' expected". (5.3's other "syntax
  // error", a non-variable in an assignment list, stands before '=' or ',', as 5.1's.)
  const syntaxError = llex.luaX_syntaxerror;
  const syntaxErrorText = 'syntax error';
  llex.luaX_syntaxerror = (ls, msg) => {
    if (msg.length === syntaxErrorText.length && Buffer.from(msg).latin1Slice() === syntaxErrorText && ls.t.token !== 61 && ls.t.token !== 44) {
      return syntaxError(ls, equalsExpected);
    }
    return syntaxError(ls, msg);
  };
}
