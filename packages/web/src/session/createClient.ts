import { IndexedDBStore, ParleyClient } from '@parley/client';
import { ObservedStore } from './ObservedStore.js';

/** The one SDK client of this tab: same origin as the page, session and outbox in IndexedDB. */
export async function createClient(): Promise<ParleyClient> {
  const store = new ObservedStore(new IndexedDBStore('parley'));
  const client = new ParleyClient({ baseUrl: window.location.origin, store });
  await store.loaded();
  return client;
}

/** "Chrome on Linux": what the devices list shows for this session. */
export function deviceName(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}
