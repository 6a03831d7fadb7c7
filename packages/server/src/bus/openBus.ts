import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Bus } from './Bus.js';
import { LocalBus } from './LocalBus.js';
import { RedisBus } from './RedisBus.js';

/** REDIS_URL selects cross-node fan-out; otherwise events stay in this process. */
export async function openBus(config: Config, log: Logger): Promise<Bus> {
  if (config.redisUrl) return RedisBus.open(config.redisUrl, config.redisPrefix, log);
  return new LocalBus();
}
