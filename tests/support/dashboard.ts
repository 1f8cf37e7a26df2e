import type { Page } from 'playwright-core';

/** Helpers for reading the dashboard's map in a browser test. */

// The functions passed to page.evaluate run in the page; the tests' TypeScript has no DOM
// library, so this module declares the little of it they use.
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll<T = PageCanvas>(selector: string): Iterable<T>;
};

/** Waits until the pane of a map layer carries `attribute` (set once the layer has drawn) and returns its value. */
export async function layerAttribute(page: Page, layer: string, attribute: string, not?: string | null, timeout = 45_000): Promise<string> {
  const handle = await page.waitForFunction(
    ([selector, name, previous]) => {
      const value = document.querySelector(selector)?.getAttribute(name);
      return value && value !== previous ? value : null;
    },
    [`[data-testid=layer-${layer}]`, attribute, not ?? null] as const,
    { timeout },
  );
  return (await handle.jsonValue()) as string;
}

/** How many pixels of a canvas layer are painted: proof that cells or points were drawn, not just listed. */
export async function paintedPixels(page: Page, layer: string): Promise<number> {
  return page.evaluate((selector) => {
    let painted = 0;
    for (const canvas of document.querySelectorAll<PageCanvas>(`${selector} canvas`)) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let k = 3; k < data.length; k += 4) if (data[k]! > 0) painted++;
    }
    return painted;
  }, `[data-testid=layer-${layer}]`);
}

/** The map container's box on the page, and a function from a fraction of it to page pixels. */
export async function mapBox(page: Page) {
  const box = await page.locator('.leaflet-container').boundingBox();
  if (!box) throw new Error('the map is not on the page');
  return { ...box, at: (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy }) };
}

/**
 * Screen offset in pixels from the map's centre to a point, at a zoom level (Web Mercator,
 * 256-pixel tiles, as Leaflet draws): lets a test click at a place without reaching into the map.
 */
export function pixelOffset(
  [centreLon, centreLat]: [number, number],
  [lon, lat]: [number, number],
  zoom: number,
): { dx: number; dy: number } {
  const scale = 256 * 2 ** zoom;
  const x = (l: number) => ((l + 180) / 360) * scale;
  const y = (φ: number) => ((1 - Math.log(Math.tan(Math.PI / 4 + (φ * Math.PI) / 360)) / Math.PI) / 2) * scale;
  return { dx: x(lon) - x(centreLon), dy: y(lat) - y(centreLat) };
}
