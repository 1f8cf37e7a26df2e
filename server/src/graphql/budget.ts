import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory } from 'rate-limiter-flexible';

/**
 * A client address as budgets and throttles count it: an IPv4 address as itself (also
 * when it comes IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address by its /64 — the least a
 * single subscriber is given, so one client cannot be a fresh address per request.
 */
export function addressKey(address: string | null): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  // Expand "::" so the first four groups are the /64 prefix.
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Operations a minute per caller, per server process (a second process has its own; a
 * proxy in front can add a shared one). Every operation draws on it: each HTTP request,
 * each subscription started over graphql-ws, each socket opened.
 *
 * The key is who the caller is once their token is verified (`user:<id>`: every token
 * and every spelling of the header share one budget), or the client address when there is
 * no token or it fails (`address:<ip>`: forged tokens, however varied, share that one).
 */
export class RequestBudget {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  static key(userId: string | null, clientAddress: string | null): string {
    return userId ? `user:${userId}` : `address:${addressKey(clientAddress)}`;
  }

  /** Takes one operation from the key's budget; throws RATE_LIMITED (HTTP 429 with Retry-After) when it is spent. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      const seconds = Math.max(1, Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000));
      throw new GraphQLError(`Too many requests: at most ${this.perMinute} a minute; try again in ${seconds} s`, {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) } },
      });
    }
  }
}
