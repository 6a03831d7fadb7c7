import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Inline (CommonJS, eval) so that it loads the same way from the build and from TypeScript under the test runner.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Copies the WAL back into the database file from a connection on its own thread. Left to the
 * writing connection (SQLite's autocheckpoint), a checkpoint runs inside a COMMIT on the event
 * loop: a stall of tens of milliseconds, after which a busy message path never catches up.
 * A PASSIVE checkpoint never blocks the writer; SQLite starts the WAL over once it has caught up.
 */
export class Checkpointer {
  private readonly thread: Worker;

  constructor(file: string, everyMs: number, onError: (message: string) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.thread = new Worker(THREAD, { eval: true, workerData: { driver, file, everyMs } });
    this.thread.on('message', onError);
    this.thread.on('error', (err) => onError(err.message));
    this.thread.unref();
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.thread.once('exit', resolve));
    this.thread.ref(); // or a script that only closes the store would end before the thread does
    this.thread.postMessage('stop');
    await exited;
  }
}
