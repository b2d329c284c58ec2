import { sniffImageType } from '../../src/photos/imageType';
import { avifImage, heicPhoto, jpegPhoto, notAnImage, pngPhoto, webpPhoto } from '../support/photos';

describe('the type a photo is, by its magic bytes', () => {
  it.each([
    ['a PNG', pngPhoto, 'image/png'],
    ['a JPEG', jpegPhoto, 'image/jpeg'],
    ['a WebP', webpPhoto, 'image/webp'],
    ['an iPhone HEIC', heicPhoto, 'image/heic'],
  ])('knows %s', (_what, bytes, type) => {
    expect(sniffImageType(bytes)).toBe(type);
  });

  it.each([
    ['an AVIF', avifImage],
    ['a script', notAnImage],
    ['nothing', Buffer.alloc(0)],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00')],
  ])('takes %s for no photo', (_what, bytes) => {
    expect(sniffImageType(bytes)).toBeUndefined();
  });
});
