import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Rng } from '@vigil/seeds';
import { CRIME_CATEGORIES, ImportError, importPoliceUkCsv, type Orm, openOrm } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVigil } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
const ROWS = 100_000;
/** Malformed rows at known lines (the header is line 1, data row k is line k + 2). */
const BAD = { coordinates: [1001, 4004], category: [2002], month: [3003] };
/** Two identical anti-social behaviour rows (no Crime ID): two incidents, both kept. */
const TWIN_LINES = [5005, 5006];

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const dir = mkdtempSync(join(tmpdir(), 'vigil-crimes-'));

interface Expected {
  file: string;
  imported: number;
  noCoordinates: number;
  outside: number;
  vehicleCrime: number;
  withoutId: number;
}

/** A street-level crime file in police.uk's exact format, with quoted fields holding commas. */
function writeCrimeFile(): Expected {
  const rng = Rng.stream('police-uk-test');
  const labels = Object.values(CRIME_CATEGORIES);
  const streets = ['Fleet Road', 'South End Road', 'Pond Street', 'Holloway Road', 'Upper Street', 'Camden High Street'];
  const outcomes = [
    'Investigation complete; no suspect identified',
    'Unable to prosecute suspect',
    'Under investigation',
    'Offender given a caution',
    '',
  ];
  const lines = [HEADER];
  const expected: Expected = {
    file: join(dir, 'metropolitan-street.csv'),
    imported: 0,
    noCoordinates: 0,
    outside: 0,
    vehicleCrime: 0,
    withoutId: 0,
  };
  const bad = new Set([...BAD.coordinates, ...BAD.category, ...BAD.month]);
  let twin = '';
  for (let k = 0; k < ROWS; k++) {
    const line = k + 2;
    if (line === TWIN_LINES[1]) {
      lines.push(twin);
      expected.imported++;
      expected.withoutId++;
      continue;
    }
    const label = line === TWIN_LINES[0] ? 'Anti-social behaviour' : rng.pick(labels);
    const asb = label === 'Anti-social behaviour';
    const crimeId = asb ? '' : createHash('sha256').update(`crime ${k}`).digest('hex');
    const month = `2026-${String(rng.int(6, 10)).padStart(2, '0')}`;
    const roll = line === TWIN_LINES[0] ? 0.5 : rng.next();
    let lon = rng.range(-0.2, -0.085).toFixed(6);
    let lat = rng.range(51.518, 51.57).toFixed(6);
    let location = rng.chance(0.2) ? `On or near Parking Area, ${rng.pick(streets)}` : `On or near ${rng.pick(streets)}`;
    if (roll < 0.01) {
      lon = '';
      lat = '';
      location = 'No Location';
    } else if (roll < 0.02) {
      lon = '-0.098000'; // Croydon: another borough, well outside the area
      lat = '51.372000';
    }
    const fields = [
      crimeId,
      month,
      'Metropolitan Police Service',
      'Metropolitan Police Service',
      lon,
      lat,
      location,
      `E0100${rng.int(1000, 9999)}`,
      `${rng.chance(0.5) ? 'Camden' : 'Islington'} 0${rng.int(10, 30)}${rng.pick(['A', 'B', 'C', 'D'])}`,
      label,
      asb ? '' : rng.pick(outcomes),
      rng.chance(0.05) ? 'Reported at a bus stop, near the station' : '',
    ];
    if (BAD.coordinates.includes(line)) fields[5] = line === 1001 ? 'fifty-one' : '95.123456';
    if (BAD.category.includes(line)) fields[9] = 'Alien abduction';
    if (BAD.month.includes(line)) fields[1] = '';
    const text = fields.map(csvField).join(',');
    if (line === TWIN_LINES[0]) twin = text;
    lines.push(text);
    if (bad.has(line)) continue;
    if (roll < 0.01) expected.noCoordinates++;
    else if (roll < 0.02) expected.outside++;
    else {
      expected.imported++;
      if (label === 'Vehicle crime') expected.vehicleCrime++;
      if (asb) expected.withoutId++;
    }
  }
  writeFileSync(expected.file, `${lines.join('\r\n')}\r\n`);
  return expected;
}

let db: TestDatabase;
let orm: Orm;
const em = () => orm.em.fork() as unknown as EntityManager;
const count = async (where = 'true') =>
  (await em().getConnection().execute<{ n: number }[]>(`select count(*)::int as n from incidents where ${where}`))[0]!.n;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openOrm(db.url, 2);
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe('vigil import crimes: a police.uk street-level crime CSV', () => {
  it('imports 100,000 rows in one command with a progress bar; malformed rows are reported by line and skipped; re-importing adds 0', async () => {
    const expected = writeCrimeFile();
    const first = await runVigil(['import', 'crimes', expected.file], db.url);
    console.log(
      `police.uk CSV import of ${ROWS} rows on ${db.kind}: ${first.seconds.toFixed(1)} s (${Math.round(ROWS / first.seconds)} rows/s, CLI start included)`,
    );
    expect(first.stderr).toMatch(/Importing crimes \[[█░]+\] 100% \| [\d,]+\/[\d,]+ bytes/);
    expect(first.code, first.stderr).toBe(0);
    const n = (v: number) => v.toLocaleString('en-GB');
    expect(first.stdout).toContain(`Read ${n(ROWS)} rows from metropolitan-street.csv`);
    expect(first.stdout).toContain(`Imported ${n(expected.imported)}\n`);
    expect(first.stdout).toContain(`bad coordinates: 2 (lines ${BAD.coordinates.join(', ')})`);
    expect(first.stdout).toContain(`unknown category: 1 (line ${BAD.category.join(', ')})`);
    expect(first.stdout).toContain(`missing or bad month: 1 (line ${BAD.month.join(', ')})`);
    expect(first.stdout).toMatch(new RegExp(`no coordinates: ${n(expected.noCoordinates)} \\(lines \\d+`));
    expect(first.stdout).toMatch(new RegExp(`outside the area: ${n(expected.outside)} \\(lines \\d+`));

    expect(await count()).toBe(expected.imported);
    expect(await count(`category = 'vehicle-crime'`)).toBe(expected.vehicleCrime);
    // Month precision is kept: first instant of the month, never dark or light.
    expect(
      await count(
        `occurred_precision = 'MONTH' and darkness = 'UNKNOWN' and occurred_at = date_trunc('month', occurred_at at time zone 'UTC') at time zone 'UTC'`,
      ),
    ).toBe(expected.imported);
    // Quoted fields with commas arrive whole.
    expect(await count(`location_name like 'On or near Parking Area, %'`)).toBeGreaterThan(1000);
    expect(await count(`description like 'Reported at a bus stop, near the station%'`)).toBeGreaterThan(100);
    // Rows without a Crime ID get a stable hash; identical twins are both kept.
    expect(await count(`source_ref like 'police.uk:row:%'`)).toBe(expected.withoutId);
    expect(await count(`source = 'police.uk' and category = 'anti-social-behaviour'`)).toBe(expected.withoutId);

    const again = await runVigil(['import', 'crimes', expected.file], db.url);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported 0\n');
    expect(again.stdout).toContain(`already imported: ${n(expected.imported)}`);
    expect(await count()).toBe(expected.imported);
  }, 900_000);

  it('a file that is not a street-level crime CSV is refused, naming the missing columns', async () => {
    const file = join(dir, 'not-crimes.csv');
    writeFileSync(file, 'name,when\nsomething,2026-01\n');
    await expect(importPoliceUkCsv(em(), file)).rejects.toThrow(ImportError);
    await expect(importPoliceUkCsv(em(), file)).rejects.toThrow(/no "month", "longitude", "latitude", "crime type" column/);
    const cli = await runVigil(['import', 'crimes', file], db.url);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('Not a police.uk street-level crime CSV');
  });

  it('a crime type police.uk never used is skipped by line, while the known labels map to slugs', async () => {
    const file = join(dir, 'small.csv');
    writeFileSync(
      file,
      [
        HEADER,
        'abc1,2026-09,Metropolitan Police Service,Metropolitan Police Service,-0.165800,51.556300,On or near South End Road,E01000907,Camden 001A,Vehicle crime,Under investigation,',
        'abc2,2026-09,Metropolitan Police Service,Metropolitan Police Service,-0.165800,51.556300,On or near South End Road,E01000907,Camden 001A,Dragon theft,Under investigation,',
        'abc3,2026-09,Metropolitan Police Service,Metropolitan Police Service,-0.165800,51.556300,"On or near Pond Street, Hampstead",E01000907,Camden 001A,Violence and sexual offences,,',
      ].join('\n'),
    );
    const summary = await importPoliceUkCsv(em(), file);
    expect(summary).toMatchObject({ read: 3, imported: 2, skipped: [{ reason: 'unknown category', count: 1, lines: [3] }] });
    const rows = await em()
      .getConnection()
      .execute<{ source_ref: string; category: string; location_name: string }[]>(
        `select source_ref, category, location_name from incidents where source_ref in ('abc1', 'abc3') order by source_ref`,
      );
    expect(rows).toEqual([
      { source_ref: 'abc1', category: 'vehicle-crime', location_name: 'On or near South End Road' },
      { source_ref: 'abc3', category: 'violent-crime', location_name: 'On or near Pond Street, Hampstead' },
    ]);
  });
});
