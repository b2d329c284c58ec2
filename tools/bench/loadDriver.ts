import { randomUUID } from 'node:crypto';
import http from 'node:http';

/** What a driver measured against one target. */
export interface LoadResult {
  turns: number;
  errors: number;
  seconds: number;
  /** What went wrong with the first failed turn (status and start of the body), to tell errors apart. */
  firstError?: string;
  /** Turn latencies in milliseconds, in the order they finished. */
  latenciesMs: number[];
}

export interface Conversation {
  id: string;
  messages: readonly string[];
}

/**
 * Posts activities the way a channel does, with `expectReplies`, over kept-alive connections: one
 * conversation's turns one after another, many conversations at once.
 */
export class LoadDriver {
  private readonly agent: http.Agent;

  constructor(
    private readonly url: URL,
    maxSockets: number,
  ) {
    // With a timeout the agent honours the server's `Keep-Alive: timeout` hint: it drops an idle
    // socket a second before that (or after its own 60 s, if sooner). Without one it may reuse a
    // socket the server is closing that moment ("socket hang up"). A request in progress is not cut
    // short by it.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 60_000 });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One turn; resolves with its latency, or rejects when the answer is not a 200 with replies. */
  turn(conversationId: string, text: string): Promise<number> {
    const body = JSON.stringify({
      type: 'message',
      // Channels give every activity an id; the service checks it against redeliveries.
      id: randomUUID(),
      text,
      channelId: 'bench',
      serviceUrl: 'http://localhost:1',
      from: { id: `user-${conversationId}`, name: 'Driver' },
      recipient: { id: 'bot', name: 'Bot' },
      conversation: { id: conversationId },
      deliveryMode: 'expectReplies',
    });
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const request = http.request(
        this.url,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let answer = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (answer += chunk));
          response.on('end', () => {
            const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
            if (response.statusCode === 200 && answer.includes('"activities"')) resolve(latencyMs);
            else reject(new Error(`HTTP ${response.statusCode}: ${answer.slice(0, 200)}`));
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  private async converse(conversation: Conversation, result: LoadResult): Promise<void> {
    for (const text of conversation.messages) {
      try {
        result.latenciesMs.push(await this.turn(conversation.id, text));
        result.turns += 1;
      } catch (error) {
        result.errors += 1;
        result.firstError ??= `${conversation.id}, "${text}": ${(error as Error).message}`;
      }
    }
  }

  /** As fast as it goes: `concurrency` conversations in flight until `conversations` are done. */
  async closedLoop(
    conversations: Iterator<Conversation>,
    concurrency: number,
    onConversationDone?: (done: number) => void,
  ): Promise<LoadResult> {
    const result: LoadResult = { turns: 0, errors: 0, seconds: 0, latenciesMs: [] };
    const started = process.hrtime.bigint();
    let done = 0;
    const worker = async () => {
      for (let next = conversations.next(); !next.done; next = conversations.next()) {
        await this.converse(next.value, result);
        done += 1;
        onConversationDone?.(done);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return result;
  }

  /** A fixed arrival rate of conversations, whatever the latency: latency at a given load. */
  async openLoop(conversations: Iterator<Conversation>, conversationsPerSecond: number, seconds: number): Promise<LoadResult> {
    const result: LoadResult = { turns: 0, errors: 0, seconds, latenciesMs: [] };
    const running: Promise<void>[] = [];
    const total = Math.max(1, Math.round(conversationsPerSecond * seconds));
    const started = Date.now();
    for (let index = 0; index < total; index += 1) {
      const next = conversations.next();
      if (next.done) break;
      const due = started + (index * 1000) / conversationsPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      running.push(this.converse(next.value, result));
    }
    await Promise.all(running);
    result.seconds = (Date.now() - started) / 1000;
    return result;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
