// INFO memory's number_of_cached_scripts follows the script cache.
import { describe, expect, it } from 'vitest';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('INFO number_of_cached_scripts', () => {
  it('counts SCRIPT LOAD and EVAL, and SCRIPT FLUSH empties it', () => {
    const e = newEngine();
    const c = openClient(e);
    expect(runCommand(e, c, ['INFO', 'memory'])).toMatch(/\r\nnumber_of_cached_scripts:0\r\n/);
    runCommand(e, c, ['SCRIPT', 'LOAD', 'return 1']);
    runCommand(e, c, ['EVAL', 'return 2', '0']);
    expect(runCommand(e, c, ['INFO', 'memory'])).toMatch(/\r\nnumber_of_cached_scripts:2\r\n/);
    runCommand(e, c, ['SCRIPT', 'FLUSH']);
    expect(runCommand(e, c, ['INFO', 'memory'])).toMatch(/\r\nnumber_of_cached_scripts:0\r\n/);
  });
});
