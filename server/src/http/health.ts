import type { RequestHandler } from 'express';
import { migrationsList } from '../db/migrations/index.js';
import type { Orm } from '../db/orm.js';
import type { ReplicaSet } from '../db/replicas.js';
import { query, sql } from '../db/sql.js';

/**
 * /health for a load balancer: ok only when the database answers *and* holds the schema
 * this server was built for — every migration it knows applied, none it does not know.
 * `select 1` alone said ok while every query failed (the database recreated empty, a
 * migration rolled back, a newer server's migration this one cannot read).
 */
export function healthCheck(orm: Orm, database: 'embedded' | 'postgres', replicas: ReplicaSet | null = null): RequestHandler {
  const expected = migrationsList.map((m) => m.name);
  // Anyone may ask, so the answer is reused for a second: a flood of /health is not a flood of queries.
  let last: { at: number; status: number; body: object } | null = null;
  const answer = (res: Parameters<RequestHandler>[1], status: number, body: object) => {
    last = { at: Date.now(), status, body };
    res.status(status).json(body);
  };
  return async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (last && Date.now() - last.at < 1000) {
      res.status(last.status).json(last.body);
      return;
    }
    try {
      const rows = await query<{ name: string }>(orm.em.fork(), sql`select name from mikro_orm_migrations order by id`);
      const applied = rows.map((r) => r.name);
      const missing = expected.filter((name) => !applied.includes(name));
      const unknown = applied.filter((name) => !expected.includes(name));
      if (missing.length || unknown.length) {
        console.error(
          `[vigil] health: schema not at the expected migration (missing: ${missing.join(', ') || 'none'}; unknown: ${unknown.join(', ') || 'none'})`,
        );
        answer(res, 503, { status: 'unavailable', database, reason: 'the database schema is not the one this server expects' });
        return;
      }
      answer(res, 200, { status: 'ok', database, ...(replicas ? { replicas: replicas.status() } : {}) });
    } catch (error) {
      console.error('[vigil] health check failed:', error);
      answer(res, 503, { status: 'unavailable', database, reason: 'the database does not answer, or holds no Vigil schema' });
    }
  };
}
