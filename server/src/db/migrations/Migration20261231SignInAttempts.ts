import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in throttling (issue #13): the times of the sign-ins being checked or found wrong,
 * per account (the e-mail tried) and client address, in one row each. A sign-in takes its
 * place in the row with one INSERT … ON CONFLICT DO UPDATE … WHERE fewer than five, which
 * holds the row's lock, so no concurrency and no number of server processes lets a sixth
 * password be checked (auth/sign-in-throttle.ts). The audit log stays the record; this is
 * the counter.
 */
export class Migration20261231SignInAttempts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sign_in_attempts (
        email text not null,
        client_address text not null,
        attempts timestamptz[] not null default '{}',
        last_at timestamptz not null default now(),
        primary key (email, client_address)
      );`);
    // Old rows are pruned by their last attempt.
    this.addSql(`create index sign_in_attempts_last_at_idx on sign_in_attempts (last_at);`);
  }
}
