import { describe, expect, it } from 'vitest';
import { fittedSize, MAX_PHOTO_BYTES, photoProblem } from './photos';

describe('photo checks', () => {
  it('takes JPEG, PNG and WebP up to the limit', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/webp']) expect(photoProblem({ name: 'a', type, size: MAX_PHOTO_BYTES })).toBeNull();
  });

  it('refuses other types and larger files, naming the file', () => {
    expect(photoProblem({ name: 'a.heic', type: 'image/heic', size: 10 })).toEqual({ key: 'photos.badType', params: { name: 'a.heic' } });
    expect(photoProblem({ name: 'a.svg', type: 'image/svg+xml', size: 10 })?.key).toBe('photos.badType');
    expect(photoProblem({ name: 'big.jpg', type: 'image/jpeg', size: MAX_PHOTO_BYTES + 1 })).toEqual({ key: 'photos.tooLarge', params: { name: 'big.jpg', mb: 5 } });
  });

  it('shrinks the longer side to the limit, never enlarging', () => {
    expect(fittedSize(4032, 3024)).toEqual({ width: 2048, height: 1536 });
    expect(fittedSize(3024, 4032)).toEqual({ width: 1536, height: 2048 });
    expect(fittedSize(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
