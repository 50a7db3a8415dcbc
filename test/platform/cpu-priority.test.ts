// parseNiceLevel: the one parser of a nice level on a command line (keeldb up
// --log-node-nice, keeldb log-node --nice, bench/durability/run.ts --log-node-nice).

import { describe, expect, it } from 'vitest';
import { niceLevelMax } from '../../src/limits.js';
import { parseNiceLevel } from '../../src/platform/cpu-priority.js';

describe('parseNiceLevel', () => {
  it('takes every integer from 0 to niceLevelMax', () => {
    expect(parseNiceLevel('0')).toBe(0);
    expect(parseNiceLevel('10')).toBe(10);
    expect(parseNiceLevel(String(niceLevelMax))).toBe(niceLevelMax);
  });

  it('refuses anything else with the rule', () => {
    for (const bad of ['', ' ', '-1', String(niceLevelMax + 1), '1.5', 'x', '0x3']) {
      expect(() => parseNiceLevel(bad), bad).toThrow(`must be an integer from 0 to ${niceLevelMax}`);
    }
  });
});
