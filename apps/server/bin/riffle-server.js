#!/usr/bin/env node
// Entry point of the `riffle-server` command; the server itself is built from src/main.ts.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    // Either this package or one it imports (engine, shared) has no dist/ yet.
    console.error(`riffle-server: ${err.message}\nriffle-server: run \`npm run build\` first`);
    process.exit(1);
  }
  throw err;
});
