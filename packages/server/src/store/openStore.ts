import type { Config } from '../config.js';
import type { Store } from './Store.js';
import { openSqliteStore } from './sqlite/SqliteStore.js';

export async function openStore(config: Config): Promise<Store> {
  return openSqliteStore(config.dataDir);
}
