// Differential tests of the Lua 5.1 a script meets in Redis 7.0.15, against fengari's
// Lua 5.3 underneath (src/engine/scripting/lua51-*.ts): one number type (no 32-bit
// integer wrap-around, fractional indexes truncated), strtod's tonumber, C's
// %e/%f/%g in string.format, 5.3-only syntax refused with 5.1's compile errors, 5.1's
// runtime error texts, the library surface (unpack, math.pow, table.getn, no
// table.pack or math.type), redis.set_repl/acl_check_cmd/REDIS_VERSION, the
// RESP3-typed tables a script may return, and redis.setresp(3)'s conversions, 5.1's
// string escapes (lua51-escapes.ts), and its ';' and ambiguous-call rules
// (lua51-syntax.ts). Each case failed before those changes.

import { describe } from 'vitest';
import { diffSeq, usePair } from '../support/diff-pair.js';
import { describeWithOracle } from '../support/oracle-guard.js';

const ev = (script: string, ...args: string[]): string[] => ['EVAL', script, '0', ...args];

describeWithOracle('diff: Lua 5.1 semantics under fengari', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      diffSeq(pair, 'numbers are doubles: no integer wrap-around, truncated indexes', [
        ev('return tostring(2147483647 + 1)'),
        ev('return {tostring(100000 * 100000), 2147483647 + 1, tostring(0xffffffff), tostring(-(-2147483648))}'),
        ev("return tostring(tonumber('2000000000') * tonumber('3'))"),
        ev("redis.call('set', 'lua51:n', '2000000000') return tostring(redis.call('incr', 'lua51:n') + redis.call('incr', 'lua51:n'))"),
        ev("return tostring(#'abcd' * 1000000000)"),
        ev('local t = {} for i = 1, 3 do t[i] = i * 1000000000 end return {tostring(t[3]), #t}'),
        ev('local s = 0 for i = 2147483640, 2147483647 do s = s + 1 end return s'),
        ev('local s = 0 for i = 1, 2, 0.25 do s = s + i end return tostring(s)'),
        ev('return {tostring(5 % 0), tostring(8 % 3.5), tostring(-3 % 2), tostring(math.abs(-2147483648))}'),
        ev("return {string.sub('hello', 2.5), string.rep('ab', 2.9), string.byte('abc', 1.9), select(2.5, 'a', 'b', 'c')}"),
        ev("return {string.char(72.7, 105), ('%d'):format(3.9), string.format('%x', 2^32 + 5)}"),
        ev("local x = '10' + 5 return {tostring(x), tostring(10 / 2), tostring(2^31), #KEYS + 1}"),
        ev("local t = {} t[1.0] = 'a' t[2] = 'b' return t"),
      ], { proto });
      diffSeq(pair, 'tonumber is strtod and strtoul', [
        ev("return {tostring(tonumber('nan')), tostring(tonumber(' 0x10 ')), tostring(tonumber('inf')), tostring(tonumber('1e')), tostring(tonumber('0x')), tostring(tonumber(' 10 '))}"),
        ev("return {tostring(tonumber('infinity')), tostring(tonumber('-inf')), tostring(tonumber('0x1.8')), tostring(tonumber('.5')), tostring(tonumber('5.')), tostring(tonumber('1e+2'))}"),
        ev("return {tostring(tonumber('1e1000')), tostring(tonumber('  -0x1F  ')), tostring(tonumber('1 2')), tostring(tonumber('0x1P-2')), tostring(tonumber('nan(123)'))}"),
        ev("return {tostring(tonumber('ffffffffff', 16)), tostring(tonumber('0x10', 16)), tostring(tonumber('10', 10.5)), tostring(tonumber('-1', 16)), tostring(tonumber(10, 16))}"),
        ev("return {tostring(tonumber('z', 36)), tostring(tonumber(' 11 ', 2)), tostring(tonumber('7', 7)), tostring(tonumber('10', '16')), tostring(tonumber(true))}"),
        ev('return tonumber()'),
        ev("return tonumber('1', 1)"),
        ev('return tonumber({}, 16)'),
        ev("return tonumber('10', 'x')"),
      ], { proto });
      diffSeq(pair, "string.format's %e %f %g are C's; %a is refused; %q is 5.1's", [
        ev("return string.format('%e|%f|%g', 1.5, 2.25, 3)"),
        ev("return string.format('%e|%f|%g|%g|%g', 1e300, 1/3, 1e20, 0.0001, 1e-5)"),
        ev("return string.format('%.3e|%10.2f|%-10g|%+g|%#g|%G|%E', 12345.678, -3.14159, 100, 5, 1, 1e-10, 2.5)"),
        ev("return string.format('%f|%g|%e|%5.1f|', 1/0, -1/0, 0/0, -1/0)"),
        ev("return string.format('%g|%.0f|%.0f|%.0f|%f', 2^63, 0.5, 1.5, 2.5, 1e300)"),
        ev("return string.format('%f|%010.3f|%-8.2e|%e|%G', '1.5', -2.5, 3, 0, 1e-20)"),
        ev("return string.format('%.3g|%10.4e|%-+8.1f|%5.2f%%|%.14g', 1234567, -0.000123456, 2.25, 99.555, 0.1)"),
        ev("return string.format('%f', 'x')"),
        ev("return string.format('%a', 1)"),
        ev("return string.format('%q', 'a\\0b\\r\\n\"\\\\\\1')"),
      ], { proto });
      diffSeq(pair, '5.3-only syntax fails to compile with 5.1\'s errors', [
        ev('return tostring(7 // 2)'),
        ev('return tostring(7 & 3)'),
        ev('return tostring(7 | 3)'),
        ev('return tostring(7 ~ 3)'),
        ev('return tostring(1 << 3)'),
        ev('return tostring(8 >> 1)'),
        ev('return tostring(~5)'),
        ev('return 1//2'),
        ev('goto x ::x:: return 1'),
        ev('::lbl:: return 1'),
        ev('local goto = 5 return goto'),
        ev('return {tostring(1 ~= 2), 3 --[==[ c ]==] + 1, [==[a]]b]==]}'),
        ev('local x = 1; x'),
        ev('local a, b = 1; a, b() = 1, 2'),
        ev('return 1 2'),
        ev('return ('),
      ], { proto });
      diffSeq(pair, "5.1's string escapes: \\x, \\z, \\u{} and unknown escapes stand for the character", [
        ev('return "\\x41"'),
        ev('return "a\\z   b"'),
        ev('return "\\u{48}"'),
        ev('return {"\\q", \'\\x"\', "\\065\\0659\\t|"}'),
        ev('return "\\256"'),
        ev('return "ab\\999"'),
        ev('return "\\x'),
        ev('-- "\\x41\nreturn "\\x41"'),
        ev('return --[[ "\\x ]] "\\z" .. [==[\\x]]\\z]==]'),
        ev('return "a\\\nb"'),
      ], { proto });
      diffSeq(pair, "no empty statement ';' and 5.1's ambiguous call syntax", [
        ev('local x = 1;; return x'),
        ev(';'),
        ev('return;;'),
        ev('local x = 1; local y = 2; return x + y;'),
        ev('do ; end return 1'),
        ev('local function f(); end return 1'),
        ev('local f = function(a, b) ; end return 1'),
        ev('if false then return 1 else ; end return 2'),
        ev('repeat ; until true return 1'),
        ev('while false do ; end return 3'),
        ev('local x = 1\nlocal y = x\n(tostring)("a")'),
        ev('local t = {1}\nlocal y = t[1]\n(tostring)(1)'),
        ev('local y = (1)\n(tostring)(1)'),
        ev('local x\n(tostring)("a") return 1'),
        ev('local a, b\n(tostring)("a") return 1'),
        ev('local f = function() end\n(tostring)(1) return 2'),
        ev('local function f\n(a) return a end return f(4)'),
        ev('local y = 1 local t = {} t.x = y (tostring) return 5'),
      ], { proto });
      diffSeq(pair, "5.1's runtime error texts", [
        ev('local t = nil return t.x'),
        ev('local t = {} return t.x.y'),
        ev('return 1 + {}'),
        ev("local s = 'a' .. {}"),
        ev('local x return x()'),
        ev('local t = {} t.f()'),
        ev('local t = {} return #nil'),
        ev('local up = nil return (function() return up.x end)()'),
        ev('local t = {} return t:m()'),
        ev("return ('x')()"),
        ev('return {pcall(function() local a = nil; return a.b end)}'),
        ev('return {pcall(function() return 1 + {} end)}'),
        ev('return table.unpack({1,2,3})'),
      ], { proto });
      diffSeq(pair, "\"bad argument\" names '?' where 5.1 cannot name the function (pcall), and 'no value' for a missing one", [
        ev('return {pcall(string.rep)}'),
        ev('return string.rep()'),
        ev('local s = "x" return s:rep()'),
        ev('return {pcall(math.floor)}'),
        ev('return {pcall(table.concat, 1)}'),
        ev('return {pcall(tostring)}'),
        ev('local ok, e = pcall(string.format, "%d", "x") return e'),
        ev('return {pcall(cmsgpack.unpack)}'),
        ev('return {pcall(bit.band, "x")}'),
        ev('return {pcall(struct.pack)}'),
      ], { proto });
      diffSeq(pair, "Lua 5.1's library surface", [
        ev("local out = {} for k, v in pairs(math) do table.insert(out, k) end table.sort(out) return out"),
        ev("local out = {} for k, v in pairs(table) do table.insert(out, k) end table.sort(out) return out"),
        ev("local out = {} for k, v in pairs(string) do table.insert(out, k) end table.sort(out) return out"),
        ev("local out = {} for k, v in pairs(coroutine) do table.insert(out, k) end table.sort(out) return out"),
        ev("return {type(unpack), type(gcinfo), type(loadstring), type(string.gfind), type(rawlen), type(utf8)}"),
        ev('return math.maxinteger'),
        ev('return {math.pow(2, 10), math.mod(7, 3), tostring(math.log(8, 2)), math.log10(1000), math.ldexp(0.5, 4), math.frexp(8), math.cosh(0), math.sinh(0), math.tanh(0), math.atan2(1, 1) * 100}'),
        ev('return {unpack({1, 2, 3})}'),
        ev('return {table.getn({1,2,3}), table.maxn({1,2,[10]=3}), table.foreachi({5,6}, function(i,v) if v == 6 then return i end end), table.foreach({a=7}, function(k,v) return v end)}'),
        ev('return table.setn({}, 1)'),
        ev('return table.getn()'),
        ev('return table.foreachi({}, 1)'),
        ev("return {('x'):rep(3, ','), table.concat({1, 2.5, 3}, ',')}"),
        ev('local t = {1,2,3} table.insert(t, 5, 9) return {t[5], table.remove(t, 9), table.remove(t, 1), t[1]}'),
        ev('return table.insert({}, 1, 2, 3)'),
        ev('return {table.remove({}), table.remove({1,2}, 1)}'),
        ev("for w in string.gfind('a b', '%a') do return w end"),
      ], { proto });
      diffSeq(pair, "redis.* beside call: version, set_repl, breakpoint, debug, acl_check_cmd", [
        ev('return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM, redis.REPL_ALL, redis.REPL_AOF, redis.REPL_NONE, redis.REPL_REPLICA, redis.REPL_SLAVE}'),
        ev('return {redis.set_repl(redis.REPL_ALL), redis.set_repl(\'x\'), redis.set_repl(2.7), redis.breakpoint(), redis.debug(\'x\')}'),
        ev('return redis.set_repl()'),
        ev('return redis.set_repl(1, 2)'),
        ev('return redis.set_repl(99)'),
        ev('return redis.set_repl(-1)'),
        ev("return {redis.acl_check_cmd('get', 'x'), redis.acl_check_cmd('get'), redis.acl_check_cmd('config', 'get', 'x'), redis.acl_check_cmd('CONFIG')}"),
        ev("return redis.acl_check_cmd('nosuch')"),
        ev('return redis.acl_check_cmd()'),
        ev('return redis.acl_check_cmd(1)'),
        ev("return redis.acl_check_cmd('config|get')"),
        ev("return redis.acl_check_cmd('config', 'nosuch')"),
        ev('return redis.acl_check_cmd({})'),
      ], { proto });
      diffSeq(pair, 'RESP3-typed tables a script returns: double, big_number, verbatim_string, map, set', [
        ev('return {double=3.5}'),
        ev('return {{double=1/0}, {double=0.1}, {double=\'x\'}}'),
        ev("return {big_number='123'}"),
        ev("return {big_number='1\r\n2'}"),
        ev('return {map={a=1}}'),
        ev("return {map={[1]='x', [2]={double=2}, [3]={set={z=true}}}}"),
        ev('return {set={a=true}}'),
        ev("return {set={[1]=true, [2]=true}}"),
        ev("return {verbatim_string={format='txt', string='hi'}}"),
        ev("return {verbatim_string={format='markdown', string='a\r\nb'}}"),
        ev("return {verbatim_string={format=1, string='hi'}}"),
        ev('return {{double=2.5}, {map={}}, {set={}}, {err=\'x\', double=1}}'),
        ev("return {err='E x', double=1}"),
        ev("return {ok='fine', map={a=1}}"),
      ], { proto });
      diffSeq(pair, "redis.setresp(3): redis.call's RESP3 replies as Lua values", [
        ['DEL', 'l51:h', 'l51:s', 'l51:z', 'l51:g'],
        ['HSET', 'l51:h', 'a', '1'],
        ['SADD', 'l51:s', 'm'],
        ['ZADD', 'l51:z', '1.5', 'm'],
        ['GEOADD', 'l51:g', '13.361389', '38.115556', 'p'],
        ev("redis.setresp(3) local r = redis.call('hgetall', 'l51:h') return {type(r), type(r.map), r.map.a}"),
        ev("redis.setresp(3) local r = redis.call('smembers', 'l51:s') return {type(r.set), tostring(r.set.m)}"),
        ev("redis.setresp(3) local r = redis.call('zscore', 'l51:z', 'm') return {type(r), tostring(r.double)}"),
        ev("redis.setresp(3) return {type(redis.call('get', 'l51:none')), type(redis.call('lpop', 'l51:none'))}"),
        ev("redis.setresp(3) return redis.call('hgetall', 'l51:h')"),
        ev("redis.setresp(3) return redis.call('zrange', 'l51:z', 0, -1, 'withscores')"),
        ev("redis.setresp(3) return {redis.call('geodist', 'l51:g', 'p', 'p'), redis.call('geopos', 'l51:g', 'p')}"),
        ev("redis.setresp(3) return {redis.call('zrandmember', 'l51:z', 1, 'withscores'), redis.call('hrandfield', 'l51:h', 1, 'withvalues')}"),
        ev("redis.setresp(3) redis.setresp(2) return redis.call('hgetall', 'l51:h')"),
        ev("redis.setresp(3) return redis.pcall('nosuch')"),
        ev("return redis.call('hgetall', 'l51:h')"),
        ev('return redis.setresp(4)'),
        ev('return redis.setresp()'),
        ev("return redis.setresp('3')"),
      ], { proto });
    });
  }
});

// Redis's own math.random (rand.c's lrand48): one sequence per server process, from
// lrand48's default seed, shared by EVAL and FCALL; fresh servers, so the unseeded
// values are compared too.
describeWithOracle("diff: Redis's math.random and math.randomseed", () => {
  const pair = usePair();
  diffSeq(pair, 'the sequence from a fresh server, across scripts and functions; randomseed; argument errors', [
    ev('return {tostring(math.random()), math.random(10), math.random(5, 8)}'),
    ev('return {tostring(math.random()), math.random(10), math.random(5, 8)}'),
    ['FUNCTION', 'LOAD', 'REPLACE', "#!lua name=rnd\nredis.register_function('r', function() return {tostring(math.random()), math.random(1000)} end)"],
    ['FCALL', 'r', '0'],
    ev('return {tostring(math.random()), math.random(1000)}'),
    ev('math.randomseed(42) return {tostring(math.random()), math.random(100)}'),
    ev('math.randomseed(-7) return {tostring(math.random()), math.random(100), math.random(-3, -1), math.random(2.9)}'),
    ev('math.randomseed(2147483648) return tostring(math.random())'),
    ev('return {pcall(math.random, 1, 2, 3)}'),
    ev('return math.random(0)'),
    ev('return math.random(3, 2)'),
    ev('return math.random(1, 2, 3)'),
    ev('return math.randomseed()'),
    ['SCRIPT', 'FLUSH'],
    ev('return tostring(math.random())'),
    ['FUNCTION', 'DELETE', 'rnd'],
  ]);
});
