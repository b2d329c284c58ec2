/** A real 1×1 PNG, and the first bytes of the other accepted types, for photo tests. */
export const pngPhoto = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const jpegPhoto = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
export const webpPhoto = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(40)]);
/** An ftyp box of major brand mif1 listing heic, as iPhones write it. */
export const heicPhoto = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypmif1'),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from('mif1heic'),
  Buffer.alloc(40),
]);
/** An AVIF (mif1 without a HEVC brand): not a photo type this service takes. */
export const avifImage = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypavif'),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from('mif1avif'),
  Buffer.alloc(40),
]);
/** A script that calls itself a PNG. */
export const notAnImage = Buffer.from('<script>alert(1)</script>');
