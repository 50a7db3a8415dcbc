// CLIENT UNBLOCK, INFO blocked_clients and CLIENT LIST's b flag over the blocking machinery.
import { describe, expect, it } from 'vitest';
import { newEngine, openClient, repliesFor, runCommand, runCommandEntries } from './support/run.js';

describe('CLIENT UNBLOCK', () => {
  it('unblocks a BLPOP with a timeout-like null or the UNBLOCKED error', () => {
    const engine = newEngine();
    const a = openClient(engine);
    const b = openClient(engine);
    expect(runCommand(engine, a, ['BLPOP', 'q', '0'])).toBe('');
    expect(runCommand(engine, b, ['INFO', 'clients'])).toMatch(/blocked_clients:1\r\n/);
    expect(runCommand(engine, b, ['CLIENT', 'LIST', 'ID', String(a)])).toMatch(/ flags=b /);
    let entries = runCommandEntries(engine, b, ['CLIENT', 'UNBLOCK', String(a)]);
    expect(repliesFor(entries, b)).toBe(':1\r\n');
    expect(repliesFor(entries, a)).toBe('*-1\r\n');
    expect(runCommand(engine, b, ['CLIENT', 'UNBLOCK', String(a)])).toBe(':0\r\n');
    expect(runCommand(engine, b, ['INFO', 'clients'])).toMatch(/blocked_clients:0\r\n/);
    expect(runCommand(engine, b, ['CLIENT', 'LIST', 'ID', String(a)])).toMatch(/ flags=N /);

    expect(runCommand(engine, a, ['BLPOP', 'q', '0'])).toBe('');
    entries = runCommandEntries(engine, b, ['CLIENT', 'UNBLOCK', String(a), 'ERROR']);
    expect(repliesFor(entries, b)).toBe(':1\r\n');
    expect(repliesFor(entries, a)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(runCommand(engine, b, ['CLIENT', 'UNBLOCK', '99999'])).toBe(':0\r\n');
  });
});
