import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { createBenchDatabase, loadDataset, migrateBenchDatabase } from './dataset.js';
const db = await createBenchDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'vigil_coverage_exp');
await migrateBenchDatabase(db.url);
const ds = await loadDataset(db.url, { incidents: 100_000, units: 500, pingSeconds: 30 }, { radiusMetres: 50, gapSeconds: 120 });
writeFileSync('/tmp/exp-dataset.json', JSON.stringify(ds));
console.log(ds.counts, ds.timings, new Date(ds.dayFrom*1000), new Date(ds.dayTo*1000));
process.exit(0);
