import { relative } from 'node:path';
import type { UserConsoleLog } from 'vitest';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Starts the line a skipped test prints (support/skips.ts). */
export const SKIP_MARK = '[skipped]';

/**
 * Lists every skipped test at the end of the run with the reason its file printed
 * (support/skips.ts), or the note of a runtime `ctx.skip(note)`; a skipped test with
 * neither is listed as "no reason given", so a silent skip shows.
 */
export default class SkipSummary implements Reporter {
  /** Reasons printed by each file, by the name of the test or suite they skip. */
  private readonly reasons = new Map<string, Map<string, string>>();

  onUserConsoleLog(log: UserConsoleLog): void {
    if (!log.content.includes(SKIP_MARK) || !log.taskId) return;
    // Printed while the file is collected: the task is the file itself, or a test of it (`<file id>_<n>`).
    const moduleId = log.taskId.split('_')[0] as string;
    const byName = this.reasons.get(moduleId) ?? new Map<string, string>();
    // Lines printed together may come as one log.
    for (const line of log.content.split('\n')) {
      const match = /^\[skipped\] ("(?:[^"\\]|\\.)*"): (.*)$/.exec(line.trim());
      if (match) byName.set(JSON.parse(match[1] as string) as string, match[2] as string);
    }
    this.reasons.set(moduleId, byName);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      const byName = this.reasons.get(module.id);
      for (const test of module.children.allTests()) {
        if (test.result().state !== 'skipped') continue;
        lines.push(`  ${relative(process.cwd(), module.moduleId)} › ${test.fullName}: ${this.reasonFor(test, byName)}`);
      }
    }
    if (lines.length === 0) return;
    console.log(`\nSkipped tests (${lines.length}), and why:\n${lines.join('\n')}\n`);
  }

  private reasonFor(test: TestCase, byName: Map<string, string> | undefined): string {
    const result = test.result();
    if (result.state === 'skipped' && result.note) return result.note;
    for (let node: TestCase | TestCase['parent'] = test; node && node.type !== 'module'; node = node.parent) {
      const reason = byName?.get(node.name);
      if (reason) return reason;
    }
    return 'no reason given';
  }
}
