#!/usr/bin/env node
// Entry point of the `riffle` command; the CLI itself is built from src/cli.ts.
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('riffle: the engine is not built yet; run `npm run build` first');
    process.exit(1);
  }
  throw err;
});
