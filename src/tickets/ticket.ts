import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import { contactSchema, siteSchema } from './contactFields';

/**
 * The escalation ticket: the one contract with installers. Every delivery adapter sends exactly this
 * (the webhook as is, Zendesk rendered from it, the outbox as one JSON line), so a change here is a
 * change for every receiver: add optional fields, never repurpose one.
 */

/*
 * The contract's own vocabulary. The conversation engine speaks it when it builds a ticket; it is
 * listed here, frozen, so that adding an intent or a step outcome inside the bot never silently
 * widens what installers receive.
 */

/** Why a conversation goes to a person. Fixed codes: tickets, dialogs and reports all use them. */
export const handoffReasons = [
  'emergency_release_failed',
  'socket_stuck_after_reset',
  'pin_damaged',
  'dashboard_error',
  'safety_hazard',
  'customer_request',
  'procedure_exhausted',
] as const;
export type HandoffReason = (typeof handoffReasons)[number];

/** What the user answered at a step; `tried_before` means they said so before we got there. */
export const stepOutcomes = ['freed', 'still_stuck', 'yes', 'no', 'car', 'charger', 'both', 'tried_before'] as const;
export type StepOutcome = (typeof stepOutcomes)[number];

export interface TriedStep {
  procedure: string;
  step: string;
  outcome: StepOutcome;
}

export interface TranscriptEntry {
  /** `staff`: a person of the support team who joined the chat (since contract 2). */
  from: 'user' | 'bot' | 'staff';
  text: string;
  at: string;
}

/** The topics a ticket's `entities.mentions` may name: the stuck-cable topics, as they stood when the contract was made. */
export const ticketTopics = ['stuck_in_car', 'stuck_in_charger', 'cable_stuck', 'power_cut', 'cold_weather', 'damage', 'human'] as const;
export type TicketTopic = (typeof ticketTopics)[number];

/** Since contract 2: heat, melting, bang, crackling (hazards the bot hears since then). */
export const damageDetails = [
  'pin',
  'dashboard_error',
  'burning',
  'smoke',
  'sparks',
  'heat',
  'melting',
  'bang',
  'crackling',
  'cracked',
  'release_cord',
  'shock',
  'exposed_wires',
] as const;

export const transcriptLimits = { maxTurns: 50, maxCharsPerTurn: 1000 } as const;

const shortText = (max: number) => z.string().trim().min(1).max(max);

/** A BCP 47 language tag of the usual length ("en-GB", "zh-Hant-TW"); RFC 5646 asks for 35 characters at most. */
const localePattern = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
const localeSchema = z.string().max(35).regex(localePattern);
/** The locale of a ticket whose channel sent none, or none a ticket system could use: the chargers are sold in the UK. */
export const defaultTicketLocale = 'en-GB';

/**
 * The channel's language tag as a ticket system expects it ("en_US" written "en-US"), or the default.
 * Part of the schema, so tickets queued by an older release, which took any short text, still pass.
 */
function ticketLocale(locale: unknown): string {
  const tag = localeSchema.safeParse(typeof locale === 'string' ? locale.replaceAll('_', '-') : undefined);
  return tag.success ? tag.data : defaultTicketLocale;
}

const entitiesSchema = z
  .object({
    side: z.enum(['car', 'charger', 'both']).optional(),
    vehicleMake: shortText(60).optional(),
    chargerBrand: shortText(60).optional(),
    chargerType: z.enum(['tethered', 'untethered']).optional(),
    damage: z.array(z.enum(damageDetails)).optional(),
    mentions: z.array(z.enum(ticketTopics)).optional(),
  })
  .strict();

const releaseFactGivenSchema = z
  .object({ about: shortText(120), topic: shortText(40), sources: z.array(shortText(600)).min(1).max(5) })
  .strict();
export type ReleaseFactGiven = z.output<typeof releaseFactGivenSchema>;

/** What the conversation recognised about the situation, as installers get it. */
export type TicketEntities = z.output<typeof entitiesSchema>;

export const transcriptTurnSchema = z
  .object({ from: z.enum(['user', 'bot', 'staff']), text: z.string().max(transcriptLimits.maxCharsPerTurn), at: z.iso.datetime() })
  .strict() satisfies z.ZodType<TranscriptEntry>;

const ticketPhotoSchema = z
  .object({
    id: shortText(64),
    contentType: z.enum(['image/jpeg', 'image/png', 'image/webp', 'image/heic']),
    bytes: z.number().int().positive(),
    url: z.url({ protocol: /^https?$/ }),
  })
  .strict();
export type TicketPhoto = z.output<typeof ticketPhotoSchema>;

export const ticketSchema = z
  .object({
    /** Idempotency key: the same conversation and reason always give the same id. */
    id: z.string().regex(/^tkt_[0-9a-f]{32}$/),
    /** What the user is told and quotes on the phone. */
    reference: z.string().regex(/^EVC-[2-9A-HJKMNP-Z]{6}$/),
    reason: z.enum(handoffReasons),
    /** The procedure the user was in (e.g. `stuck_in_car`), or `none` when there was none yet. */
    scenario: shortText(60),
    createdAt: z.iso.datetime(),
    channel: shortText(128),
    locale: z.preprocess(ticketLocale, localeSchema),
    contact: contactSchema,
    site: siteSchema,
    vehicle: z.object({ make: shortText(60).optional(), model: shortText(60).optional() }).strict(),
    charger: z.object({ model: shortText(80).optional() }).strict(),
    stepsTried: z.array(
      z.object({ procedure: shortText(60), step: shortText(80), outcome: z.enum(stepOutcomes) }).strict() satisfies z.ZodType<TriedStep>,
    ),
    entities: entitiesSchema,
    transcript: z.array(transcriptTurnSchema).max(transcriptLimits.maxTurns),
    /** What the makers of the driver's car or charger say, as the driver was told it, with the sources. */
    releaseFacts: z.array(releaseFactGivenSchema).max(20).optional(),
    /** Photos the driver sent (since contract 3): each a signed link that works as long as the ticket is kept. */
    photos: z.array(ticketPhotoSchema).max(50).optional(),
    /** Set when field staff raised the ticket for a customer (Teams). */
    raisedBy: z
      .object({ entraObjectId: z.uuid(), name: shortText(100) })
      .strict()
      .optional(),
  })
  .strict();

export type Ticket = z.output<typeof ticketSchema>;

/** Everything the handoff knows when the user confirms. `buildTicket` adds id, reference and time. */
export type HandoffInput = Pick<
  Ticket,
  'reason' | 'stepsTried' | 'entities' | 'channel' | 'contact' | 'site' | 'raisedBy' | 'releaseFacts' | 'photos'
> & {
  /** The procedure running when the handoff was decided, if any. */
  scenario?: string;
  transcript: TranscriptEntry[];
  /** As the channel sent it: anything but a usable language tag becomes `defaultTicketLocale`. */
  locale: string | undefined;
  conversationId: string;
  vehicle?: Ticket['vehicle'];
  charger?: Ticket['charger'];
};

export function ticketId(conversationId: string, reason: Ticket['reason']): string {
  const digest = createHash('sha256').update(`${conversationId}\n${reason}`).digest('hex');
  return `tkt_${digest.slice(0, 32)}`;
}

// No 0/O, 1/I/L: a reference is read out over the phone.
const referenceAlphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newTicketReference(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += referenceAlphabet[randomInt(referenceAlphabet.length)];
  return `EVC-${code}`;
}

/** Keeps the most recent turns, each cut to the per-turn limit, so a long chat still fits a ticket. */
export function capTranscript(turns: TranscriptEntry[]): TranscriptEntry[] {
  return turns
    .slice(-transcriptLimits.maxTurns)
    .map((turn) =>
      turn.text.length > transcriptLimits.maxCharsPerTurn
        ? { ...turn, text: `${turn.text.slice(0, transcriptLimits.maxCharsPerTurn - 1)}…` }
        : turn,
    );
}

/** Throws a `ZodError` naming the bad field when the input breaks the contract. */
export function buildTicket(input: HandoffInput, now: Date = new Date(), reference: string = newTicketReference()): Ticket {
  const { conversationId, transcript, ...handoff } = input;
  return ticketSchema.parse({
    ...handoff,
    id: ticketId(conversationId, input.reason),
    scenario: input.scenario ?? 'none',
    reference,
    createdAt: now.toISOString(),
    vehicle: input.vehicle ?? {},
    charger: input.charger ?? {},
    transcript: capTranscript(transcript),
  });
}
