import type { EntityManager } from '@mikro-orm/postgresql';
import { demoUsers, loadWards } from '@vigil/seeds';
import type { Role } from '../auth/role.js';
import { upsertUser } from '../auth/users.service.js';
import { PatrolZone } from '../zones/patrol-zone.entity.js';

export interface SeedSummary {
  users: number;
  zones: number;
}

/**
 * Loads the demo data into an empty database (or tops up missing parts): demo users and
 * patrol zones from the Camden and Islington ward boundaries.
 */
export async function seedDemo(em: EntityManager): Promise<SeedSummary> {
  for (const user of demoUsers) await upsertUser(em, { ...user, role: user.role as Role });
  let zones = 0;
  if ((await em.count(PatrolZone, {})) === 0) {
    for (const ward of loadWards()) {
      em.create(PatrolZone, { name: ward.name, borough: ward.borough, gssCode: ward.gssCode, boundary: ward.boundary });
      zones++;
    }
    await em.flush();
  }
  return { users: demoUsers.length, zones };
}
