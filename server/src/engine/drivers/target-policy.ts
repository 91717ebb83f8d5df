import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/*
 * Where Shiplog may send requests (WEBHOOK deployments, and later outbound event webhooks). Some addresses are
 * never a deployment tool: link-local (cloud metadata services live there), multicast, broadcast and unspecified
 * ones are always refused. Beyond that any address is allowed, since orchestrators on private networks are the
 * normal case, unless the operator names the allowed targets in SHIPLOG_WEBHOOK_ALLOWED_HOSTS: host names
 * (`deploy.example.com`, or `*.example.com` for any name under it) and addresses or CIDR ranges (`10.1.0.0/16`).
 * The address is checked where the connection is made, after name resolution, so a name that resolves elsewhere
 * later is still refused.
 */

const ALWAYS_REFUSED = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal']);

export interface TargetPolicy {
  /** Allowed host names (lower case; a leading `*.` allows any name under it); null: any host. */
  hosts: string[] | null;
  /** Allowed address ranges; null: any address. */
  ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] | null;
}

export const OPEN_POLICY: TargetPolicy = { hosts: null, ranges: null };

/** Parses SHIPLOG_WEBHOOK_ALLOWED_HOSTS; throws with the entry it cannot read. */
export function parseAllowedTargets(value: string | undefined): TargetPolicy {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return OPEN_POLICY;
  const hosts: string[] = [];
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of entries) {
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`'${entry}' is not an address range such as 10.0.0.0/8`);
      ranges.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
      hosts.push(entry);
    } else {
      throw new Error(`'${entry}' is neither a host name nor an address range`);
    }
  }
  return { hosts, ranges };
}

function hostAllowed(policy: TargetPolicy, hostname: string): boolean {
  const name = hostname.toLowerCase();
  return (policy.hosts ?? []).some((host) => (host.startsWith('*.') ? name.endsWith(host.slice(1)) : name === host));
}

/** Why the address may not be a target, or null when it may. `hostname`: the name it was reached by, if any. */
export function refuseAddress(policy: TargetPolicy, address: string, hostname?: string): string | null {
  if (!ipaddr.isValid(address)) return `'${address}' is not an address`;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (ALWAYS_REFUSED.has(range)) return `${range} addresses are never allowed as targets`;
  if (policy.hosts === null && policy.ranges === null) return null;
  if (hostname !== undefined && hostAllowed(policy, hostname)) return null;
  const inRange = (policy.ranges ?? []).some(
    ([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits),
  );
  return inRange ? null : 'the target is not in SHIPLOG_WEBHOOK_ALLOWED_HOSTS';
}

/** URL brackets around an IPv6 address go; names stay as they are. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * What can be known of a URL before sending anything: its scheme, and its host when that is an address (the URL
 * parser has turned decimal, octal and hex forms into the dotted one) or a name the allow-list cannot admit.
 */
export function refuseUrl(policy: TargetPolicy, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must be an http(s) URL';
  const host = bareHost(parsed.hostname);
  if (ipaddr.isValid(host)) return refuseAddress(policy, host);
  if (policy.hosts !== null && !hostAllowed(policy, host) && (policy.ranges ?? []).length === 0) {
    return 'the target is not in SHIPLOG_WEBHOOK_ALLOWED_HOSTS';
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the connections Shiplog makes to targets: resolves the name as usual, then refuses the connection
 * unless every address it resolved to is allowed.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses;
      for (const { address } of list) {
        const refusal = refuseAddress(policy, address, ipaddr.isValid(bareHost(hostname)) ? undefined : hostname);
        if (refusal) {
          const refused: NodeJS.ErrnoException = new Error(`Refused to connect: ${refusal}`);
          refused.code = 'ETARGETREFUSED';
          return callback(refused, []);
        }
      }
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
