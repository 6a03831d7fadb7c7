import './heapTuning.js';
import { ConfigError, loadConfig } from './config.js';
import { buildParley } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`parley: bad configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const parley = await buildParley(config);
  await parley.app.listen({ port: config.port, host: config.host });
  parley.ctx.log.info({ dataDir: config.dataDir, storage: parley.ctx.store.kind }, 'parley is ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    parley.ctx.log.info({ signal }, 'shutting down: draining connections and commits');
    await parley.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`parley: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
