// Limits the engine enforces at dispatch, for every command at once.
import { describe, expect, it } from 'vitest';
import { stringValueBytesMax } from '../../src/limits.js';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('engine limits', () => {
  it('refuses an argument longer than a V8 string can be, instead of crashing', () => {
    const engine = newEngine();
    const id = openClient(engine);
    const huge = Buffer.allocUnsafe(stringValueBytesMax + 1);
    expect(runCommand(engine, id, ['SET', 'k', huge])).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(runCommand(engine, id, ['APPEND', 'k', huge])).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n');
    expect(runCommand(engine, id, ['EXISTS', 'k'])).toBe(':0\r\n');
    expect(runCommand(engine, id, ['PING'])).toBe('+PONG\r\n');
  });
});
