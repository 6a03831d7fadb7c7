import hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** Latencies in microseconds, 3 significant digits, from 1 µs to an hour. */
export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/** Worker processes send their histograms to the coordinator in HdrHistogram's compressed form. */
export const encodeHistogram = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);

export function mergeHistograms(encoded: string[]): Histogram {
  const total = newHistogram();
  for (const text of encoded) total.add(hdr.decodeFromCompressedBase64(text, 32, false));
  return total;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const ms = (us: number): number => Math.round(us / 10) / 100;

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50Ms: NaN, p95Ms: NaN, p99Ms: NaN, maxMs: NaN };
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p95Ms: ms(h.getValueAtPercentile(95)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    maxMs: ms(h.maxValue),
  };
}
