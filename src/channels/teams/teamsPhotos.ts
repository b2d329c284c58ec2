import { type Attachment, Channels, type Middleware, type TurnContext } from 'botbuilder';
import { fillTemplate, type Messages } from '../../content/messages';
import { hashId, type Logger } from '../../logger';
import { type PhotoIntake, type PhotoProblem, sizeText } from '../../photos/photoIntake';
import { photosKey } from '../../photos/photoReference';

/** Teams' attachment for a file sent in a 1:1 chat: a pre-authorised `downloadUrl` and the file's extension. */
const fileDownloadInfo = 'application/vnd.microsoft.teams.file.download.info';
const imageExtensions = new Set(['jpg', 'jpeg', 'png', 'webp', 'heic']);

interface PhotoSource {
  url: string;
  /** Images pasted into a message are kept by the Bot Connector and need the bot's token; files come pre-authorised. */
  withBotToken: boolean;
}

/** The photos among a message's attachments; cards, HTML and other files are not. */
function photoSources(attachments: readonly Attachment[] | undefined): PhotoSource[] {
  return (attachments ?? []).flatMap((attachment): PhotoSource[] => {
    if (attachment.contentType?.startsWith('image/') && typeof attachment.contentUrl === 'string')
      return [{ url: attachment.contentUrl, withBotToken: true }];
    const info = attachment.content as { downloadUrl?: unknown; fileType?: unknown } | undefined;
    if (
      attachment.contentType === fileDownloadInfo &&
      typeof info?.downloadUrl === 'string' &&
      imageExtensions.has(String(info.fileType).toLowerCase())
    ) {
      return [{ url: info.downloadUrl, withBotToken: false }];
    }
    return [];
  });
}

class Oversized extends Error {}

/** The body, read no further than `maxBytes` (an oversized photo is refused without being downloaded whole). */
async function download(url: string, headers: Record<string, string>, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const response = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || !response.body) throw new Error(`photo download answered ${response.status}`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) throw new Oversized();
  const chunks: Buffer[] = [];
  let bytes = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.length;
    if (bytes > maxBytes) {
      await reader.cancel();
      throw new Oversized();
    }
    chunks.push(Buffer.from(read.value));
  }
  return Buffer.concat(chunks);
}

/** The bot's token for the Bot Connector of this turn, when it has credentials (none in emulator mode). */
async function botToken(context: TurnContext): Promise<string | undefined> {
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as
    { credentials?: { appId?: string; getToken?: () => Promise<string> } } | undefined;
  const credentials = connector?.credentials;
  return credentials?.appId && credentials.getToken ? credentials.getToken() : undefined;
}

/**
 * Photos sent in Teams: downloaded (https only, the bot's token only to the turn's own Bot
 * Connector), checked and kept like Direct Line uploads, and named in `channelData.photos` for the
 * bot. One that cannot be taken is answered in words; the message's text still goes on.
 */
export function teamsPhotos(deps: { intake: PhotoIntake; messages: Messages; logger: Logger; timeoutMs: number }): Middleware {
  const { messages } = deps;
  const { maxFileBytes, maxPerMessage } = deps.intake.limits;
  const answer: Record<PhotoProblem, string> = {
    tooLarge: fillTemplate(messages.photoTooLarge, { max: sizeText(maxFileBytes) }),
    wrongType: messages.photoWrongType,
    tooManyInMessage: fillTemplate(messages.photoTooMany, { max: maxPerMessage }),
    tooManyInConversation: messages.photoConversationFull,
    conversationFull: messages.photoConversationFull,
  };
  return {
    async onTurn(context, next) {
      const { activity } = context;
      const sources = activity.channelId === Channels.Msteams && activity.type === 'message' ? photoSources(activity.attachments) : [];
      if (sources.length === 0) return next();
      const conversation = hashId(activity.conversation?.id);
      let problem: PhotoProblem | undefined;
      if (sources.length > maxPerMessage) problem = 'tooManyInMessage';
      else {
        try {
          const serviceOrigin = activity.serviceUrl ? new URL(activity.serviceUrl).origin : undefined;
          const files = await Promise.all(
            sources.map(async (source) => {
              const url = new URL(source.url);
              if (url.protocol !== 'https:') throw new Error('photo URL is not https');
              const token = source.withBotToken && url.origin === serviceOrigin ? await botToken(context) : undefined;
              return download(url.href, token ? { authorization: `Bearer ${token}` } : {}, maxFileBytes, deps.timeoutMs);
            }),
          );
          const taken = await deps.intake.takeIn(activity.conversation.id, files);
          if (taken.ok) activity.channelData = { ...activity.channelData, [photosKey]: taken.photos };
          else problem = taken.problem;
        } catch (error) {
          if (!(error instanceof Oversized)) {
            deps.logger.warn({ err: error, conversation }, 'teams photo could not be downloaded');
            return next();
          }
          problem = 'tooLarge';
        }
      }
      if (problem) {
        deps.logger.info({ conversation, problem }, 'teams photo refused');
        await context.sendActivity(answer[problem]);
        if (!activity.text?.trim()) return;
      }
      return next();
    },
  };
}
