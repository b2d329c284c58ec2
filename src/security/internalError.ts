/** The only body a client gets for a failure on our side: never the error's own message or stack. */
export const internalErrorBody = { code: 'InternalError', message: 'Something went wrong on our side.' } as const;
