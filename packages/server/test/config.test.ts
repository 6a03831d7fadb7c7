import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { tempDir } from './support/server.js';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('configuration', () => {
  it('has defaults that run on a laptop', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', maxGroupMembers: 1024, accessTokenTtlSec: 900, databasePreparedStatements: true });
    expect(config.dataDir).toMatch(/data$/);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535'],
    [{ TOKEN_SECRET: 'short' }, 'TOKEN_SECRET must be at least 32 characters'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be true or false'],
    [{ DATABASE_PREPARED_STATEMENTS: 'off' }, 'DATABASE_PREPARED_STATEMENTS must be true or false'],
    [{ DATABASE_URL: 'mysql://localhost/parley' }, 'DATABASE_URL must start with postgres:// or postgresql://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL must start with redis:// or rediss://'],
    [{ SWEEP_INTERVAL_SEC: '-1' }, 'SWEEP_INTERVAL_SEC must be an integer from 0 to 604800'],
  ])('refuses %o with a message naming it', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('selects PostgreSQL and Redis by URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db/parley', REDIS_URL: 'redis://cache:6379', REDIS_PREFIX: 'chat' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://u@db/parley', redisUrl: 'redis://cache:6379', redisPrefix: 'chat' });
  });

  it('the server exits with status 2 and one clear line on a bad value', () => {
    const result = spawnSync(process.execPath, [main], { env: { ...process.env, DATA_DIR: tempDir(), PORT: 'nope' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('parley: bad configuration: PORT must be an integer from 0 to 65535, got "nope"');
  });
});
