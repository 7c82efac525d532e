import { isIP } from 'node:net';
import { SafeFetchError } from './errors.ts';

export interface Target {
  url: URL;
  /** Hostname as undici will connect to it (IPv6 without brackets). */
  hostname: string;
  /** Hostname normalised for comparisons: lowercase, no brackets, no trailing dot. */
  matchName: string;
  port: number;
  /** 4 or 6 for an IP literal, 0 for a name that needs resolving. */
  literal: 0 | 4 | 6;
}

// Always loopback by RFC 6761 or a cloud metadata alias; refused before any DNS is asked.
const loopbackNames = ['localhost'];
const metadataNames = ['metadata', 'metadata.google.internal', 'metadata.goog'];

/** Parses and vets a URL (scheme, credentials); relative locations resolve against base. */
export function parseTarget(raw: string, base?: URL): Target {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new SafeFetchError('invalid_url', `not a valid URL: ${truncate(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('invalid_url', `only http and https URLs are fetched, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SafeFetchError('invalid_url', 'URLs with credentials are refused');
  }
  url.hash = '';
  const hostname = stripBrackets(url.hostname);
  const family = isIP(hostname);
  return {
    url,
    hostname,
    matchName: normaliseName(url.hostname),
    port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    literal: family === 4 || family === 6 ? family : 0,
  };
}

/** Why a host name is refused before resolution, or undefined. */
export function hostnameRefusal(matchName: string, allowPrivate: boolean): string | undefined {
  if (metadataNames.includes(matchName)) return 'cloud metadata host';
  if (allowPrivate) return undefined;
  if (loopbackNames.some((name) => matchName === name || matchName.endsWith(`.${name}`))) return 'loopback host';
  return undefined;
}

/** True when an allowedHosts entry names this host (and port, when the entry has one). */
export function isExempt(target: Target, allowedHosts: string[]): boolean {
  return allowedHosts.some((entry) => {
    const allowed = parseAllowedHost(entry);
    return allowed !== undefined && allowed.name === target.matchName && (allowed.port === undefined || allowed.port === target.port);
  });
}

function parseAllowedHost(entry: string): { name: string; port?: number } | undefined {
  const text = entry.trim();
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(text);
  if (bracketed) return withPort(bracketed[1], bracketed[2]);
  if (isIP(text) === 6) return withPort(`[${text}]`, undefined);
  const hostAndPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostAndPort) return withPort(hostAndPort[1], hostAndPort[2]);
  return withPort(text, undefined);
}

function withPort(host: string | undefined, port: string | undefined): { name: string; port?: number } | undefined {
  if (host === undefined || host === '') return undefined;
  try {
    // The URL parser normalises the entry exactly as it normalises the fetched URL (numeric forms, case, IDNA).
    const name = normaliseName(new URL(`http://${host}/`).hostname);
    return port === undefined ? { name } : { name, port: Number(port) };
  } catch {
    return undefined;
  }
}

function normaliseName(hostname: string): string {
  return stripBrackets(hostname).toLowerCase().replace(/\.$/, '');
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
