/** PostgreSQL says "try again": the transaction rolled back whole and can simply be rerun. */
export const isTransientConflict = (err: unknown): boolean => {
  const code = (err as { code?: string } | null)?.code;
  return code === '40001' /* serialization_failure */ || code === '40P01' /* deadlock_detected */;
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', '57P01', '57P03', '08006', '08001']);
/** The database is not reachable (yet): starting, restarting, or the network blinked. */
export const isConnectionError = (err: unknown): boolean =>
  CONNECTION_CODES.has((err as { code?: string } | null)?.code ?? '');

export async function withRetry<T>(
  fn: () => Promise<T>,
  retryOn: (err: unknown) => boolean,
  attempts: number,
  delayMs: number,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!retryOn(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs * attempt));
    }
  }
}
