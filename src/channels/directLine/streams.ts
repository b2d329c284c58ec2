import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { hashId, type Logger } from '../../logger';
import type { ConversationLog, LogEvent } from './conversationLog';
import { directLineBasePath } from './routes';
import type { DirectLineTokens, TokenGrant } from './tokens';
import { type LogPosition, parseWatermark } from './watermark';

export interface DirectLineStreamsDeps {
  log: ConversationLog;
  tokens: DirectLineTokens;
  logger: Logger;
  /** A socket that has not answered the previous ping by the next one is dropped. */
  heartbeatMs?: number;
}

const streamPath = new RegExp(`^${directLineBasePath}/conversations/([^/]+)/stream$`);
/** Open streams per conversation (tabs, reloads whose old socket has not timed out yet); the oldest goes first. */
const maxStreamsPerConversation = 4;
/** A client this far behind is dropped; it reconnects and resumes from its watermark. */
const maxBufferedBytes = 1024 * 1024;
/** Direct Line clients send empty pings; nothing a client sends is needed. */
const maxIncomingBytes = 4 * 1024;

/** Answers an upgrade request that is refused, in plain HTTP, and closes the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The Direct Line 3.0 stream: a WebSocket per client, opened with the ticket of a `streamUrl`,
 * that gets `{activities, watermark}` as soon as the log has something new: first what came
 * after the watermark it connected with, then every append announced by any instance, and the
 * bot's typing. Polling keeps working beside it; both read the same log.
 */
export class DirectLineStreams {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: maxIncomingBytes });
  private readonly open = new Map<string, Set<WebSocket>>();
  private closing = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly deps: DirectLineStreamsDeps) {
    const alive = new WeakSet<WebSocket>();
    this.sockets.on('connection', (socket) => {
      alive.add(socket);
      socket.on('pong', () => alive.add(socket));
    });
    this.heartbeat = setInterval(() => {
      for (const socket of this.sockets.clients) {
        if (!alive.delete(socket)) socket.terminate();
        else socket.ping();
      }
    }, deps.heartbeatMs ?? 30_000).unref();
  }

  /** Takes the server's WebSocket upgrades: the stream path only, anything else is refused. */
  attach(server: HttpServer): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** Closes every stream with "going away": clients reconnect, to another instance behind a balancer. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const closed = [...this.sockets.clients].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close(1001, 'service restarting');
          setTimeout(() => {
            socket.terminate();
            resolve();
          }, 1_000).unref();
        }),
    );
    await Promise.all(closed);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://stream');
    const conversationId = streamPath.exec(url.pathname)?.[1];
    if (!conversationId) return refuse(socket, 404, 'Not Found');
    if (this.closing) return refuse(socket, 503, 'Service Unavailable');
    const check = this.deps.tokens.checkStreamTicket(url.searchParams.get('t'));
    if (!check.ok) return refuse(socket, check.reason === 'expired' ? 403 : 401, 'Unauthorized');
    if (decodeURIComponent(conversationId) !== check.grant.conversationId) return refuse(socket, 403, 'Forbidden');
    const from = parseWatermark(url.searchParams.get('watermark')) ?? { position: 0 };
    this.sockets.handleUpgrade(req, socket, head, (webSocket) => {
      this.sockets.emit('connection', webSocket, req);
      this.stream(webSocket, check.grant, from);
    });
  }

  private stream(socket: WebSocket, grant: TokenGrant, start: LogPosition): void {
    const { conversationId } = grant;
    const log = this.deps.logger.child({ conversation: hashId(conversationId) });
    this.keepWithinLimit(conversationId, socket);
    let from = start;
    let reading = false;
    let readAgain = false;

    const send = (message: object) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > maxBufferedBytes) {
        log.warn('direct line stream dropped: the client is not reading');
        socket.terminate();
        return;
      }
      socket.send(JSON.stringify(message));
    };
    // One read at a time per socket, so pages go out in order; announcements during a read make it read again.
    const catchUp = async () => {
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      try {
        do {
          readAgain = false;
          for (;;) {
            const page = await this.deps.log.read(conversationId, from);
            from = parseWatermark(page.watermark) ?? from;
            if (page.activities.length === 0) break;
            send(page);
          }
        } while (readAgain && socket.readyState === socket.OPEN);
      } catch (error) {
        log.warn({ err: error }, 'direct line stream could not read the log; it reads again at the next announcement');
      } finally {
        reading = false;
      }
    };
    const onEvent = (event: LogEvent) => {
      if (event.kind === 'ephemeral') send({ activities: [event.activity] });
      else void catchUp();
    };

    const unwatch = this.deps.log.watch(conversationId, onEvent);
    socket.on('close', () => {
      unwatch();
      this.open.get(conversationId)?.delete(socket);
      if (this.open.get(conversationId)?.size === 0) this.open.delete(conversationId);
    });
    socket.on('error', (error) => log.debug({ err: error }, 'direct line stream error'));
    void catchUp();
  }

  private keepWithinLimit(conversationId: string, socket: WebSocket): void {
    const streams = this.open.get(conversationId) ?? new Set<WebSocket>();
    this.open.set(conversationId, streams);
    streams.add(socket);
    for (const oldest of streams) {
      if (streams.size <= maxStreamsPerConversation) break;
      streams.delete(oldest);
      oldest.close(1008, 'too many streams for this conversation');
    }
  }
}
