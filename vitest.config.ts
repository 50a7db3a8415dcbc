import { defineConfig } from 'vitest/config';

// Tests mirror src/. Integration tests start real processes (redis-server, log nodes,
// the KeelDB server from dist/), so `npm test` builds first and runs files in a
// bounded number of forks: the CI machine has 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
