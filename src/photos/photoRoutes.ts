import type { Request, Response, Server } from 'restify';
import type { RouteRegistrar } from '../server';
import { isPhotoId } from './photoReference';
import { type PhotoLinks, photoRoutePath } from './photoLinks';
import type { PhotoStore } from './photoStore';

/**
 * `GET /api/photos/:id?expires=&sig=`: a photo for whoever holds its signed link (installers, from
 * the ticket; the driver's own chat). Served as the type its bytes showed, never sniffed again by
 * the browser, shown inline, no cookies; 403 for a link that is forged or expired, 404 once gone.
 */
export function photoRoutes(deps: { store: PhotoStore; links: PhotoLinks }): RouteRegistrar {
  const refuse = (res: Response, status: number, code: string, message: string): void => {
    res.send(status, { code, message });
  };
  return (server: Server) => {
    server.get(`${photoRoutePath}/:photoId`, async (req: Request, res: Response) => {
      const id = String(req.params?.photoId ?? '');
      const query = new URLSearchParams(req.getQuery());
      const check = isPhotoId(id) ? deps.links.check(id, query.get('expires'), query.get('sig')) : 'forged';
      if (check === 'forged') return refuse(res, 403, 'Forbidden', 'This photo link is not valid.');
      if (check === 'expired') return refuse(res, 403, 'LinkExpired', 'This photo link has expired.');
      const photo = await deps.store.get(id);
      if (!photo) return refuse(res, 404, 'NotFound', 'This photo is no longer kept.');
      res.writeHead(200, {
        'Content-Type': photo.contentType,
        'Content-Length': photo.data.length,
        'Content-Disposition': 'inline',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, max-age=3600',
      });
      res.end(photo.data);
    });
  };
}
