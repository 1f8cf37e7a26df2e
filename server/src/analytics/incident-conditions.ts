import { pgArray } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';
import { checkCategories } from '../incidents/categories.js';
import type { HateCrimeFlag } from '../incidents/incident.entity.js';
import { DarknessFilter } from '../incidents/incident.inputs.js';
import type { Params } from './sql-builder.js';

export interface IncidentSelection {
  categories?: string[] | null;
  from: Date;
  to: Date;
  darkness?: DarknessFilter | null;
  hateCrime?: boolean | null;
  hateCrimeFlags?: HateCrimeFlag[] | null;
}

/** SQL conditions (joined with `and`) choosing the incidents an analysis counts. */
export function incidentConditions(p: Params, s: IncidentSelection, field = 'input', alias = 'i'): string {
  if (s.from.getTime() >= s.to.getTime()) throw badInput(`${field}.from`, `must be before ${field}.to`);
  const conditions = [`${alias}.occurred_at >= ${p.add(s.from)}`, `${alias}.occurred_at < ${p.add(s.to)}`];
  if (s.categories?.length) {
    checkCategories(`${field}.categories`, s.categories);
    conditions.push(`${alias}.category = any(${p.add(pgArray(s.categories))}::text[])`);
  }
  if (s.darkness && s.darkness !== DarknessFilter.ANY) conditions.push(`${alias}.darkness = ${p.add(s.darkness)}::darkness`);
  if (s.hateCrime === true) conditions.push(`${alias}.hate_crime_flags <> '{}'`);
  if (s.hateCrime === false) conditions.push(`${alias}.hate_crime_flags = '{}'`);
  if (s.hateCrimeFlags?.length) conditions.push(`${alias}.hate_crime_flags && ${p.add(pgArray(s.hateCrimeFlags))}::text[]`);
  return conditions.join(' and ');
}
