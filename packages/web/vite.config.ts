import crypto from 'node:crypto';
import fs from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** No script but our own files, no plugins, no base tag: a second wall behind text-only rendering. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * For the production build: a Content-Security-Policy, and `sw.js`, the service worker from
 * src/serviceWorker.js with the build's own file list prepended, so the app shell is cached
 * at install and a reload works with no network.
 */
function productionShell(): Plugin {
  return {
    name: 'parley-production-shell',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
    generateBundle(_options, bundle) {
      const publicFiles = fs.readdirSync(new URL('./public', import.meta.url));
      const files = ['/', ...publicFiles.map((f) => `/${f}`), ...Object.keys(bundle).filter((f) => !f.endsWith('.map')).map((f) => `/${f}`)];
      const source = fs.readFileSync(new URL('./src/serviceWorker.js', import.meta.url), 'utf8');
      // Any change to the file list (new hashes) is a new worker and a new cache.
      const version = crypto.createHash('sha256').update(files.join('|')).digest('hex').slice(0, 12);
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: `const PRECACHE = ${JSON.stringify(files)};\nconst VERSION = ${JSON.stringify(version)};\n${source}`,
      });
    },
  };
}

const server = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react(), productionShell()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  // `npm run dev -w @parley/web` next to `npm start`: the API and WebSocket go to that server.
  server: { proxy: { '/api': { target: server, ws: true } } },
});
