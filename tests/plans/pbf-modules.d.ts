/** The little of the PBF writers the tests use (pbf 3 and osm-pbf-parser-node's generated schema ship no types). */
declare module 'pbf' {
  export default class Pbf {
    finish(): Uint8Array;
  }
}
type PbfWriter = { write(obj: unknown, pbf: import('pbf').default): void };
declare module 'osm-pbf-parser-node/proto/fileformat.js' {
  export const Blob: PbfWriter;
  export const BlobHeader: PbfWriter;
}
declare module 'osm-pbf-parser-node/proto/osmformat.js' {
  export const HeaderBlock: PbfWriter;
  export const PrimitiveBlock: PbfWriter;
}
