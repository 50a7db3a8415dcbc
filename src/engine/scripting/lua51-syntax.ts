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
// Two 5.1 rules the grammar of 5.3 dropped are checked on the token stream, in parse
// order (so the first error in the source is the one reported): 5.1 has no empty
// statement, so a ';' where a statement starts (at the start of a block: the chunk,
// after do, then, else, repeat or a function's parameter list, or after another ';')
// is "unexpected symbol near ';'"; and a '(' on a new line after what ends a prefix
// expression (a name, ')' or ']') would be call arguments, which 5.1 refuses as
// "ambiguous syntax (function call x new statement)" (lparser.c funcargs). Names being
// declared by `local` and a function's name before its parameters are not prefix
// expressions. (A call's string or table argument before such a '(' is not detected.)
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
  linenumber: number;
  lastline: number;
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

  // --- 5.1's empty-statement and ambiguous-call rules (see the file comment) ---------
  const semicolon = 59;
  const openParen = 40;
  const closeParen = 41;
  const closeBracket = 93;
  const comma = 44;
  const blockStarts = new Set([-1, R.TK_DO!, R.TK_THEN!, R.TK_ELSE!, R.TK_REPEAT!]);
  const returnEnds = new Set([R.TK_END!, R.TK_ELSE!, R.TK_ELSEIF!, R.TK_UNTIL!, tkEos]);
  const unexpectedSymbol = to_luastring('unexpected symbol');
  const ambiguousSyntax = to_luastring('ambiguous syntax (function call x new statement)');
  /** Where a `function` is: 0 none, 1 before its '(', 2 in its parameters, 3 just after its ')'. */
  interface Tracking {
    prev: number;
    fn: 0 | 1 | 2 | 3;
    localNames: boolean;
    inReturn: boolean;
    semicolonEndedReturn: boolean;
  }
  const tracking = new WeakMap<LexState, Tracking>();
  const track = (ls: LexState): void => {
    let k = tracking.get(ls);
    if (k === undefined) {
      k = { prev: -1, fn: 0, localNames: false, inReturn: false, semicolonEndedReturn: false };
      tracking.set(ls, k);
    }
    const tok = ls.t.token;
    const prev = k.prev;
    if (tok === semicolon) {
      if (blockStarts.has(prev) || k.fn === 3 || (prev === semicolon && !k.semicolonEndedReturn)) syntaxError(ls, unexpectedSymbol);
      k.semicolonEndedReturn = k.inReturn;
      k.inReturn = false;
    } else if (tok === openParen && k.fn !== 1 && ls.linenumber !== ls.lastline) {
      if ((prev === tkName && !k.localNames) || (prev === closeParen && k.fn !== 3) || prev === closeBracket) syntaxError(ls, ambiguousSyntax);
    }
    if (tok === R.TK_FUNCTION) k.fn = 1;
    else if (k.fn === 1 && tok === openParen) k.fn = 2;
    else if (k.fn === 2 && tok === closeParen) k.fn = 3;
    else if (k.fn === 3) k.fn = 0;
    if (tok === R.TK_LOCAL) k.localNames = true;
    else if (!(k.localNames && ((tok === tkName && (prev === R.TK_LOCAL || prev === comma)) || (tok === comma && prev === tkName)))) k.localNames = false;
    if (tok === R.TK_RETURN) k.inReturn = true;
    else if (returnEnds.has(tok)) k.inReturn = false;
    k.prev = tok;
  };

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
      track(ls);
      return;
    }
    next(ls);
    rewrite(ls, ls.t);
    track(ls);
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
