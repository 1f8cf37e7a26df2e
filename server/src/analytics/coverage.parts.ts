import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reads } from '../db/replicas.js';
import type { AppliedFilter } from '../incidents/incident-filter.js';
import type { VisitRules } from '../patrols/positions.service.js';
import type { AreaInput } from './area.js';
import {
  type CellDosageRow,
  hotspotDosage,
  type SiteCoverageRow,
  siteCoverage,
  type ZoneCoverageRow,
  zoneCoverage,
  zonesBox,
} from './coverage.service.js';
import { fillReach, planReach } from './reach.js';

export interface CoverageRequest extends AreaInput {
  from: Date;
  to: Date;
  /** The incidents of the dosed hot-spot map, its window and area filled in. */
  hotspotFilter: AppliedFilter;
}

/**
 * The parts of one coverage report, each computed the first time it is asked for and
 * then shared. Their costs differ by orders of magnitude: site figures read the visits
 * table (milliseconds), zone coverage buffers every unit's path in the window (seconds),
 * hot-spot dosage builds a Gi* map first. A map layer that shows zone coverage should not
 * pay for the hot-spot map, nor a planner's preview for path buffers.
 */
export class CoverageParts {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    /** The primary: patrol reach is kept there on first use. */
    private readonly em: EntityManager,
    /** Where the figures are read: a hot standby when one serves (db/replicas.ts). */
    private readonly reads: Reads,
    private readonly rules: VisitRules,
    private readonly request: CoverageRequest,
    /** The resolved area, GeoJSON in WGS84. */
    private readonly area: string,
  ) {}

  sites(): Promise<SiteCoverageRow[]> {
    return this.once('sites', () => this.reads((em) => siteCoverage(em, this.area, this.request.from, this.request.to)));
  }

  zones(): Promise<ZoneCoverageRow[]> {
    return this.once('zones', async () => {
      // One plan for the fill and the read: an hour settling in between must not be read as kept before it is.
      const plan = planReach(this.request.from, this.request.to);
      // Reach is kept on the primary; a standby then reads it only once it has replayed what was just kept.
      const kept = await fillReach(this.em, this.rules, plan, zonesBox(this.area));
      return this.reads((em) => zoneCoverage(em, this.rules, this.area, plan), { fresh: kept > 0 });
    });
  }

  hotspotCells(): Promise<CellDosageRow[]> {
    return this.once('hotspotCells', () =>
      this.reads((em) => hotspotDosage(em, this.rules, this.request.hotspotFilter, this.request, this.area)),
    );
  }

  private once<T>(part: string, compute: () => Promise<T>): Promise<T> {
    let pending = this.memo.get(part) as Promise<T> | undefined;
    if (!pending) {
      pending = compute();
      this.memo.set(part, pending);
    }
    return pending;
  }
}
