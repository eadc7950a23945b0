#!/usr/bin/env node
// Summarizes V8 CPU profiles (`run-riffle.mjs --cpu-prof DIR` writes one per thread): for each
// profile, the functions with the most self time, and with --inclusive the most time including
// their callees, as shares of the thread's busy (non-idle) samples.
// Usage: node bench/nexmark/profile-top.mjs DIR_OR_FILES… [--top N] [--inclusive] [--by-file]
// Sampled time is wall time while the thread was not idle: on a loaded machine it includes time
// the thread waited for a core, so compare shares, and take CPU seconds from run-riffle's report.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, inclusive: { type: 'boolean', default: false }, 'by-file': { type: 'boolean', default: false } },
});
const files = positionals.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
        .map((f) => join(p, f))
    : [p],
);

/** `name file:line` of a call frame, or its script (node_modules package or engine file) with --by-file. */
function label({ functionName, url, lineNumber }) {
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
  if (opt['by-file']) return file || functionName;
  return `${functionName || '(anonymous)'} ${file.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const msPerSample = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
  const totals = new Map();
  let busy = 0;
  for (const [id, n] of hits) {
    if (nodes.get(id).callFrame.functionName === '(idle)') continue;
    busy += n;
    // Inclusive: every distinct label on the sample's stack gets the sample once (recursion counts once).
    const seen = new Set();
    for (let at = id; at !== undefined; at = opt.inclusive ? parent.get(at) : undefined) {
      const k = label(nodes.get(at).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      totals.set(k, (totals.get(k) ?? 0) + n);
    }
  }
  console.log(`${file}: ${((busy * msPerSample) / 1000).toFixed(2)} s busy of ${((profile.samples.length * msPerSample) / 1000).toFixed(2)} s sampled`);
  const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(opt.top));
  for (const [k, n] of top) console.log(`${((100 * n) / busy).toFixed(1).padStart(6)} %  ${((n * msPerSample) / 1000).toFixed(2).padStart(7)} s  ${k}`);
  console.log('');
}
