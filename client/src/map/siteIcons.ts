import type { SiteKind } from '@vigil/schema';

/**
 * One small white glyph per kind of site (on a 16 × 16 grid), drawn on a disc coloured by
 * coverage status. Plain SVG: no icon font or image to fetch, and it scales cleanly.
 */
const GLYPHS: Record<SiteKind, string> = {
  // Star of David: two triangles.
  SYNAGOGUE: '<path d="M8 2.2 13.2 11H2.8z M8 13.8 2.8 5h10.4z" fill="none" stroke="#fff" stroke-width="1.4" stroke-linejoin="round"/>',
  // Crescent.
  MOSQUE: '<path d="M10.6 2.8a5.3 5.3 0 1 0 0 10.4 4.3 4.3 0 1 1 0-10.4z" fill="#fff"/>',
  // Latin cross.
  CHURCH: '<path d="M7 2.2h2v3.3h3v2H9v6.3H7V7.5H4v-2h3z" fill="#fff"/>',
  // Roof over pillars.
  TEMPLE: '<path d="M2.3 7 8 2.6 13.7 7z M4 8h1.6v4.3H4z M7.2 8h1.6v4.3H7.2z M10.4 8H12v4.3h-1.6z M2.8 12.8h10.4v1.2H2.8z" fill="#fff"/>',
  // Mortarboard.
  SCHOOL: '<path d="M8 3.2 14.5 6.4 8 9.6 1.5 6.4z M4.3 8.3v2.8c1.9 1.6 5.5 1.6 7.4 0V8.3L8 10.2z" fill="#fff"/>',
  // Shopping bag.
  BUSINESS:
    '<path d="M3.2 6h9.6l-.9 7.8H4.1z" fill="#fff"/><path d="M5.8 6V4.6a2.2 2.2 0 0 1 4.4 0V6" fill="none" stroke="#fff" stroke-width="1.3"/>',
  // Two people.
  COMMUNITY_CENTRE:
    '<circle cx="5.3" cy="5.2" r="1.9" fill="#fff"/><circle cx="10.7" cy="5.2" r="1.9" fill="#fff"/><path d="M2 13c0-2.6 1.4-4.3 3.3-4.3S8.6 10.4 8.6 13z M7.4 13c0-2.6 1.4-4.3 3.3-4.3S14 10.4 14 13z" fill="#fff"/>',
  // Flag on a pole.
  EMBASSY: '<path d="M3.6 2.2h1.4v11.6H3.6z M5 2.8h7.6L11 5.4l1.6 2.6H5z" fill="#fff"/>',
  OTHER: '<circle cx="8" cy="8" r="3.2" fill="#fff"/>',
};

/** The SVG markup of a site icon, for Leaflet divIcons and the legend. */
export function siteIconSvg(kind: SiteKind, colour: string, size = 26): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 22 22" width="${size}" height="${size}" aria-hidden="true" focusable="false"><circle cx="11" cy="11" r="10" fill="${colour}" stroke="#fff" stroke-width="1.6"/><g transform="translate(3 3)">${GLYPHS[kind]}</g></svg>`;
}
