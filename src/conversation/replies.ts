import type { ContactForm, SummaryLayout } from '../handoff/contactInterview';

/**
 * One message of the bot, as the engine writes it. `text` is markdown (what Web Chat and Teams
 * render): values the user typed are already escaped (`userText` in content/messages.ts), and a
 * single line break is meant as one. A reply with `buttons` is the question waiting for an answer;
 * channels that lay out forms and summaries (Teams cards) use `layout`, the others the text.
 */
export interface Reply {
  text: string;
  buttons?: string[];
  layout?: { form?: ContactForm; summary?: SummaryLayout };
  /** Said by a person of the support team in a live handoff (their name), not by the bot. */
  speaker?: string;
}
