/** The only body a client gets for a failure on our side: never the error's own message or stack. */
export const internalErrorBody = { code: 'InternalError', message: 'Something went wrong on our side.' } as const;

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
}

/**
 * What a client is told for the errors restify raises itself (its own messages echo the path, or
 * the parser's text), by restify's error code; the status stays restify's.
 */
const restifyRefusals: Record<string, ErrorBody> = {
  ResourceNotFound: { code: 'NotFound', message: 'There is nothing at this address.' },
  MethodNotAllowed: { code: 'MethodNotAllowed', message: 'This method is not allowed here.' },
  PayloadTooLarge: { code: 'PayloadTooLarge', message: 'The request body is over the size limit.' },
  RequestEntityTooLarge: { code: 'PayloadTooLarge', message: 'The request body is over the size limit.' },
  BadDigest: { code: 'BadDigest', message: 'The request body does not match its Content-MD5.' },
  NotAcceptable: { code: 'NotAcceptable', message: 'This service answers in JSON only.' },
};

/** The body for an error that reached restify's error handling with `status`. */
export function errorBodyFor(status: number, restCode: string | undefined): ErrorBody {
  if (status >= 500) return internalErrorBody;
  return (restCode && restifyRefusals[restCode]) || { code: 'Refused', message: 'The request was refused.' };
}
