import { DateTimeScalar } from '@vigil/server';
import { DateTimeResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { rng } from '../support/incidents.js';

/**
 * DateTime takes a shortcut for the strings toISOString writes (graphql/scalars.ts). It must
 * answer every input exactly as graphql-scalars' full RFC 3339 check does: the same instant,
 * or the same error.
 */
const outcome = (parse: (value: unknown) => unknown, value: unknown) => {
  try {
    const date = parse(value) as Date;
    return { ms: date.getTime() };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

describe('the DateTime scalar', () => {
  it('answers as the full RFC 3339 check for canonical times, their near misses and other spellings', () => {
    const random = rng(2107);
    const inputs: unknown[] = [];
    const tweaks: ((s: string) => string)[] = [
      (s) => s,
      (s) => s.toLowerCase(),
      (s) => s.replace('Z', '+00:00'),
      (s) => s.replace('.', ','),
      (s) => s.slice(0, 19) + 'Z',
      (s) => s.replace('T', ' '),
      (s) => `${s.slice(0, 5)}02-30${s.slice(10)}`,
      (s) => `${s.slice(0, 5)}02-29${s.slice(10)}`,
      (s) => `${s.slice(0, 11)}24${s.slice(13)}`,
      (s) => `${s.slice(0, 17)}60${s.slice(19)}`,
      (s) => `${s.slice(0, 17)}61${s.slice(19)}`,
      (s) => `${s.slice(0, 23)}9Z`,
      (s) => `+00${s}`,
      (s) => ` ${s.slice(1)}`,
      (s) => `${s.slice(0, 23)}`,
      // Any one character changed, to a digit or a separator: every field's edges.
      (s) => {
        const at = Math.floor(random() * s.length);
        return `${s.slice(0, at)}${'0123456789-:.TZ'[Math.floor(random() * 15)]}${s.slice(at + 1)}`;
      },
      (s) => {
        const at = Math.floor(random() * s.length);
        return `${s.slice(0, at)}${'0123456789-:.TZ'[Math.floor(random() * 15)]}${s.slice(at + 1)}`;
      },
    ];
    for (let k = 0; k < 20_000; k++) {
      // From year 0 to 9999, and a few outside it.
      const ms = Math.round(-62_167_219_200_000 + random() * (253_402_300_799_999 + 62_167_219_200_000)) * (k % 97 === 0 ? 1.5 : 1);
      const canonical = new Date(ms).toISOString();
      inputs.push(tweaks[k % tweaks.length]!(canonical));
    }
    inputs.push(
      '2026-11-21T18:30:00Z',
      '2026-11-21T18:30:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
      'Tue Dec 01 2026 17:21:50Z',
      'Tue Dec 01 2026 17:21:50',
      '',
      'not a time',
      null,
      17,
      new Date(0),
      new Date(Number.NaN),
    );
    let shortcut = 0;
    for (const value of inputs) {
      const expected = outcome((v) => DateTimeResolver.parseValue(v), value);
      expect(
        outcome((v) => DateTimeScalar.parseValue(v), value),
        JSON.stringify(value),
      ).toEqual(expected);
      if (typeof value === 'string' && expected.ms !== undefined && new Date(expected.ms).toISOString() === value) shortcut++;
    }
    // The shortcut was taken, for the canonical spellings (a sixth of the random ones at least).
    expect(shortcut).toBeGreaterThan(2000);
  });
});
