import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** Every entry of a zip file, uncompressed and concatenated as text (for "this secret is not in the trace" checks). */
export function zipText(path: string): string {
  const buf = readFileSync(path);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + size);
    parts.push((method === 8 ? inflateRawSync(raw) : raw).toString('latin1'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return parts.join('\n');
}
