import type { Response as BotFrameworkResponse } from 'botbuilder';
import type { Response } from 'restify';
import { internalErrorBody } from './internalError';

const refusals: Record<number, { code: string; message: string }> = {
  400: { code: 'BadRequest', message: 'This is not a valid activity.' },
  401: { code: 'Unauthorized', message: 'A valid Bot Framework token is required.' },
  403: { code: 'Forbidden', message: 'This caller may not post to this bot.' },
  405: { code: 'MethodNotAllowed', message: 'Only POST is accepted here.' },
};

/**
 * The response `CloudAdapter.process` writes to. The adapter answers a failure with the error's own
 * message as the body (and a 500 for anything but authentication); this passes the status and the
 * successful bodies (expectReplies, invoke responses) on, and replaces every error body with a fixed one.
 */
export function adapterResponse(res: Response): BotFrameworkResponse {
  let status = 200;
  let body: unknown;
  return {
    socket: res.socket,
    header: (name: string, value: unknown) => res.header(name, value),
    status: (code: number) => {
      status = code;
    },
    send: (sent: unknown) => {
      body = sent;
    },
    end: () => {
      if (res.headersSent) return;
      if (status >= 500) res.send(status, internalErrorBody);
      else if (status >= 400) res.send(status, refusals[status] ?? { code: 'Refused', message: 'The request was refused.' });
      else if (body === undefined) res.send(status);
      else res.send(status, body);
    },
  };
}
