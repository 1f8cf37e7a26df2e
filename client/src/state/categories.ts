/**
 * police.uk crime categories, as the server stores them (server/src/incidents/categories.ts).
 * A copy of the fixed list, so filters read from the address are checked and labelled at
 * once; the category menu's counts come from the API (`crimeCategories`).
 */
export const CATEGORIES: readonly { slug: string; label: string }[] = [
  { slug: 'anti-social-behaviour', label: 'Anti-social behaviour' },
  { slug: 'bicycle-theft', label: 'Bicycle theft' },
  { slug: 'burglary', label: 'Burglary' },
  { slug: 'criminal-damage-arson', label: 'Criminal damage and arson' },
  { slug: 'drugs', label: 'Drugs' },
  { slug: 'other-theft', label: 'Other theft' },
  { slug: 'possession-of-weapons', label: 'Possession of weapons' },
  { slug: 'public-order', label: 'Public order' },
  { slug: 'robbery', label: 'Robbery' },
  { slug: 'shoplifting', label: 'Shoplifting' },
  { slug: 'theft-from-the-person', label: 'Theft from the person' },
  { slug: 'vehicle-crime', label: 'Vehicle crime' },
  { slug: 'violent-crime', label: 'Violence and sexual offences' },
  { slug: 'other-crime', label: 'Other crime' },
];

const LABELS = new Map(CATEGORIES.map((c) => [c.slug, c.label]));

export function categoryLabel(slug: string): string {
  return LABELS.get(slug) ?? slug;
}

export function isCategory(slug: string): boolean {
  return LABELS.has(slug);
}
