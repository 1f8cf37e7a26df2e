import pg from 'pg';
import { GI_STAR_SQL } from './raw-sql.js';
const c = new pg.Client('postgres://postgres@127.0.0.1:5432/vbx_explore'); await c.connect();
const camden = (await c.query(`select ST_AsGeoJSON(ST_Multi(ST_Union(boundary)), 7) as g from patrol_zones where borough = 'Camden'`)).rows[0].g;
const to = new Date(); const from = new Date(to.getTime() - 365 * 86400e3);
const pts = `select count(*) from incidents i, (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as wgs84) m where i.occurred_at >= $2 and i.occurred_at < $3 and ST_Intersects(i.location, m.wgs84)`;
async function t(label: string, sql: string) { const ts: number[] = []; for (let k = 0; k < 4; k++) { const t0 = performance.now(); await c.query(sql, [camden, from, to]); ts.push(performance.now() - t0); } console.log(label.padEnd(30), ts.map((x) => x.toFixed(0)).join(' ')); }
await t('points', pts);
await t('gi*', GI_STAR_SQL);
await c.query('set jit = off');
await t('points jit off', pts);
await t('gi* jit off', GI_STAR_SQL);
const r = await c.query(`explain (analyze, buffers) ${pts}`, [camden, from, to]);
console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
await c.end();
