/**
 * Files the dashboard hands over: CSV (RFC 4180, UTF-8 with a byte-order mark so Excel
 * reads the accents and curly quotes), GeoJSON, PNG. Made in the browser from what is on
 * screen, so what is exported is exactly what was shown (and was read, and audited, once).
 */

type Cell = string | number | boolean | null | undefined;

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: a header row, then the rows, lines ended with CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Offers a file to save, as a download. */
export function download(name: string, type: string, content: BlobPart): void {
  const url = URL.createObjectURL(new Blob(content instanceof Blob ? [content] : [content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCsv(name: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  download(name, 'text/csv;charset=utf-8', `\uFEFF${toCsv(header, rows)}`);
}

/** "2026-11-21T0930": a file-name-safe local timestamp. */
export function stamp(at = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}${pad(at.getMinutes())}`;
}

/** An SVG on screen as a PNG, drawn at `scale` times its size on a white background. */
export async function svgToPng(svg: SVGSVGElement, scale = 3): Promise<Blob> {
  const box = svg.viewBox.baseVal;
  const width = box?.width || svg.clientWidth;
  const height = box?.height || svg.clientHeight;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  // Text styles come from the page's stylesheet, which an image does not see: inline them.
  for (const text of copy.querySelectorAll('text')) {
    text.setAttribute('font-family', 'system-ui, sans-serif');
    text.setAttribute('font-size', '9');
    text.setAttribute('fill', '#3a4652');
  }
  const source = new XMLSerializer().serializeToString(copy);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be drawn'))), 'image/png'),
  );
}
