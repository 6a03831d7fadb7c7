import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, onExitCleanup, portOpen, startProc, waitUntil } from '../proc.js';
import type { Identity, Pair, Target } from '../targets/Target.js';

export const XMPP_DOMAIN = 'bench.localhost';
const CONFIG = fileURLToPath(new URL('../../peers/prosody/prosody.cfg.lua', import.meta.url));

/** Debian's Prosody, installed on first use when the bench runs as root (as `npm test` does for PostgreSQL). */
export function ensureProsody(): void {
  if (spawnSync('sh', ['-c', 'command -v prosody'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error("Prosody is not installed: sudo apt-get install -y prosody (or run with --peers socketio)");
  console.log('Installing prosody from Debian (a benchmark peer)…');
  const result = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y prosody'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error('apt-get install prosody failed');
}

/** Prosody (internal_plain accounts) keeps one Lua file per account; writing them is the fastest registration. */
function writeAccounts(dir: string, users: Identity[]): void {
  const accounts = path.join(dir, 'data', XMPP_DOMAIN.replace(/\W/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`), 'accounts');
  fs.mkdirSync(accounts, { recursive: true });
  for (const u of users) fs.writeFileSync(path.join(accounts, `${u.user}.dat`), `return {\n\t["password"] = "${u.secret}";\n};\n`);
}

/**
 * Prosody on a free loopback port, with the config in packages/bench/peers/prosody. Accounts
 * must exist before clients log in; `createUsers` writes them while Prosody runs, which the
 * internal storage reads on each login.
 */
export async function startProsody(): Promise<Target> {
  ensureProsody();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-prosody-'));
  const forget = onExitCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'certs'));
  const port = await freePort();
  const proc = startProc('prosody', 'prosody', ['-F', '--config', CONFIG], {
    PARLEY_BENCH_PROSODY_DIR: dir,
    PARLEY_BENCH_PROSODY_PORT: String(port),
  });
  await waitUntil('c2s port', proc, () => portOpen(port));
  let next = 0;
  const users = (count: number): Identity[] => {
    const made = Array.from({ length: count }, () => ({ user: `u${next++}`, secret: crypto.randomBytes(8).toString('hex') }));
    writeAccounts(dir, made);
    return made;
  };
  return {
    key: 'prosody',
    label: 'Prosody (XMPP)',
    kind: 'xmpp',
    urls: [`xmpp://127.0.0.1:${port}`],
    procs: [proc],
    createUsers: async (count) => users(count),
    async createPairs(count): Promise<Pair[]> {
      const made = users(count * 2);
      return Array.from({ length: count }, (_, i) => ({ sender: made[2 * i]!, recipient: made[2 * i + 1]!, address: made[2 * i + 1]!.user }));
    },
    async stop() {
      await proc.stop(5000);
      forget();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
