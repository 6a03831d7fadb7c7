import type { Config } from '../config.js';
import type { Store } from './Store.js';
import { openSqliteStore } from './sqlite/SqliteStore.js';

export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL is set, but the PostgreSQL store is not built yet; unset it to use SQLite');
  }
  return openSqliteStore(config.dataDir);
}
