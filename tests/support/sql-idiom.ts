import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The check behind tests/db/sql-idiom.test.ts: SQL in server/src is written one way,
 * `query(em, sql`…`)` (server/src/db/sql.ts), so every value is a bound parameter. It reads
 * each file with the TypeScript compiler (syntax only, no types) and reports:
 *
 * - `run`: a call that runs SQL some other way: `.execute(`, `.raw(`, `getKnex(`, `.query(`
 *   (MikroORM, knex, pg);
 * - `builder`: a query-builder condition written as text (`qb.andWhere('… ?', [v])`):
 *   `qb.andWhere(...condition(sql`…`))` instead;
 * - `template`: a template literal with `${…}` that reads as SQL and is not tagged `sql`;
 * - `concat`: SQL built by `+` from a string that reads as SQL;
 * - `import`: `raw` from sql-template-tag or MikroORM, `sql` from MikroORM, knex itself;
 * - `text`: text entering an sql`…` statement other than through a template: `raw`,
 *   `new Sql(`, `sql(…)` called as a function, `join`/`bulk` with a separator that is not
 *   a string literal.
 *
 * Only server/src/db/sql.ts, which defines the idiom, may do these; `ALLOWED` names the few
 * other places that must, each with its reason.
 */

export type Rule = 'run' | 'builder' | 'template' | 'concat' | 'import' | 'text';

export interface Offence {
  file: string;
  line: number;
  rule: Rule;
  text: string;
}

/** Where a rule does not apply, and why: `file` relative to server/src. */
export interface Allowance {
  file: string;
  rules: Rule[];
  why: string;
}

const RUNNERS = new Set(['execute', 'raw', 'query', 'getKnex']);
const CONDITIONS = new Set(['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving', 'whereRaw', 'joinRaw', 'orderByRaw']);

/** Text that reads as SQL: a statement's shape, a PostGIS call, a cast, a qualified comparison. */
const SQL_SHAPES: RegExp[] = [
  /\bselect\b[\s\S]*\bfrom\b/i,
  /\binsert\s+into\b/i,
  /\bupdate\s+[a-z_"][\w"]*\s+set\b/i,
  /\bdelete\s+from\b/i,
  /\bwhere\s+[\w.("]+\s*(=|<|>|\bis\b|\bin\b|\blike\b|&&)/i,
  /\b(order|group)\s+by\b/i,
  /\bjoin\s+[\w"]+[\s\S]*\bon\b/i,
  /\bST_[A-Za-z]+\s*\(/,
  /::(int|int4|int8|bigint|text|uuid|float8|numeric|timestamptz|timestamp|jsonb|json|geometry|geography|date|interval|boolean)\b/i,
  /\b(and|or)\s+[a-z_]+\.[a-z_]+\s*(=|<>|<|>|\bis\b)/i,
  /\b(count|coalesce|array_agg|jsonb_to_recordset|unnest)\s*\(/i,
];

export function looksLikeSql(text: string): boolean {
  return SQL_SHAPES.some((shape) => shape.test(text));
}

function templateText(node: ts.TemplateExpression): string {
  return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
}

function stringText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return templateText(node);
  return null;
}

const isStringLiteralLike = (node: ts.Node | undefined) => !node || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);

/** The offences of one source file. `file` is how it is named in the report. */
export function checkSource(file: string, source: string): Offence[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Offence[] = [];
  const report = (node: ts.Node, rule: Rule, what: string) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ file, line: line + 1, rule, text: `${what}: ${node.getText(sf).replace(/\s+/g, ' ').slice(0, 100)}` });
  };
  // Names bound to sql-template-tag's helpers in this file (they may be renamed on import).
  const tagNames = new Set<string>(['sql']);
  const joinNames = new Set<string>();

  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const from = node.moduleSpecifier.text;
      const named = node.importClause?.namedBindings;
      const names = named && ts.isNamedImports(named) ? named.elements : [];
      if (from === 'knex') report(node, 'import', 'knex imported');
      for (const el of names) {
        const original = (el.propertyName ?? el.name).text;
        if (from === 'sql-template-tag' && original === 'raw') report(el, 'import', 'raw imported from sql-template-tag');
        if (
          from.startsWith('@mikro-orm/') &&
          (original === 'raw' || original === 'sql' || original === 'Knex') &&
          !el.isTypeOnly &&
          !node.importClause?.isTypeOnly
        )
          report(el, 'import', `${original} imported from ${from}`);
        if ((from === 'sql-template-tag' || from.endsWith('/db/sql.js')) && (original === 'join' || original === 'bulk'))
          joinNames.add(el.name.text);
        if (from.endsWith('/db/sql.js') && original === 'sql') tagNames.add(el.name.text);
      }
      if (from === 'sql-template-tag' && node.importClause?.name) tagNames.add(node.importClause.name.text);
    }

    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : null;
      if (name && ts.isPropertyAccessExpression(callee) && RUNNERS.has(name)) report(node, 'run', `.${name}() runs SQL outside query()`);
      if (name === 'getKnex') report(node, 'run', 'getKnex() reaches knex');
      if (name && ts.isPropertyAccessExpression(callee) && CONDITIONS.has(name)) {
        const first = node.arguments[0];
        if (first && stringText(first) !== null) report(node, 'builder', `.${name}() with SQL text: use condition(sql\`…\`)`);
      }
      if (name && ts.isIdentifier(callee) && tagNames.has(name)) report(node, 'text', `${name}(…) called as a function`);
      if (name && ts.isIdentifier(callee) && name === 'raw') report(node, 'text', 'raw() puts text into SQL');
      if (name && ts.isIdentifier(callee) && joinNames.has(name) && !node.arguments.slice(1).every((a) => isStringLiteralLike(a)))
        report(node, 'text', `${name}() with a separator that is not a string literal`);
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Sql') report(node, 'text', 'new Sql(…)');

    if (ts.isTemplateExpression(node)) {
      const parent = node.parent;
      const tagged = ts.isTaggedTemplateExpression(parent) && ts.isIdentifier(parent.tag) && tagNames.has(parent.tag.text);
      if (!tagged && looksLikeSql(templateText(node))) report(node, 'template', 'SQL in a template literal that is not sql`…`');
    }
    if (ts.isTaggedTemplateExpression(node)) {
      const tag = node.tag;
      if (ts.isPropertyAccessExpression(tag) && RUNNERS.has(tag.name.text))
        report(node, 'run', `.${tag.name.text}\`…\` runs SQL outside query()`);
      if (ts.isIdentifier(tag) && tag.text === 'raw') report(node, 'text', 'raw`…` puts text into SQL');
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const texts = [node.left, node.right].map(stringText).filter((t): t is string => t !== null);
      if (texts.some(looksLikeSql)) report(node, 'concat', 'SQL built by concatenation');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The offences of every .ts file under `root` (server/src), less those allowed. */
export function checkTree(root: string, allowed: readonly Allowance[]): Offence[] {
  return filesUnder(root)
    .flatMap((path) => checkSource(relative(root, path), readFileSync(path, 'utf8')))
    .filter((o) => !allowed.some((a) => a.file === o.file && a.rules.includes(o.rule)));
}

export const describeOffence = (o: Offence) => `server/src/${o.file}:${o.line} [${o.rule}] ${o.text}`;
