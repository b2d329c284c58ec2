import type { Activity } from 'botbuilder';
import { ConnectionStatus, DirectLine, type DirectLineOptions } from 'botframework-directlinejs';
import { WebSocket } from 'ws';
import { waitFor } from './waitFor';

// The official client expects a browser; its README's way to run it in Node.
Object.assign(globalThis, { XMLHttpRequest: require('xhr2'), WebSocket });

export { ConnectionStatus };

/**
 * `botframework-directlinejs`, the Direct Line client Web Chat runs on, talking to the service:
 * over its WebSocket stream (its default) or by polling. Keeps what it receives and every
 * connection status it went through.
 */
export function officialClient(options: DirectLineOptions & { domain: string }) {
  const directLine = new DirectLine({ pollingInterval: 200, timeout: 5_000, ...options });
  const received: Activity[] = [];
  const statuses: ConnectionStatus[] = [];
  const activities = directLine.activity$.subscribe((activity) => received.push(activity as Activity));
  const status = directLine.connectionStatus$.subscribe((next) => statuses.push(next));
  const texts = () => received.filter((activity) => activity.type === 'message').map((activity) => activity.text ?? '');
  // Kept private by the client's types; what it resumes with and where it streams from.
  const internals = directLine as unknown as { streamUrl?: string; watermark: string };
  return {
    directLine,
    streamUrl: () => internals.streamUrl,
    watermark: () => internals.watermark,
    received,
    statuses,
    texts,
    /** Posts a user message; resolves with the id the service gave it. */
    post: (text: string) =>
      new Promise<string>((resolve, reject) =>
        directLine.postActivity({ type: 'message', text, from: { id: 'ignored', name: 'Sam' } } as never).subscribe(resolve, reject),
      ),
    /** Waits until a bot message containing `text` has arrived. */
    until: (text: string, what = `"${text}"`) => waitFor(() => texts().some((said) => said.includes(text)), what),
    end() {
      activities.unsubscribe();
      status.unsubscribe();
      directLine.end();
    },
  };
}
