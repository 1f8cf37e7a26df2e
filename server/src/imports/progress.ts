import cliProgress from 'cli-progress';

/** How an import tells its caller how far it has got; the CLI draws a bar, a test or a service can ignore it. */
export interface Progress {
  start(total: number, unit: string): void;
  update(done: number): void;
  stop(): void;
}

export const noProgress: Progress = { start() {}, update() {}, stop() {} };

/**
 * A progress bar on standard error (cli-progress). On a terminal it redraws in place; in a
 * log or a pipe it prints a line a second, so CI logs and `| tee` still show progress.
 */
export function progressBar(label: string, stream: NodeJS.WritableStream = process.stderr): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} {unit} | {duration_formatted}`,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 1000,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, unit) => bar.start(total, 0, { unit }),
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
