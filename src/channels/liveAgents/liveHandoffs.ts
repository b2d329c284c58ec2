import type { ConversationReference, Storage } from 'botbuilder';
import { ETagConflictError } from '../../state/stateErrors';
import type { Ticket } from '../../tickets/ticket';

/** A person of the support team, as Teams names them: their Entra object id (or Teams id) and name. */
export interface StaffMember {
  id: string;
  name: string;
}

/** The Teams thread an escalation was posted as, and its card (the thread's first message). */
export interface SupportThread {
  conversationId: string;
  cardActivityId: string;
}

/** One ticket offered to the support team: where its driver is, its thread, who took it and when. */
export interface LiveHandoff {
  reference: string;
  /** What the card shows. */
  ticket: Ticket;
  /** Where the person's words are delivered (the driver's conversation). */
  driver: Partial<ConversationReference>;
  thread: SupportThread;
  offeredAt: string;
  takenBy?: StaffMember & { at: string };
  endedBy?: StaffMember & { at: string };
}

/** What `change` did: the record as it is now, and whether this call changed it. */
export interface Changed {
  handoff: LiveHandoff;
  changed: boolean;
}

const handoffKey = (reference: string) => `liveHandoff/${reference}`;
const threadKey = (conversationId: string) => `liveHandoffThread/${conversationId}`;
/** A change that keeps meeting another one gives up: someone is pressing the same button over and over. */
const maxAttempts = 5;

/**
 * The live handoffs, by ticket reference and by thread, in the store the conversation state uses
 * (Redis, so any instance relays; in memory without it), expiring like a conversation. Changes are
 * compare-and-set on the record's eTag, so two people pressing Take over at once cannot both get it.
 */
export class LiveHandoffs {
  constructor(private readonly storage: Storage) {}

  async open(handoff: LiveHandoff): Promise<void> {
    await this.storage.write({
      [handoffKey(handoff.reference)]: { ...handoff, eTag: '*' },
      [threadKey(handoff.thread.conversationId)]: { reference: handoff.reference, eTag: '*' },
    });
  }

  async get(reference: string): Promise<LiveHandoff | undefined> {
    return (await this.read(reference))?.handoff;
  }

  /** The handoff whose thread this Teams conversation is, if any. */
  async ofThread(conversationId: string): Promise<LiveHandoff | undefined> {
    const key = threadKey(conversationId);
    const reference = ((await this.storage.read([key]))[key] as { reference?: unknown } | undefined)?.reference;
    return typeof reference === 'string' ? this.get(reference) : undefined;
  }

  /**
   * Applies `change` to the stored record (read again if someone else changed it meanwhile);
   * `change` returns undefined to leave it as it is. Undefined when there is no such handoff.
   */
  async change(reference: string, change: (handoff: LiveHandoff) => LiveHandoff | undefined): Promise<Changed | undefined> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.read(reference);
      if (!stored) return undefined;
      const next = change(stored.handoff);
      if (!next) return { handoff: stored.handoff, changed: false };
      try {
        await this.storage.write({ [handoffKey(reference)]: { ...next, eTag: stored.eTag } });
        return { handoff: next, changed: true };
      } catch (error) {
        if (!(error instanceof ETagConflictError) || attempt >= maxAttempts) throw error;
      }
    }
  }

  private async read(reference: string): Promise<{ handoff: LiveHandoff; eTag: string } | undefined> {
    const key = handoffKey(reference);
    const item = (await this.storage.read([key]))[key] as (LiveHandoff & { eTag: string }) | undefined;
    if (!item) return undefined;
    const { eTag, ...handoff } = item;
    return { handoff, eTag };
  }
}
