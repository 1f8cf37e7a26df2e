import { existsSync, writeFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { exportSites, exportZones, importSitesGeoJson, importZonesGeoJson } from './places.js';
import { ImportError, importPoliceUkCsv } from './police-uk.js';
import { progressBar } from './progress.js';
import { importStreets } from './streets.js';
import { formatSummary, type ImportSummary } from './summary.js';
import { importGpx, importPositionsGeoJson } from './tracks.js';

export const IMPORT_USAGE = `vigil import crimes <file.csv>                    police.uk street-level crime CSV
vigil import gpx <unit-call-sign> <file.gpx>      a unit's GPS track
vigil import positions <unit-call-sign> <file>    a unit's positions as GeoJSON
vigil import sites <file.geojson>                 sites (Points) as GeoJSON
vigil import zones <file.geojson>                 patrol zones (Polygons) as GeoJSON
vigil import streets <file.osm.pbf|file.osm>      an OpenStreetMap extract as the routable street network for patrol plans`;
export const EXPORT_USAGE = 'vigil export zones|sites [file.geojson]   (standard output when no file is given)';

class UsageError extends Error {}

function need(args: string[], count: number): string[] {
  if (args.length !== count) throw new UsageError(IMPORT_USAGE);
  const file = args.at(-1)!;
  if (!existsSync(file)) throw new ImportError(`No such file: ${file}`);
  return args;
}

/**
 * `vigil import …`: one command per file, a progress bar on standard error while it runs,
 * and a summary on standard output (read, imported, skipped with reasons and line numbers).
 * Returns the exit code: 0 done, 1 the file could not be imported, 2 wrong usage.
 */
export async function runImport(db: Database, config: Config, args: string[]): Promise<number> {
  const em = db.orm.em.fork() as unknown as EntityManager;
  const rules = { radiusMetres: config.visitRadiusMetres, gapSeconds: config.visitGapSeconds };
  try {
    const [what, ...rest] = args;
    let summary: ImportSummary;
    let item = 'rows';
    let where = 'lines';
    switch (what) {
      case 'crimes': {
        const [file] = need(rest, 1);
        summary = await importPoliceUkCsv(em, file!, { progress: progressBar('Importing crimes') });
        break;
      }
      case 'gpx':
      case 'positions': {
        const [callSign, file] = need(rest, 2);
        const options = { rules, progress: progressBar(`Importing ${what === 'gpx' ? 'GPX track' : 'positions'} of ${callSign}`) };
        summary =
          what === 'gpx' ? await importGpx(em, callSign!, file!, options) : await importPositionsGeoJson(em, callSign!, file!, options);
        item = 'points';
        where = 'points';
        break;
      }
      case 'sites':
      case 'zones': {
        const [file] = need(rest, 1);
        const progress = progressBar(`Importing ${what}`);
        summary = what === 'sites' ? await importSitesGeoJson(em, file!, { progress }) : await importZonesGeoJson(em, file!, { progress });
        item = 'features';
        where = 'features';
        break;
      }
      case 'streets': {
        const [file] = need(rest, 1);
        summary = await importStreets(em, file!, { progress: progressBar('Importing streets') });
        item = 'ways';
        where = 'ways';
        break;
      }
      default:
        throw new UsageError(IMPORT_USAGE);
    }
    console.log(formatSummary(summary, item, where));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`Usage:\n${error.message}`);
      return 2;
    }
    if (error instanceof ImportError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

/** `vigil export zones|sites [file]`: GeoJSON that `vigil import` reads back. */
export async function runExport(db: Database, args: string[]): Promise<number> {
  const [what, file, ...extra] = args;
  if ((what !== 'zones' && what !== 'sites') || extra.length > 0) {
    console.error(`Usage: ${EXPORT_USAGE}`);
    return 2;
  }
  const em = db.orm.em.fork() as unknown as EntityManager;
  const collection = what === 'zones' ? await exportZones(em) : await exportSites(em);
  // One feature per line: compact, yet diffs and line tools still work feature by feature.
  const json = `{"type":"FeatureCollection","features":[\n${collection.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  if (file) {
    writeFileSync(file, json);
    console.error(`Wrote ${collection.features.length} ${what} to ${file}`);
  } else {
    process.stdout.write(json);
  }
  return 0;
}
