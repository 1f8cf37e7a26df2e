/** Line numbers kept per reason: enough to find the pattern in a file, not a flood. */
const LINES_KEPT = 20;

export interface SkipReport {
  reason: string;
  count: number;
  /** The first line (CSV) or item (GeoJSON feature, GPX point) numbers skipped for this reason. */
  lines: number[];
}

/** What an import did: records read, imported, and skipped with a reason each. */
export interface ImportSummary {
  file: string;
  /** Records read (CSV rows after the header, features, track points). */
  read: number;
  /** Records newly stored. */
  imported: number;
  /** Records that replaced one already stored (sites and zones given with their id). */
  updated?: number;
  skipped: SkipReport[];
  seconds: number;
}

/** Collects skipped records by reason while an import runs. */
export class Skips {
  private readonly byReason = new Map<string, SkipReport>();

  add(reason: string, line?: number, count = 1): void {
    if (count <= 0) return;
    const report = this.byReason.get(reason) ?? { reason, count: 0, lines: [] };
    report.count += count;
    if (line !== undefined && report.lines.length < LINES_KEPT) report.lines.push(line);
    this.byReason.set(reason, report);
  }

  get total(): number {
    let n = 0;
    for (const r of this.byReason.values()) n += r.count;
    return n;
  }

  list(): SkipReport[] {
    return [...this.byReason.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}

const n = (value: number) => value.toLocaleString('en-GB');

/** The summary the CLI prints, e.g. "Skipped 3: bad coordinates 2 (lines 17, 40)". */
export function formatSummary(summary: ImportSummary, item = 'rows', where = 'lines'): string {
  const skipped = summary.skipped.reduce((sum, s) => sum + s.count, 0);
  const out = [
    `Read ${n(summary.read)} ${item} from ${summary.file} in ${summary.seconds.toFixed(1)} s`,
    `Imported ${n(summary.imported)}${summary.updated ? `, updated ${n(summary.updated)}` : ''}`,
    `Skipped ${n(skipped)}${skipped > 0 ? ':' : ''}`,
  ];
  for (const s of summary.skipped) {
    const label = s.count === 1 ? where.replace(/s$/, '') : where;
    const lines = s.lines.length > 0 ? ` (${label} ${s.lines.join(', ')}${s.count > s.lines.length ? ', …' : ''})` : '';
    out.push(`  ${s.reason}: ${n(s.count)}${lines}`);
  }
  return out.join('\n');
}
