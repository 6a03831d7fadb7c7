#!/usr/bin/env node
// `npm test`: provision what the suite needs, then run it on the embedded default and again on
// PostgreSQL + Redis. Nothing is skipped silently: a missing dependency is installed (as root)
// or named with the exact command to run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Built by `pretest` (npm run build), like everything the suite runs.
import { postgresBinDir } from '../packages/devtools/dist/index.js';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const missing = [];
if (!postgresBinDir()) missing.push('postgresql');
if (!has('redis-server')) missing.push('redis-server');
if (!has('nginx') && !fs.existsSync('/usr/sbin/nginx')) missing.push('nginx-light');
if (!has('ffmpeg') || !has('ffprobe')) missing.push('ffmpeg');
if (!fs.existsSync('/usr/bin/chromium')) missing.push('chromium'); // the web app's end-to-end tests
if (missing.length > 0) {
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`npm test needs ${missing.join(' and ')}. Install with:\n  sudo sh -c '${install}'`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} (needed by the test suite)…`);
  const result = spawnSync('sh', ['-c', install], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-summary-')), 'runs.jsonl');
const args = process.argv.slice(2);
const runs = [
  { name: 'embedded default (SQLite, in-process bus)', env: {} },
  { name: 'PostgreSQL + Redis', env: { PARLEY_TEST_BACKEND: 'postgres' } },
];
let failedRuns = 0;
for (const run of runs) {
  console.log(`\n=== ${run.name} ===`);
  const result = spawnSync('npx', ['vitest', 'run', ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...run.env, PARLEY_SUMMARY_FILE: summary },
  });
  if (result.status !== 0) failedRuns++;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const reports = fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8').trim().split('\n') : [];
for (const line of reports) {
  const counts = JSON.parse(line);
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  for (const failure of counts.failures) failures.push(`[${counts.backend}] ${failure}`);
}
// Repeated here, at the very end, because a CI log is often cut to its tail.
for (const failure of failures) console.log(`FAILED ${failure}`);
if (failedRuns > 0 && totals.failed === 0) totals.failed = failedRuns; // a run that died before reporting
console.log(`\nTotal: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failedRuns > 0 ? 1 : 0);
