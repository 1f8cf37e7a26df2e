import { Migration } from '@mikro-orm/migrations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { reclassifyDarkness } from '../../incidents/darkness.js';

/**
 * Stored darkness was computed with suncalc 1.9, whose civil dawn and dusk run 1–3 minutes
 * late in Britain (its issue #164): an incident a minute after dusk could be stored LIGHT.
 * Darkness is now worked out with suncalc 2 (within 4 s of the NOAA solar equations;
 * incidents/darkness.ts), so every exact-time incident already stored is classified again.
 */
export class Migration20261229DarknessNoaa extends Migration {
  override async up(): Promise<void> {
    // The migration's entity manager runs in the migration's transaction.
    await reclassifyDarkness(this.getEntityManager() as unknown as EntityManager);
  }
}
