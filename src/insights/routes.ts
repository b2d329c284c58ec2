import path from 'node:path';
import type { Request, RequestHandler, Response } from 'restify';
import { sendFile } from '../channels/webchat/pageRoutes';
import { projectRoot } from '../paths';
import { bearerTokenCheck } from '../security/bearerToken';
import type { RouteRegistrar } from '../server';
import { lastDays } from './days';
import { labellingFile } from './labelling';
import type { InsightsStore } from './store';
import { type ProcedureSteps, summarise } from './summary';

/** The page's own files, served as they are (no build step). */
export const insightsPublicDir = path.join(projectRoot, 'src', 'insights', 'public');

const pageFiles: Record<string, string> = {
  '/insights': 'index.html',
  '/insights/insights.js': 'insights.js',
  '/insights/insights.css': 'insights.css',
};

/** Misunderstood messages `GET /api/insights` lists; the labelling file has them all. */
export const misunderstoodListed = 100;
export const defaultDays = 7;

export interface InsightsAccess {
  /** Required as `Authorization: Bearer <token>` on the API when set. */
  token?: string;
  /** Production without a token: the API stays closed. */
  production: boolean;
}

/**
 * `GET /insights` (the page for the support team, files only: it asks the API with the token a
 * person types in), `GET /api/insights?days=N` (the figures, JSON) and `GET /api/insights/review`
 * (the labelling file of the review loop).
 */
export function insightsRoutes(deps: {
  store: InsightsStore;
  procedureSteps: ProcedureSteps;
  retentionDays: number;
  access: InsightsAccess;
  /** The page's security headers (those of the chat page). */
  pageHeaders: RequestHandler;
  now?: () => Date;
}): RouteRegistrar {
  const authorized = deps.access.token ? bearerTokenCheck(deps.access.token) : () => !deps.access.production;
  const now = deps.now ?? (() => new Date());

  /** The summary of the days asked, or undefined once the request was refused with the reason. */
  async function figures(req: Request, res: Response, misunderstoodLimit: number) {
    res.setHeader('Cache-Control', 'no-store');
    if (!authorized(req)) {
      const message = deps.access.token
        ? 'An insights token is required (Authorization: Bearer <INSIGHTS_TOKEN>).'
        : 'Set INSIGHTS_TOKEN to open the insights in production.';
      res.send(401, { code: 'Unauthorized', message });
      return undefined;
    }
    const asked = new URLSearchParams(req.getQuery()).get('days') ?? String(defaultDays);
    const days = /^\d{1,4}$/.test(asked) ? Number(asked) : NaN;
    if (!(days >= 1 && days <= deps.retentionDays)) {
      res.send(400, {
        code: 'InvalidDays',
        message: `days must be a whole number from 1 to ${deps.retentionDays} (the days kept, INSIGHTS_RETENTION_DAYS); got "${asked}".`,
      });
      return undefined;
    }
    return summarise(await deps.store.read(lastDays(now(), days)), deps.procedureSteps, misunderstoodLimit);
  }

  return (server) => {
    for (const [url, file] of Object.entries(pageFiles)) {
      server.get(url, deps.pageHeaders, async (_req: Request, res: Response) =>
        sendFile(res, path.join(insightsPublicDir, file), 'no-cache'),
      );
    }
    server.get('/api/insights', async (req: Request, res: Response) => {
      const summary = await figures(req, res, misunderstoodListed);
      if (summary) res.send(200, summary);
    });
    server.get('/api/insights/review', async (req: Request, res: Response) => {
      const summary = await figures(req, res, Infinity);
      if (!summary) return;
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Disposition': `attachment; filename="misunderstood-${summary.to}.txt"`,
      });
      res.end(labellingFile(summary));
    });
  };
}
