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

// ---------- Notifications: Web Push and notices (docs/notifications.md) ----------
// A push is a hint that messages are waiting: one notification per chat (tag = chatId), replaced
// by the next. The messages themselves come through the app's own link when it opens. Reactions
// to the user's messages get one notification per chat of their own, so a reaction never
// replaces the notice of unread messages. A tab of the app that is open but not looked at asks
// for a notice of new messages (the server pushes only to users with no device connected): a
// push-shaped payload, shown the same way.

/** How long a window the browser calls focused has to say whether it is looked at; silent counts as yes. */
const ATTENTION_TIMEOUT_MS = 1000;
/** Per chat, the highest message seq a notification was shown for: pushes and notices from every tab. */
const NOTICED = 'parley-noticed';

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(event.data));
});

async function showPush(data) {
  let push;
  try {
    push = data && data.json();
  } catch {
    return; // not ours
  }
  if (!push || (push.type !== 'message' && push.type !== 'reaction') || !push.chatId) return;
  // Connected users get no push from the server, but this user may be connected in another tab
  // (on another session): a window in front is already showing the chat.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.focused && w.visibilityState === 'visible')) return;
  if (push.type === 'message' && Number.isInteger(push.seq) && !(await inTurn(() => claimSeq(push.chatId, push.seq)))) return;
  await show(push);
}

self.addEventListener('message', (event) => {
  const push = event.data && event.data.type === 'parley.notice' ? event.data.push : undefined;
  if (!push || push.type !== 'message' || typeof push.chatId !== 'string' || !Number.isInteger(push.seq)) return;
  event.waitUntil(inTurn(() => showNotice(push, event.source && event.source.id)));
});

/**
 * Every tab of the app gets the same messages and asks for the same notice: the first shows it.
 * The tab asking is not looked at (it checked); another one that is means the user sees the chat list.
 */
async function showNotice(push, askingId) {
  if (await otherWindowAttended(askingId)) return;
  if (!(await claimSeq(push.chatId, push.seq))) return;
  await show(push);
}

/** Windows the browser calls focused and visible are asked, as a page decides for itself; headless Chromium calls every page focused. */
async function otherWindowAttended(exceptId) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const inFront = windows.filter((w) => w.id !== exceptId && w.focused && w.visibilityState === 'visible');
  return (await Promise.all(inFront.map(askAttended))).some(Boolean);
}

function askAttended(client) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    // A page that does not answer (signed out, an older version of the app): the browser's word.
    const timer = setTimeout(() => resolve(true), ATTENTION_TIMEOUT_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(Boolean(event.data && event.data.attended));
    };
    client.postMessage({ type: 'parley.attention' }, [channel.port2]);
  });
}

/**
 * Whether `seq` is newer than any message of the chat already shown, recording it if so. Kept in
 * the Cache API, since the browser stops an idle worker and its memory with it.
 */
async function claimSeq(chatId, seq) {
  const cache = await caches.open(NOTICED);
  const key = `/noticed/${encodeURIComponent(chatId)}`;
  const hit = await cache.match(key);
  if (hit && Number(await hit.text()) >= seq) return false;
  await cache.put(key, new Response(String(seq)));
  return true;
}

let turn = Promise.resolve();
/** One claim (or notice) after another: two tabs asking at once must not both find a chat's seq new. */
function inTurn(work) {
  const result = turn.then(work);
  turn = result.catch(() => {});
  return result;
}

async function show(push) {
  const { title, body } = push.type === 'reaction' ? reactionText(push) : notificationText(push);
  await self.registration.showNotification(title, {
    body,
    tag: push.type === 'reaction' ? `${push.chatId}:reaction` : push.chatId,
    renotify: true,
    icon: '/favicon.svg',
    data: { chatId: push.chatId },
  });
}

/** "Ann" / "Ann in Team", and the preview, "New message" or "3 new messages" (previews may be off). */
function notificationText(push) {
  const sender = (push.sender && push.sender.displayName) || 'Someone';
  const count = push.count > 1 ? push.count : 1;
  const group = push.chatType === 'group' && push.chatName;
  const text = push.preview ? (group ? `${sender}: ${push.preview}` : push.preview) : undefined;
  if (count > 1) {
    // Several messages, maybe from several people: the group's name, the newest as a second line.
    const title = group ? push.chatName : sender;
    return { title, body: text ? `${count} new messages\n${text}` : `${count} new messages` };
  }
  return { title: group ? `${sender} in ${push.chatName}` : sender, body: push.preview || 'New message' };
}

/** "Ann" / "Ann in Team", and "Reacted 👍 to: “see you at 8”" or, previews off, "Reacted 👍 to your message". */
function reactionText(push) {
  const sender = (push.sender && push.sender.displayName) || 'Someone';
  const title = push.chatType === 'group' && push.chatName ? `${sender} in ${push.chatName}` : sender;
  const reacted = push.emoji ? `Reacted ${push.emoji}` : 'Reacted';
  return { title, body: push.preview ? `${reacted} to: “${push.preview}”` : `${reacted} to your message` };
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openChat(event.notification.data && event.notification.data.chatId));
});

/** Brings an app window forward and has it open the chat, or opens one at the chat's URL (ui/useOpenChat). */
async function openChat(chatId) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((w) => w.focused) || windows[0];
  if (open) {
    const focused = await open.focus();
    focused.postMessage({ type: 'parley.openChat', chatId });
    return;
  }
  await self.clients.openWindow(chatId ? `/#/chat/${encodeURIComponent(chatId)}` : '/');
}

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event));
});

/**
 * The push service replaced or dropped the subscription. The worker holds no session (the SDK
 * keeps the tokens in the tab, and a second refresher would trip refresh-token reuse detection),
 * so it subscribes again and lets open windows send it; otherwise the app sends it at its next start.
 */
async function resubscribe(event) {
  const options = event.oldSubscription && event.oldSubscription.options;
  if (!event.newSubscription && options) await self.registration.pushManager.subscribe(options).catch(() => {});
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const w of windows) w.postMessage({ type: 'parley.pushSubscriptionChanged' });
}
