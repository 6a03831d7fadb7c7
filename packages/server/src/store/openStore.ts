import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Store } from './Store.js';
import { openSqliteStore } from './sqlite/SqliteStore.js';
import { openPostgresStore } from './postgres/PostgresStore.js';

/** DATABASE_URL selects PostgreSQL; otherwise the embedded SQLite file under DATA_DIR. */
export async function openStore(config: Config, log: Logger): Promise<Store> {
  if (config.databaseUrl) return openPostgresStore(config.databaseUrl, log, { preparedStatements: config.databasePreparedStatements });
  return openSqliteStore(config.dataDir, log);
}
