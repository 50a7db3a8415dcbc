// The one place that decides whether the redis-server oracle (and redis-cli) exist
// (test process, main thread, evaluated at import). Every describe.skipIf of the suite
// lives here.
//
// Missing redis-server outside CI: a loud warning banner and the oracle suites are
// skipped, so a developer without Redis can still run the rest. Inside CI
// (CI === 'true'), .ci/run installs it, so a missing one is a hard failure: importing
// this module throws and the suite fails.

import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';
import { subjectKind } from './subject.js';

function hasBinary(name: string): boolean {
  const r = spawnSync(name, ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

export const redisServerAvailable = hasBinary('redis-server');
export const redisCliAvailable = hasBinary('redis-cli');
const inCi = process.env.CI === 'true';

const missing = [
  ...(redisServerAvailable ? [] : ['redis-server']),
  ...(redisCliAvailable ? [] : ['redis-cli']),
];
if (missing.length > 0) {
  const what = missing.join(' and ');
  if (inCi) {
    throw new Error(`${what} not found on PATH: CI must have the oracle (.ci/run installs redis-server and redis-tools)`);
  }
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!!! ${what} NOT FOUND: differential and client tests that need it are SKIPPED.\n` +
      `!!! Install it (Debian: apt-get install redis-server redis-tools) to run them.\n${bar}\n`,
  );
}

/** Suites that compare against redis-server (or need it as a reference). */
export const describeWithOracle = describe.skipIf(!redisServerAvailable);
/** Suites that drive redis-cli. */
export const describeWithRedisCli = describe.skipIf(!redisCliAvailable);
/** Suites against the server under test alone (needs redis-server only when it is the subject). */
export const describeWithSubject = describe.skipIf(subjectKind === 'redis' && !redisServerAvailable);
