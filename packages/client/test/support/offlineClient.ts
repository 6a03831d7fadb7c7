/**
 * One run of an SDK client in its own process, for the restart test (run with vite-node).
 * PARLEY_RUN (JSON) says what to do:
 * - `queue`: sign in with the given session, try to connect (the server is unreachable),
 *   send `count` messages, close (which waits for the store) and exit;
 * - `resume`: no session given: take it, the outbox and the cursors from the store, connect,
 *   and exit once the outbox is empty; with `crashAfterAcks`, SIGKILL itself after that many
 *   acks instead, while store writes may still be in flight.
 * Prints one JSON line per event on stdout.
 */
import { FileStore, ParleyClient, type Session } from '../../src/node.js';

interface Run {
  mode: 'queue' | 'resume';
  storePath: string;
  baseUrl: string;
  session?: Session;
  chatId?: string;
  count?: number;
  crashAfterAcks?: number;
}

const run = JSON.parse(process.env.PARLEY_RUN!) as Run;
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const client = new ParleyClient({ baseUrl: run.baseUrl, store: new FileStore(run.storePath), backoff: { baseMs: 50, maxMs: 200 }, maxInFlight: 5 });

if (run.mode === 'queue') {
  client.session = run.session!;
  client.connect().catch(() => {});
  for (let i = 0; i < run.count!; i++) client.send(run.chatId!, `restart#${i}`);
  await new Promise((r) => setTimeout(r, 500));
  say({ state: client.state, pending: client.pending().map((m) => m.clientMsgId) });
  await client.close();
} else {
  let acks = 0;
  client.on('status', (m) => {
    if (m.status !== 'sent') return;
    say({ acked: m.clientMsgId, seq: m.seq });
    if (++acks === run.crashAfterAcks) process.kill(process.pid, 'SIGKILL');
  });
  await client.connect();
  say({ restored: client.session?.user.id });
  while (client.pending().length > 0) await new Promise((r) => setTimeout(r, 20));
  say({ done: true });
  await client.close();
}
process.exit(0);
