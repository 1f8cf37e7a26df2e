import { deflateSync } from 'node:zlib';
import { Blob, BlobHeader } from 'osm-pbf-parser-node/proto/fileformat.js';
import { HeaderBlock, PrimitiveBlock } from 'osm-pbf-parser-node/proto/osmformat.js';
import Pbf from 'pbf';

/**
 * Writes nodes and ways as an OpenStreetMap PBF file (wiki: PBF Format): an OSMHeader blob,
 * then one OSMData blob of dense nodes and ways, each zlib-compressed and preceded by its
 * BlobHeader's length. Encoded with the parser package's own generated protobuf schema.
 */
export function osmPbf(
  nodes: { id: number; lon: number; lat: number }[],
  ways: { id: number; nodes: number[]; tags: Record<string, string> }[],
): Buffer {
  const strings = [''];
  const index = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const delta = (values: number[]) => values.map((v, k) => v - (k === 0 ? 0 : values[k - 1]!));
  const sorted = [...nodes].sort((a, b) => a.id - b.id);
  const group = {
    dense: {
      id: delta(sorted.map((n) => n.id)),
      lat: delta(sorted.map((n) => Math.round(n.lat * 1e7))),
      lon: delta(sorted.map((n) => Math.round(n.lon * 1e7))),
    },
    ways: ways.map((w) => ({
      id: w.id,
      keys: Object.keys(w.tags).map(index),
      vals: Object.values(w.tags).map(index),
      refs: delta(w.nodes),
    })),
  };
  const block = (write: (obj: unknown, pbf: Pbf) => void, obj: unknown) => {
    const pbf = new Pbf();
    write(obj, pbf);
    return Buffer.from(pbf.finish());
  };
  const primitive = block(PrimitiveBlock.write, { stringtable: { s: strings.map((s) => Buffer.from(s)) }, primitivegroup: [group] });
  const header = block(HeaderBlock.write, { required_features: ['OsmSchema-V0.6', 'DenseNodes'], writingprogram: 'vigil tests' });
  const framed = (type: string, raw: Buffer) => {
    const blob = block(Blob.write, { raw_size: raw.length, zlib_data: deflateSync(raw) });
    const head = block(BlobHeader.write, { type, datasize: blob.length });
    const length = Buffer.alloc(4);
    length.writeUInt32BE(head.length);
    return Buffer.concat([length, head, blob]);
  };
  return Buffer.concat([framed('OSMHeader', header), framed('OSMData', primitive)]);
}
