import { Migration } from '@mikro-orm/migrations';

/**
 * Read-your-writes with read replicas (db/replicas.ts): the primary's WAL position after
 * each caller's latest mutation. Read by every API node before sending that caller's
 * reads to a standby. Unlogged: it is worthless after a crash (no standby is behind a
 * write that a crash lost) and standbys never read it, so it costs no WAL.
 */
export class Migration20261224RecentWrites extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create unlogged table recent_writes (
        user_id uuid primary key,
        position pg_lsn not null,
        at timestamptz not null default now()
      );`);
  }
}
