import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Allowance, checkSource, checkTree, describeOffence } from '../support/sql-idiom.js';

const serverSrc = fileURLToPath(new URL('../../server/src', import.meta.url));

/** The few places that must do what the idiom forbids elsewhere, each with its reason. */
const ALLOWED: Allowance[] = [
  {
    file: 'db/sql.ts',
    rules: ['run', 'import', 'text'],
    why: 'defines the idiom: the one executor (knex raw with bindings, a pg client), raw text for METRIC and identifier',
  },
  {
    file: 'db/geometry.ts',
    rules: ['template'],
    why: "MikroORM's type hooks (convertToDatabaseValueSQL): they wrap the ORM's own placeholder, never a value",
  },
  {
    file: 'db/replicas.ts',
    rules: ['run'],
    why: "a read view hands its connection's knex to query(), and pins its em.execute to that connection too",
  },
];

describe('one way to write SQL in server/src', () => {
  it('runs every statement as query(em, sql`…`): no other runner, no SQL text built from values', () => {
    const offences = checkTree(serverSrc, ALLOWED);
    expect(offences.map(describeOffence), 'write these as query(em, sql`…`) (server/src/db/sql.ts)').toEqual([]);
  });

  it('reports a value spliced into SQL, and each other way of running SQL, by file and line', () => {
    // Source text: `\${…}` and `\`` are the fixture's own template literals.
    const fixture = `import { type EntityManager, raw } from '@mikro-orm/postgresql';
import { join, query, sql } from '../db/sql.js';
export async function sites(em: EntityManager, ward: string, qb: any, sep: string) {
  await em.execute(\`select id from sites where ward = \${ward}\`); // run, template
  await em.getConnection().execute('select 1'); // run
  const text = 'select id from sites where ward = ' + ward; // concat
  const where = \`s.ward = \${ward} and s.risk_level = any(\${ward}::text[])\`; // template
  qb.andWhere('s.ward = ?', [ward]); // builder
  await em.getKnex().raw(text); // run
  const fragment = raw('ward'); // text
  await query(em, sql\`select id from sites where ward = \${ward}\`); // fine: bound
  await query(em, join([sql\`a\`, sql\`b\`], sep)); // text: a separator from a variable
  const error = \`must be a whole number from 1 to \${ward}\`; // fine: not SQL
  return [where, fragment, error];
}`;
    const found = checkSource('fixture.ts', fixture).map((o) => `${o.line} ${o.rule}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '1 import',
        '4 run',
        '4 template',
        '5 run',
        '6 concat',
        '7 template',
        '8 builder',
        '9 run',
        '10 text',
        '12 text',
      ]),
    );
    expect(found.filter((f) => ['11', '13'].includes(f.split(' ')[0]!))).toEqual([]);
    // The same checker over the tree: the fixture's splice would be named by file and line.
    expect(describeOffence(checkSource('fixture.ts', fixture).find((o) => o.rule === 'template')!)).toMatch(
      /^server\/src\/fixture\.ts:4 \[template\] SQL in a template literal/,
    );
  });

  it('keeps its allowances honest: each still names a file with something to allow', () => {
    const all = checkTree(serverSrc, []);
    for (const a of ALLOWED)
      expect(
        all.some((o) => o.file === a.file && a.rules.includes(o.rule)),
        `${a.file} needs no allowance any more`,
      ).toBe(true);
  });
});
