import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Row } from './scenario.js';

const HEADERS = [
  'Scenario',
  'Median',
  'p95',
  'Throughput',
  'Baseline: the same work raw (median / p95, throughput)',
  'Ratio',
  'Target',
  'RSS after',
];

const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');

/** The results as a Markdown table (readable as it is in a terminal too). */
export function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.scenario,
    r.median,
    r.p95,
    r.throughput,
    r.baseline,
    r.ratio,
    r.verdict ? `${r.verdict} (${r.target})` : r.target,
    r.rss,
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => escapeCell(c[i]!).length)));
  const line = (c: string[]) => `| ${c.map((v, i) => escapeCell(v).padEnd(widths[i]!)).join(' | ')} |`;
  return [line(HEADERS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/**
 * Writes this run's section of RESULTS.md (one section per mode, so the latest full and the
 * latest quick run sit side by side and a change shows up in `git diff`).
 */
export function writeResults(file: string, mode: 'full' | 'quick', section: string): void {
  const begin = `<!-- bench:${mode} -->`;
  const end = `<!-- /bench:${mode} -->`;
  const block = `${begin}\n${section.trim()}\n${end}`;
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : [
        '# Benchmarks',
        '',
        'Written by `pnpm bench` (the 1,000,000-incident run) and `pnpm bench --quick` (100,000 incidents):',
        'each run replaces its own section. Every scenario runs through the API and beside it the same',
        'work done raw, in the same process on the same data; figures on a shared machine are noisy, so',
        'compare ratios first and look at the machine load printed with each run.',
        '',
        '<!-- bench:full -->\n<!-- /bench:full -->',
        '',
        '<!-- bench:quick -->\n<!-- /bench:quick -->',
        '',
      ].join('\n');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}
