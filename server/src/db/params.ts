/** Builds positional SQL while collecting its parameters in order, so values never enter the text. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return '?';
  }
}
