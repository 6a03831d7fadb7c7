import { afterAll, beforeAll, expect, test } from 'vitest';
import { nowUs, sleep } from '../dist/clock.js';
import { LoadGenerator } from '../dist/load/LoadGenerator.js';
import { startSocketIoRelay } from '../dist/peers/nodePeers.js';
import { specFor } from '../dist/scenarios/Scenario.js';
import type { Target } from '../dist/targets/Target.js';

// The load generator's promise (issue 5): latency counts from each message's scheduled send time,
// so a stall shows as latency, not as a lower send rate. Stalling the generator's own worker
// processes is the case that tells the two apart: messages due during the stall go out late.
let generator: LoadGenerator;
let relay: Target;

beforeAll(async () => {
  generator = LoadGenerator.start(2, []);
  relay = await startSocketIoRelay(25_000);
});

afterAll(async () => {
  generator?.stop();
  await relay?.stop();
});

const RATE = 1000;
const STEP_MS = 1200;
const STALL_FROM_MS = 300;
const STALL_MS = 500;

test('messages due while the generator is stopped count the stall in their latency, and all arrive', async () => {
  const pairs = await relay.createPairs(10);
  const specs = pairs.flatMap((p, i) => [specFor(relay, p.sender, 2 * i), specFor(relay, p.recipient, 2 * i + 1)]);
  const { refs, failed } = await generator.open(specs, (i) => i >> 1, 20);
  expect(failed).toBe(0);
  const routes = pairs.map((p, i) => ({ from: refs[2 * i]!, to: p.address }));

  const step = 1;
  const startAtUs = nowUs() + 200_000;
  const sending = generator.send(step, routes, RATE, startAtUs, STEP_MS);
  // Stop every worker process mid-step (a GC pause or a descheduled generator, made long).
  await sleep((startAtUs - nowUs()) / 1000 + STALL_FROM_MS);
  for (const pid of generator.pids) process.kill(pid, 'SIGSTOP');
  await sleep(STALL_MS);
  for (const pid of generator.pids) process.kill(pid, 'SIGCONT');
  const sent = await sending;
  await sleep(1000);
  const report = await generator.report(step, sent);

  const due = (RATE * STEP_MS) / 1000;
  expect(sent.sent).toBe(due);
  expect(report.delivered).toBe(due);
  expect(report.errors).toBe(0);
  // A message due at the stall's start waited all of it; those due in its first half, at least
  // half of it: about RATE × STALL_MS / 2000 messages, which no send-time measure would show.
  expect(report.e2e.maxValue).toBeGreaterThanOrEqual(STALL_MS * 1000 * 0.9);
  const shareWaitingHalf = (0.8 * (RATE * STALL_MS)) / 2000 / due;
  expect(report.e2e.getValueAtPercentile(100 * (1 - shareWaitingHalf))).toBeGreaterThanOrEqual((STALL_MS / 2) * 1000);
  // The generator reports its own lateness too, which the scenarios print beside the figures.
  expect(report.lag.maxValue).toBeGreaterThanOrEqual(STALL_MS * 1000 * 0.9);
});
