import { badInput } from '../graphql/errors.js';

/**
 * police.uk crime categories: the slug Vigil stores, and the label the street-level CSV
 * uses in its "Crime type" column. (https://data.police.uk/docs/method/crime-categories/)
 */
export const CRIME_CATEGORIES = {
  'anti-social-behaviour': 'Anti-social behaviour',
  'bicycle-theft': 'Bicycle theft',
  burglary: 'Burglary',
  'criminal-damage-arson': 'Criminal damage and arson',
  drugs: 'Drugs',
  'other-theft': 'Other theft',
  'possession-of-weapons': 'Possession of weapons',
  'public-order': 'Public order',
  robbery: 'Robbery',
  shoplifting: 'Shoplifting',
  'theft-from-the-person': 'Theft from the person',
  'vehicle-crime': 'Vehicle crime',
  'violent-crime': 'Violence and sexual offences',
  'other-crime': 'Other crime',
} as const;

export type CrimeCategory = keyof typeof CRIME_CATEGORIES;

export const CATEGORY_SLUGS = Object.keys(CRIME_CATEGORIES) as CrimeCategory[];

const BY_LABEL = new Map(Object.entries(CRIME_CATEGORIES).map(([slug, label]) => [label.toLowerCase(), slug as CrimeCategory]));

export function isCategory(value: string): value is CrimeCategory {
  return Object.hasOwn(CRIME_CATEGORIES, value);
}

/** Refuses any slug police.uk does not use, naming `field` (e.g. filter.categories) in the error. */
export function checkCategories(field: string, slugs: readonly string[]): void {
  const unknown = slugs.find((c) => !isCategory(c));
  if (unknown !== undefined) throw badInput(field, `unknown category "${unknown.slice(0, 60)}"; use one of ${CATEGORY_SLUGS.join(', ')}`);
}

/** "Vehicle crime" → "vehicle-crime"; undefined for a label police.uk does not use. */
export function categoryFromLabel(label: string): CrimeCategory | undefined {
  return BY_LABEL.get(label.trim().toLowerCase());
}
