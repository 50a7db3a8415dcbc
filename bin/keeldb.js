#!/usr/bin/env node
// The `keeldb` command: runs the compiled CLI (npm install builds dist/ through `prepare`).
import('../dist/src/main/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('keeldb: dist/ is missing; run `npm install` (or `npm run build`) first');
    process.exit(1);
  }
  throw err;
});
