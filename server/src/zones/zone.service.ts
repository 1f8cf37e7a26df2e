import type { EntityManager } from '@mikro-orm/postgresql';
import type { MultiPolygon, Polygon } from '../db/geometry.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { checkPolygonal } from '../shared/geometry-validation.js';
import { PatrolZone } from './patrol-zone.entity.js';
import type { CreateZoneInput, UpdateZoneInput } from './zone.inputs.js';
import { boroughOf } from './zone-borough.js';

const asMulti = (g: Polygon | MultiPolygon): MultiPolygon =>
  g.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [g.coordinates] } : g;

async function unitsById(em: EntityManager, ids: string[]): Promise<PatrolUnit[]> {
  const wanted = [...new Set(ids.map((id, i) => checkId(`input.unitIds[${i}]`, id)))];
  const units = await em.find(PatrolUnit, { id: { $in: wanted } });
  const missing = wanted.find((id) => !units.some((u) => u.id === id));
  if (missing) throw badInput('input.unitIds', `no patrol unit ${missing}`);
  return units;
}

export async function getZone(em: EntityManager, id: string): Promise<PatrolZone> {
  const zone = await em.findOne(PatrolZone, { id: checkId('id', id) });
  if (!zone) throw notFound('Zone', id);
  return zone;
}

export async function createZone(em: EntityManager, input: CreateZoneInput): Promise<PatrolZone> {
  const boundary = asMulti(await checkPolygonal(em, 'input.boundary', input.boundary));
  const zone = em.create(PatrolZone, {
    name: input.name.trim(),
    boundary,
    borough: input.borough ?? (await boroughOf(em, boundary)),
    targetMinutesPerDay: input.targetMinutesPerDay ?? null,
  });
  if (input.unitIds) zone.units.set(await unitsById(em, input.unitIds));
  await em.persistAndFlush(zone);
  return zone;
}

export async function updateZone(em: EntityManager, id: string, input: UpdateZoneInput): Promise<PatrolZone> {
  const zone = await getZone(em, id);
  if (input.boundary !== undefined && input.boundary !== null) {
    zone.boundary = asMulti(await checkPolygonal(em, 'input.boundary', input.boundary));
    // A drawn zone's borough follows its outline; a ward's stays the ward's.
    if (input.borough === undefined && !zone.gssCode) zone.borough = await boroughOf(em, zone.boundary);
  }
  if (input.name) zone.name = input.name.trim();
  if (input.borough !== undefined) zone.borough = input.borough;
  if (input.targetMinutesPerDay !== undefined) zone.targetMinutesPerDay = input.targetMinutesPerDay;
  if (input.unitIds) zone.units.set(await unitsById(em, input.unitIds));
  await em.flush();
  return zone;
}

export async function deleteZone(em: EntityManager, id: string): Promise<PatrolZone> {
  const zone = await getZone(em, id);
  await em.removeAndFlush(zone);
  return zone;
}
