export { freePort } from './freePort.js';
export { postgresBinDir, startPostgres, type LocalPostgres } from './postgres.js';
export { startRedis, type LocalRedis } from './redis.js';
