// lua51Escapes / lua51CompileError alone (src/engine/scripting/lua51-escapes.ts): the
// source rewrite drops only the backslash of escapes Lua 5.1 does not know, inside
// short strings only, and leaves a source without backslashes untouched.

import { describe, expect, it } from 'vitest';
import { lua51CompileError, lua51Escapes } from '../../../src/engine/scripting/lua51-escapes.js';

const rewrite = (s: string): string => lua51Escapes(Buffer.from(s, 'latin1')).toString('latin1');

describe('lua51Escapes', () => {
  it('drops the backslash of unknown escapes in short strings', () => {
    expect(rewrite('return "\\x41", \'\\z\', "\\u{48}", "\\q"')).toBe('return "x41", \'z\', "u{48}", "q"');
  });

  it("keeps 5.1's escapes, and a backslash before a line end", () => {
    const src = 'return "\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\\'\\065\\\n"';
    expect(rewrite(src)).toBe(src);
  });

  it('leaves comments and long strings alone', () => {
    const src = '-- "\\x\n--[==[ "\\z" ]==] return [[\\x]] .. [=[\\q]]\\u]=]';
    expect(rewrite(src)).toBe(src);
    expect(rewrite('return [==[\\x]]\\z]==] .. "\\z"')).toBe('return [==[\\x]]\\z]==] .. "z"');
  });

  it('stops a string at an unescaped line end (unfinished, as the lexer says)', () => {
    expect(rewrite('return "a\nb = "\\x"')).toBe('return "a\nb = "x"');
  });

  it('returns a source without backslashes as is', () => {
    const src = Buffer.from('return "abc"');
    expect(lua51Escapes(src)).toBe(src);
  });
});

describe('lua51CompileError', () => {
  it("says 5.1's text near the string read before the escape", () => {
    expect(lua51CompileError(`user_script:1: decimal escape too large near '"ab\\999"'`)).toBe(`user_script:1: escape sequence too large near '"ab'`);
    expect(lua51CompileError(`user_script:2: decimal escape too large near '"\\2569'`)).toBe(`user_script:2: escape sequence too large near '"'`);
    expect(lua51CompileError("user_script:1: unexpected symbol near ';'")).toBe("user_script:1: unexpected symbol near ';'");
  });
});
