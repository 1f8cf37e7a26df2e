import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { query, queryOne, sql } from '../db/sql.js';
import { addressKey } from '../graphql/budget.js';

/** At most this many passwords are checked per account and client address in the window (without a right one among them). */
export const SIGN_IN_ATTEMPTS_ALLOWED = 5;
export const SIGN_IN_WINDOW_MINUTES = 15;
/** From this many attempts on an account in the window, from all addresses together, each further one waits. */
const BACKOFF_FROM = 10;
/** The longest wait: it slows guessing, and never keeps the owner out. */
const MAX_BACKOFF_MS = 5000;

const window = `${SIGN_IN_WINDOW_MINUTES} minutes`;

/**
 * How long a sign-in for an account waits before its password is checked, given the
 * attempts on the account from every address in the window: nothing for the first ten
 * (the owner's typos, a colleague's), then one second doubling every five attempts, up to
 * five seconds. A stranger can make the owner wait five seconds; never refuse them.
 */
export function backoffMs(accountAttempts: number): number {
  if (accountAttempts < BACKOFF_FROM) return 0;
  return Math.min(MAX_BACKOFF_MS, Math.round(1000 * 2 ** ((accountAttempts - BACKOFF_FROM) / 5)));
}

/** A sign-in holding one of the (account, address)'s five places: release it when the password was right. */
export interface SignInAttempt {
  release(): Promise<void>;
}

/**
 * Takes one of the five places of (account, address) in the window, or refuses with
 * TOO_MANY_REQUESTS before any password is checked.
 *
 * One statement does it: INSERT … ON CONFLICT DO UPDATE … WHERE fewer than five in the
 * window, which locks the row while it decides, so of 41 concurrent sign-ins, on however
 * many server processes, five get a place and 36 are refused unchecked (the count-then-
 * insert it replaces let all 41 through). A place is kept when the password was wrong and
 * given back when it was right, so the five are five wrong passwords at most.
 *
 * Per (account, address), so a stranger's guesses use up the stranger's places, not the
 * owner's; the account as a whole is only slowed (backoffMs). An IPv6 address counts by
 * its /64 (addressKey), or one client would be a new address per guess.
 */
export async function takeSignInPlace(em: EntityManager, email: string, clientAddress: string | null): Promise<SignInAttempt> {
  const address = addressKey(clientAddress);
  // Outside any transaction of the caller: the place is taken (and its row lock let go) at once.
  const outside = { outsideTransaction: true };
  const row = await queryOne<{ mine: string | null; oldest: string | null; account: number }>(
    em,
    sql`with taken as (
       insert into sign_in_attempts as a (email, client_address, attempts, last_at)
       values (${email}, ${address}, array[clock_timestamp()], clock_timestamp())
       on conflict (email, client_address) do update
         set attempts = array(select t from unnest(a.attempts) t where t > clock_timestamp() - ${window}::interval) || clock_timestamp(),
             last_at = clock_timestamp()
         where (select count(*) from unnest(a.attempts) t where t > clock_timestamp() - ${window}::interval) < ${SIGN_IN_ATTEMPTS_ALLOWED}::int
       returning (attempts[cardinality(attempts)])::text as mine
     )
     select (select mine from taken) as mine,
            (select min(t) from sign_in_attempts a, unnest(a.attempts) t
             where a.email = ${email} and a.client_address = ${address} and t > clock_timestamp() - ${window}::interval) as oldest,
            (select count(*)::int from sign_in_attempts a, unnest(a.attempts) t
             where a.email = ${email} and t > clock_timestamp() - ${window}::interval) as account`,
    outside,
  );
  if (!row?.mine) {
    const minutes = row?.oldest
      ? Math.max(1, Math.ceil((new Date(row.oldest).getTime() + SIGN_IN_WINDOW_MINUTES * 60_000 - Date.now()) / 60_000))
      : SIGN_IN_WINDOW_MINUTES;
    throw new GraphQLError(
      `Too many failed sign-ins for this account from this address: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      { extensions: { code: 'TOO_MANY_REQUESTS' } },
    );
  }
  const wait = backoffMs(row.account);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const mine = row.mine;
  return {
    async release() {
      await query(
        em,
        sql`update sign_in_attempts set attempts = array_remove(attempts, ${mine}::timestamptz)
            where email = ${email} and client_address = ${address}`,
        outside,
      );
    },
  };
}

/** Forgets (account, address) rows with no attempt in the window, a hundred at a time, skipping rows in use. */
export async function pruneSignInAttempts(em: EntityManager): Promise<void> {
  await query(
    em,
    sql`delete from sign_in_attempts where ctid = any(array(
       select ctid from sign_in_attempts where last_at < now() - ${window}::interval limit 100 for update skip locked))`,
    { outsideTransaction: true },
  );
}
