// INFO's live counters for Pub/Sub and client-side caching.
import { describe, expect, it } from 'vitest';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('INFO counters', () => {
  it('counts channels, patterns and tracked keys', () => {
    const e = newEngine();
    const sub = openClient(e);
    const other = openClient(e);
    runCommand(e, sub, ['SUBSCRIBE', 'a', 'b']);
    runCommand(e, sub, ['PSUBSCRIBE', 'x*']);
    const stats = runCommand(e, other, ['INFO', 'stats']);
    expect(stats).toMatch(/\r\npubsub_channels:2\r\n/);
    expect(stats).toMatch(/\r\npubsub_patterns:1\r\n/);
    expect(stats).toMatch(/\r\ntracking_total_keys:0\r\n/);
    runCommand(e, other, ['HELLO', '3']);
    expect(runCommand(e, other, ['CLIENT', 'TRACKING', 'on'])).toBe('+OK\r\n');
    runCommand(e, other, ['GET', 'k1']);
    runCommand(e, other, ['GET', 'k2']);
    const after = runCommand(e, other, ['INFO', 'everything']);
    expect(after).toMatch(/\r\ntracking_clients:1\r\n/);
    expect(after).toMatch(/\r\ntracking_total_keys:2\r\n/);
    expect(after).toMatch(/\r\ntracking_total_items:2\r\n/);
  });
});
