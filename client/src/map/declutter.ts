/** A box on screen, in pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Greedy label placement: items in priority order, each takes the first of its candidate
 * boxes that overlaps no box already taken (and no `obstacles`), or none (its label is
 * hidden). Returns the chosen candidate's index per item, or -1.
 */
export function declutter(candidates: readonly (readonly Box[])[], obstacles: readonly Box[] = []): number[] {
  const taken: Box[] = [...obstacles];
  return candidates.map((boxes) => {
    const k = boxes.findIndex((box) => !taken.some((t) => overlaps(t, box)));
    if (k >= 0) taken.push(boxes[k]!);
    return k;
  });
}
