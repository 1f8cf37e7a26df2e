import type { EntityManager } from '@mikro-orm/postgresql';
import { openOrm, previewPlan, seedDemo } from '@vigil/server';
import { createBenchDatabase, migrateBenchDatabase } from './dataset.js';
import { median, ms, percentile } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';

/** Two runs, the plan the same both times (three before: the full run has to stay under 6 minutes). */
const RUNS = 2;

interface Instance {
  label: string;
  /** Prepares the database: sites, units and their zones. Returns the unit ids to plan. */
  prepare(em: EntityManager): Promise<string[]>;
}

/** London time of tomorrow's 07:00 and 23:00 (a day shift), as Dates. */
function dayShift(): { from: Date; to: Date } {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(Date.now() + 86_400_000));
  const offset =
    Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hour12: false }).format(new Date(`${ymd}T12:00:00Z`)),
    ) - 12;
  const at = (h: number) => new Date(new Date(`${ymd}T00:00:00Z`).getTime() + (h - offset) * 3600_000);
  return { from: at(7), to: at(23) };
}

/**
 * Patrol planning on a database of its own (the demo's zones and sites, no traces): planning
 * time through the plan service (no HTTP: the GraphQL layer adds nothing measurable to one
 * request), the plan's travel against the nearest-neighbour round (a crew planning by eye)
 * on the same problem, and against the lower bound (lower-bound.ts) — the best possible plan
 * lies between the bound and the plan. Deterministic: every run gives the same plan.
 */
async function planScenario(ctx: Context, name: string, instance: Instance, from: Date, to: Date): Promise<Row> {
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await createBenchDatabase(adminUrl, `vigil_plans_${process.pid}`);
  try {
    await migrateBenchDatabase(db.url);
    const orm = await openOrm(db.url, 2);
    try {
      const em = () => orm.em.fork() as unknown as EntityManager;
      await seedDemo(em(), { days: 1, eventDaysAgo: 0, patrolDays: 0, scale: 0.01 });
      const unitIds = await instance.prepare(em());
      const input = { unitIds, from, to };
      const timesMs: number[] = [];
      let plan: Awaited<ReturnType<typeof previewPlan>>['plan'] | null = null;
      let first = '';
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const result = await previewPlan(em(), input);
        timesMs.push(performance.now() - started);
        const fingerprint = JSON.stringify(result.solution.routes);
        if (run === 0) first = fingerprint;
        else if (fingerprint !== first) throw new Error(`${name}: run ${run + 1} gave another plan for the same input`);
        plan = result.plan;
      }
      const p = plan!;
      const km = (m: number) => `${(m / 1000).toFixed(1)} km`;
      const planned = p.plannedVisits;
      const nn = p.solver.nearestNeighbourMetres;
      const lb = p.solver.lowerBoundMetres;
      ctx.log(
        `${name}: ${planned}/${p.requiredVisits} visits planned, ${km(p.travelMetres)}; nearest neighbour ${p.solver.nearestNeighbourVisits} visits ${km(nn)}; lower bound ${km(lb)}; ${p.solver.moves} local-search moves`,
      );
      const ok = planned >= p.solver.nearestNeighbourVisits && p.travelMetres <= nn;
      return {
        scenario: `plan: ${instance.label}`,
        median: ms(median(timesMs)),
        p95: ms(percentile(timesMs, 95)),
        throughput: `${planned} of ${p.requiredVisits} visits, ${km(p.travelMetres)}`,
        baseline: `nearest neighbour: ${p.solver.nearestNeighbourVisits} visits, ${km(nn)}; lower bound ${km(lb)}`,
        ratio: `${times(p.travelMetres / nn)} NN km, ${times(p.travelMetres / lb)} bound`,
        target: '≥ NN visits, ≤ NN km',
        verdict: verdict(ok),
        rss: `${Math.round(process.memoryUsage().rss / 1048576)} MB`,
        note: `${RUNS} runs of the plan service (solver, nearest-neighbour baseline and bound included) on the demo's ward zones, a ${Math.round((to.getTime() - from.getTime()) / 3600_000)} h shift, 12-minute stops, straight line × 1.3 at 20 km/h; the same plan every run. Travel of the plan ÷ the nearest-neighbour round's and ÷ the lower bound (which holds for the plan's own visits).`,
      };
    } finally {
      await orm.close(true);
    }
  } finally {
    await db.drop();
  }
}

/** The 47 demo sites, each twice a day, for the Camden and the Islington reassurance cars. */
export function plans47Scenario(ctx: Context): Promise<Row> {
  const { from, to } = dayShift();
  return planScenario(
    ctx,
    'plans-47',
    {
      label: '47 sites × 2 visits, 2 units (Camden and Islington cars), 16 h',
      async prepare(em) {
        await em.execute(`update sites set required_visits_per_day = 2, active_from = now() - interval '60 days'`);
        const units = await em.execute<{ id: string }[]>(
          `select id from patrol_units where call_sign in ('CN-R1', 'IS-R1') order by call_sign`,
        );
        return units.map((u) => u.id);
      },
    },
    from,
    to,
  );
}

/**
 * 400 sites × 2 visits for 10 cars: the demo's 34 wards shared out (ward k to car k mod 10),
 * 400 sites scattered over them (ST_GeneratePoints with a fixed seed), a 24 h day.
 */
export function plans400Scenario(ctx: Context): Promise<Row> {
  const { from } = dayShift();
  const start = new Date(from.getTime() - 7 * 3600_000);
  return planScenario(
    ctx,
    'plans-400',
    {
      label: '400 sites × 2 visits, 10 units, 24 h',
      async prepare(em) {
        await em.execute('delete from sites');
        await em.execute('delete from patrol_zone_units');
        const units = await em.execute<{ id: string }[]>(
          `insert into patrol_units (id, call_sign, kind, team, borough)
           select gen_random_uuid(), 'PL-' || lpad(k::text, 2, '0'), 'CAR', 'Bench planning', 'Camden'
           from generate_series(1, 10) k returning id`,
        );
        await em.execute(
          `insert into patrol_zone_units (patrol_zone_id, patrol_unit_id)
           select z.id, u.id from (select id, row_number() over (order by gss_code) - 1 as k from patrol_zones) z
           join (select id, row_number() over (order by call_sign) - 1 as k from patrol_units where call_sign like 'PL-%') u on u.k = z.k % 10`,
        );
        await em.execute(
          `insert into sites (id, name, kind, location, risk_level, required_visits_per_day, active_from)
           select gen_random_uuid(), 'Bench site ' || (d.path[1]), 'SYNAGOGUE', d.geom, 'HIGH', 2, now() - interval '60 days'
           from (select ST_Dump(ST_GeneratePoints(ST_Union(boundary), 400, 20261228)) as d from patrol_zones) g,
                lateral (select (g.d).path as path, (g.d).geom as geom) d`,
        );
        return units.map((u) => u.id);
      },
    },
    start,
    new Date(start.getTime() + 24 * 3600_000),
  );
}
