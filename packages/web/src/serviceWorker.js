// The Parley service worker (PRECACHE and VERSION are prepended at build time).
// It keeps the app shell, so the app opens and shows its IndexedDB copy of chats with no
// network. It never touches the API, the WebSocket, /healthz or /metrics.
/* global PRECACHE, VERSION */
const CACHE = `parley-shell-${VERSION}`;
const SERVER_PATHS = /^\/(api|healthz|metrics)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('parley-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || SERVER_PATHS.test(url.pathname)) return;
  if (event.request.mode === 'navigate') {
    // Network first, so a new version shows as soon as it is deployed; the cached shell offline.
    event.respondWith(fetch(event.request).catch(() => caches.match('/', { cacheName: CACHE }).then((r) => r || Response.error())));
    return;
  }
  // Hashed assets never change: the cache first.
  event.respondWith(caches.match(event.request, { cacheName: CACHE }).then((hit) => hit || fetch(event.request)));
});
