import { PhotoLinks } from '../../src/photos/photoLinks';

describe('signed links to photos', () => {
  const links = new PhotoLinks('a-photo-link-secret-of-32-bytes-or-more');
  const id = '0123456789abcdef-0123456789abcdef01234567';
  const now = new Date('2026-01-01T10:00:00Z');
  const link = new URL(links.linkTo(id, 'https://bot.example.com', new Date('2026-01-08T10:00:00Z')));
  const check = (url: URL, at = now) =>
    links.check(decodeURIComponent(url.pathname.split('/').pop()!), url.searchParams.get('expires'), url.searchParams.get('sig'), at);

  it('work until they expire', () => {
    expect(link.origin + link.pathname).toBe(`https://bot.example.com/api/photos/${id}`);
    expect(check(link)).toBe('valid');
    expect(check(link, new Date('2026-01-08T10:00:00Z'))).toBe('expired');
  });

  it('refuse a changed id, expiry or signature, and another secret', () => {
    const tampered = (change: (url: URL) => void) => {
      const copy = new URL(link);
      change(copy);
      return check(copy);
    };
    expect(tampered((url) => (url.pathname = `/api/photos/${id.replace('0', '1')}`))).toBe('forged');
    expect(tampered((url) => url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600)))).toBe('forged');
    expect(tampered((url) => url.searchParams.set('sig', 'x'.repeat(43)))).toBe('forged');
    expect(tampered((url) => url.searchParams.delete('sig'))).toBe('forged');
    expect(
      new PhotoLinks('another-secret-of-32-bytes-or-more!!').check(id, link.searchParams.get('expires'), link.searchParams.get('sig'), now),
    ).toBe('forged');
  });
});
