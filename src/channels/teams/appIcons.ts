import { deflateSync } from 'node:zlib';

/**
 * The two icons a Teams app package needs, drawn here so that the package needs no design files:
 * `color.png` 192x192 (the brand green with a white bolt) and `outline.png` 32x32 (a white bolt on
 * transparent, as Teams requires).
 */
type Rgba = readonly [number, number, number, number];

const brandGreen: Rgba = [0x0b, 0x6e, 0x4f, 0xff];
const white: Rgba = [0xff, 0xff, 0xff, 0xff];
const transparent: Rgba = [0, 0, 0, 0];

/** The bolt, on a 32x32 grid (the same shape as the page's favicon). */
const bolt: ReadonlyArray<readonly [number, number]> = [
  [18, 4],
  [8, 18],
  [15, 18],
  [13, 28],
  [23, 14],
  [16, 14],
];

function insideBolt(x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = bolt.length - 1; i < bolt.length; j = i, i += 1) {
    const [xi, yi] = bolt[i];
    const [xj, yj] = bolt[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A square RGBA PNG, each pixel coloured by `paint` from its position on the 32x32 grid. */
function squarePng(size: number, paint: (x: number, y: number) => Rgba): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, no interlace
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y += 1) {
    const row = y * (1 + size * 4);
    for (let x = 0; x < size; x += 1) {
      rows.set(paint(((x + 0.5) * 32) / size, ((y + 0.5) * 32) / size), row + 1 + x * 4);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

export function colorIcon(): Buffer {
  return squarePng(192, (x, y) => (insideBolt(x, y) ? white : brandGreen));
}

export function outlineIcon(): Buffer {
  return squarePng(32, (x, y) => (insideBolt(x, y) ? white : transparent));
}
