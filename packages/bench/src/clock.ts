/**
 * One clock for every process of a run: CLOCK_MONOTONIC, which the coordinator, the load
 * workers and the kernel share, so a send time stamped in one worker process can be
 * subtracted from a receive time in another.
 */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function sleepUntilUs(atUs: number): Promise<void> {
  const waitMs = (atUs - nowUs()) / 1000;
  if (waitMs > 0) await sleep(waitMs);
}
