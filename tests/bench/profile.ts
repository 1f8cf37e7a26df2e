import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/**
 * `--profile`: a CPU profile of this process (server and clients alike) per scenario,
 * saved as .cpuprofile (open in Chrome DevTools or speedscope) with the functions that took
 * the most time of their own printed.
 */
export class Profiler {
  private session: Session | null = null;

  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  /** Throws away the samples so far and profiles on. */
  async restart(): Promise<void> {
    if (!this.session) return;
    await this.session.post('Profiler.stop');
    await this.session.post('Profiler.start');
  }

  async stop(name: string): Promise<void> {
    if (!this.session) return;
    const { profile } = (await this.session.post('Profiler.stop')) as unknown as { profile: Profile };
    this.session.disconnect();
    this.session = null;
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const self = new Map<string, number>();
    for (const n of profile.nodes) {
      const where = n.callFrame.url
        ? `${relative(process.cwd(), n.callFrame.url.replace(/^file:\/\//, ''))}:${n.callFrame.lineNumber + 1}`
        : '';
      const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
      self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
    }
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    this.log(
      `profile ${name}: ${relative(process.cwd(), file)} (${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s); most self time:`,
    );
    for (const [key, hits] of top) this.log(`  ${((100 * hits) / Math.max(1, total)).toFixed(1).padStart(5)} %  ${key}`);
  }
}
