import dns from 'node:dns';
import net from 'node:net';

/**
 * Push endpoints are URLs a client hands us and the server then POSTs to: without a check,
 * any user could make the server reach its own network (a cloud metadata service, an admin
 * port on localhost). Push services are on the public internet, so endpoints must be too.
 */
const notPublic = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) notPublic.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) notPublic.addSubnet(prefix, bits, 'ipv6');

/** Whether an IP address is one the public internet routes (not loopback, private, link-local, …). */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return !notPublic.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) reaches the IPv4 host: judge that one.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  return !notPublic.check(address, 'ipv6');
}

/**
 * What a URL's host says by itself: an IP address must be public, and a `localhost` name never
 * leaves the machine whatever DNS says (RFC 6761). Any other name is judged as it resolves.
 */
export function hostMayBePublic(url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // WHATWG URL has already normalised 127.1, 0x7f000001, …
  if (net.isIP(host)) return isPublicAddress(host);
  return !/(^|\.)localhost\.?$/i.test(host);
}

export const NOT_PUBLIC = 'ENOTPUBLIC';

/**
 * A `lookup` for outgoing requests that fails when a name resolves to any address that is not
 * public. Checked as the socket connects, not when the endpoint was accepted, so a name that
 * later points at an internal address (DNS rebinding) is still refused.
 */
export const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) {
      const error = Object.assign(new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`), { code: NOT_PUBLIC });
      return callback(error, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
