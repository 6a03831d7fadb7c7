import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './childServer.js';

const SITE = fileURLToPath(new URL('../../../../deploy/nginx/parley.conf', import.meta.url));

export interface Nginx {
  baseUrl: string;
  wsUrl: string;
  stop(): Promise<void>;
}

/**
 * nginx in front of `nodePorts`, using deploy/nginx/parley.conf as shipped: only the upstream
 * ports, the listen address and the temp paths are rewritten, so the documented config is the
 * tested one.
 */
export async function startNginx(nodePorts: number[]): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-nginx-'));
  const port = await freePort();
  const servers = nodePorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  const site = fs
    .readFileSync(SITE, 'utf8')
    .replace(/(?:    server 127\.0\.0\.1:\d+[^\n]*\n)+/g, `${servers}\n`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  const main = `${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  ${temp}
${site}
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), main);
  const binary = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nginx did not come up: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/ws/chat`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
