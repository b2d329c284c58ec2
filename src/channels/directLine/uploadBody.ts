import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** A file part of an upload, as sent: its type is only what the client declared. */
export interface UploadedFile {
  data: Buffer;
  name: string;
  declaredType: string;
}

export type UploadProblem = 'notMultipart' | 'malformed' | 'noActivity' | 'activityTooLarge' | 'tooLarge' | 'tooManyInMessage';
export type UploadRead = { ok: true; activityJson: string; files: UploadedFile[] } | { ok: false; problem: UploadProblem };

export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxActivityBytes: number;
}

/**
 * Reads a Direct Line upload (`multipart/form-data`, as botframework-directlinejs sends it): the
 * `activity` part (JSON; a Blob, so it comes as a file named "blob", or as a field from other
 * clients) and the file parts. Stops at the first limit passed, without reading further.
 */
export function readUploadBody(req: IncomingMessage, limits: UploadLimits): Promise<UploadRead> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: Math.max(limits.maxFileBytes, limits.maxActivityBytes),
          files: limits.maxFiles + 1,
          fields: 4,
          parts: limits.maxFiles + 5,
          fieldSize: limits.maxActivityBytes,
        },
      });
    } catch {
      resolve({ ok: false, problem: 'notMultipart' });
      return;
    }
    let settled = false;
    let activityJson: string | undefined;
    const files: UploadedFile[] = [];
    const finish = (result: UploadRead) => {
      if (settled) return;
      settled = true;
      if (!result.ok) {
        // The rest of the body is not wanted: the answer goes now, the connection closes after it.
        req.unpipe(parser);
        req.resume();
      }
      resolve(result);
    };
    parser.on('field', (name, value, info) => {
      if (name !== 'activity') return;
      if (info.valueTruncated || Buffer.byteLength(value) > limits.maxActivityBytes) finish({ ok: false, problem: 'activityTooLarge' });
      else activityJson = value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const isActivity = name === 'activity';
      const max = isActivity ? limits.maxActivityBytes : limits.maxFileBytes;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > max) return finish({ ok: false, problem: isActivity ? 'activityTooLarge' : 'tooLarge' });
        chunks.push(chunk);
      });
      stream.on('limit', () => finish({ ok: false, problem: isActivity ? 'activityTooLarge' : 'tooLarge' }));
      stream.on('end', () => {
        if (isActivity) activityJson = Buffer.concat(chunks).toString('utf8');
        else files.push({ data: Buffer.concat(chunks), name: info.filename ?? 'file', declaredType: info.mimeType });
      });
    });
    parser.on('filesLimit', () => finish({ ok: false, problem: 'tooManyInMessage' }));
    parser.on('partsLimit', () => finish({ ok: false, problem: 'tooManyInMessage' }));
    parser.on('error', () => finish({ ok: false, problem: 'malformed' }));
    parser.on('close', () => finish(activityJson === undefined ? { ok: false, problem: 'noActivity' } : { ok: true, activityJson, files }));
    req.on('error', () => finish({ ok: false, problem: 'malformed' }));
    req.pipe(parser);
  });
}
