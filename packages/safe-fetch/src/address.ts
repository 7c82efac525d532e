import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

// Refused even with allowPrivate: credentials live behind these (AWS, ECS, Alibaba; GCP's
// 169.254.169.254 is the same as AWS's). Reaching one takes an explicit allowedHosts entry.
const metadataAddresses = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

const globalUnicast = ipaddr.IPv6.parseCIDR('2000::/3');
const wellKnownNat64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * Why an address must not be contacted, or undefined when it may be.
 * Public unicast is the only thing allowed by default; everything else is named and refused.
 */
export function addressRefusal(address: string, allowPrivate: boolean): string | undefined {
  const parsed = parseStrict(address);
  if (parsed === undefined) return 'not an IP address';
  const embedded = parsed.kind() === 'ipv6' ? embeddedIPv4(parsed as ipaddr.IPv6) : undefined;
  if (isMetadata(parsed) || (embedded !== undefined && isMetadata(embedded))) return 'cloud metadata address';
  if (allowPrivate) return undefined;
  return parsed.kind() === 'ipv4' ? ipv4Refusal(parsed as ipaddr.IPv4) : ipv6Refusal(parsed as ipaddr.IPv6);
}

function parseStrict(address: string): Address | undefined {
  // A zone id (fe80::1%eth0) names an interface, not a different address.
  const bare = address.split('%')[0] ?? '';
  const family = isIP(bare);
  // ipaddr.js accepts legacy IPv4 forms (octal, hex, bare integers); only textbook addresses get this far.
  if (family === 4) return ipaddr.IPv4.parse(bare);
  if (family !== 6) return undefined;
  // ipaddr.js misreads IPv4-suffixed IPv6 (it takes ::127.0.0.1 for ::ffff:127.0.0.1), so
  // let the URL parser rewrite it in plain hex groups first.
  return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
}

function isMetadata(address: Address): boolean {
  const text = address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
  return metadataAddresses.has(text);
}

function ipv4Refusal(address: ipaddr.IPv4): string | undefined {
  const range = address.range();
  return range === 'unicast' ? undefined : `${range} address`;
}

function ipv6Refusal(address: ipaddr.IPv6): string | undefined {
  const range = address.range();
  const embedded = embeddedIPv4(address);
  if (embedded !== undefined) {
    const inner = ipv4Refusal(embedded);
    return inner === undefined ? undefined : `${range} form of a ${inner}`;
  }
  // Local-use NAT64 prefixes embed IPv4 at a site-chosen offset, so they cannot be decoded reliably.
  if (range === 'rfc6052') return 'local NAT64 address';
  // Teredo hides the client IPv4 behind XOR obfuscation; not worth the risk for an image fetch.
  if (range === 'teredo') return 'teredo address';
  if (range !== 'unicast') return `${range} address`;
  // Outside 2000::/3 nothing is assigned for public use; this also catches IPv4-compatible ::a.b.c.d.
  if (!address.match(globalUnicast)) return 'non-global IPv6 address';
  return undefined;
}

/** The IPv4 address an IPv6 address stands for when it is a translation or tunnel form of one. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  const range = address.range();
  const fromParts = (high: number | undefined, low: number | undefined) =>
    new ipaddr.IPv4([(high ?? 0) >> 8, (high ?? 0) & 0xff, (low ?? 0) >> 8, (low ?? 0) & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145') return fromParts(parts[6], parts[7]);
  if (range === 'rfc6052' && address.match(wellKnownNat64)) return fromParts(parts[6], parts[7]);
  if (range === '6to4') return fromParts(parts[1], parts[2]);
  return undefined;
}
