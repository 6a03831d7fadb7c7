import crypto from 'node:crypto';
import pg from 'pg';

/**
 * Which storage and bus the suite runs on: the embedded default, or PostgreSQL + Redis when
 * PARLEY_TEST_BACKEND=postgres (the global setup starts both and exports their URLs).
 */
export const backend = (): 'sqlite' | 'postgres' => (process.env.PARLEY_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite');

/**
 * Env that points a server at its own database and bus namespace. Keyed by `dataDir`, like the
 * SQLite file is: a restart on the same dir, or several nodes sharing it, see the same data.
 */
export async function backendEnv(dataDir: string): Promise<Record<string, string>> {
  return backend() === 'sqlite' ? {} : clusterEnv(dataDir);
}

/** PostgreSQL + Redis whatever the backend: for tests of several server processes. */
export async function clusterEnv(dataDir: string): Promise<Record<string, string>> {
  const adminUrl = process.env.PARLEY_TEST_PG_URL;
  const redisUrl = process.env.PARLEY_TEST_REDIS_URL;
  if (!adminUrl || !redisUrl) throw new Error('PARLEY_TEST_BACKEND=postgres needs the global setup (run through vitest)');
  return databaseEnv(adminUrl, redisUrl, dataDir);
}

/** A database for `dataDir` on the cluster at `adminUrl`, and a bus namespace on `redisUrl`. */
export async function databaseEnv(adminUrl: string, redisUrl: string, dataDir: string): Promise<Record<string, string>> {
  const name = `t_${crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // exists: a restart on the same dir
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString(), REDIS_URL: redisUrl, REDIS_PREFIX: name };
}
