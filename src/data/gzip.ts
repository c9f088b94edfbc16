/**
 * Gzip detection for the browser-safe readers. The core does not decompress (that needs zlib or
 * DecompressionStream, both async or platform-specific); it recognizes the gzip magic bytes 1f 8b so that
 * compressed input gets a clear error instead of a confusing parse failure. The Node layer
 * (readDataset) gunzips before parsing.
 */
import { ParseError } from '../errors.js';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** True when bytes (or text decoded from them, as UTF-8 or Latin-1) start with the gzip magic. */
export function looksGzipped(input: Uint8Array | string): boolean {
  if (typeof input === 'string') {
    // Decoded as UTF-8, the invalid byte 0x8b becomes U+FFFD; as Latin-1 it stays 0x8b.
    const c1 = input.charCodeAt(1);
    return input.charCodeAt(0) === GZIP_MAGIC_0 && (c1 === GZIP_MAGIC_1 || c1 === 0xfffd);
  }
  return input.length >= 2 && input[0] === GZIP_MAGIC_0 && input[1] === GZIP_MAGIC_1;
}

export function rejectGzip(bytes: Uint8Array, file: string | undefined): void {
  if (looksGzipped(bytes)) {
    throw new ParseError('this is gzip-compressed data: decompress it first (readDataset in softmax-regression/node does)', {
      file,
      offset: 0,
    });
  }
}
