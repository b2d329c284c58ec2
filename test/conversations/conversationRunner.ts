import fs from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ReleaseCatalogue } from '../../src/content/releaseFacts';
import type { StoredConversation } from '../../src/conversation/conversationState';
import type { Recognizer } from '../../src/nlu/types';
import type { Ticket } from '../../src/tickets/ticket';
import { riskyAdviceIn } from '../support/adviceRules';
import { content, guidedChat, memoryTicketDelivery } from '../support/guidedChat';

/** The format of test/conversations/*.yaml (README.md there). */
const refSchema = z.union([z.string().min(1), z.object({ text: z.string().min(1) }).strict()]);
const turnSchema = z
  .object({
    user: z.string(),
    bot: z
      .object({
        says: z.array(refSchema).optional(),
        not: z.array(refSchema).optional(),
        asks: refSchema.optional(),
        handoff: z.string().optional(),
        outcome: z.enum(['freed', 'handoff', 'cancelled', 'closed']).optional(),
        ticket: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        step: z
          .string()
          .regex(/^\w+\.\w+$/)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
const conversationSchema = z
  .object({
    name: z.string().min(1),
    channel: z.enum(['webchat', 'msteams', 'test']).default('webchat'),
    turns: z.array(turnSchema).min(1),
  })
  .strict();
const fileSchema = z.object({ kind: z.string().min(1), conversations: z.array(conversationSchema).min(1) }).strict();

export type Ref = z.output<typeof refSchema>;
export type ConversationTest = z.output<typeof conversationSchema> & { kind: string };
export type Expectations = NonNullable<z.output<typeof turnSchema>['bot']>;

export const conversationsDir = __dirname;

/** Every conversation of every file, checked against the format; a bad file names its problem. */
export function loadConversationTests(dir = conversationsDir): ConversationTest[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .flatMap((name) => {
      const parsed = fileSchema.safeParse(parse(fs.readFileSync(path.join(dir, name), 'utf8')));
      if (!parsed.success)
        throw new Error(`${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      if (`${parsed.data.kind}.yaml` !== name) throw new Error(`${name}: kind must be the file's name (${parsed.data.kind})`);
      return parsed.data.conversations.map((conversation) => ({ ...conversation, kind: parsed.data.kind }));
    });
}

const { messages, knowledge } = content;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A template as a pattern: its placeholders ({car}, {reference}...) stand for any short text. */
function templatePattern(template: string): RegExp {
  const parts = template
    .trim()
    .split(/\{\w+\}/)
    .map(escapeRegExp);
  return new RegExp(parts.join('[\\s\\S]{0,300}?').replace(/\\ /g, '\\s+').replace(/ /g, '\\s+'), 'i');
}

function messageAt(keyPath: string): unknown {
  return keyPath.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], messages);
}

/** Every text a template subtree holds (`clarify` names all of `messages.clarify.*`). */
function textsUnder(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (node && typeof node === 'object') return Object.values(node).flatMap(textsUnder);
  return [];
}

/** What a ref stands for, as the patterns any of which shows it was said. */
export function patternsOf(ref: Ref, channel: ConversationTest['channel']): RegExp[] {
  if (typeof ref !== 'string') {
    const regex = /^\/(.*)\/([a-z]*)$/s.exec(ref.text);
    return [regex ? new RegExp(regex[1], regex[2]) : new RegExp(escapeRegExp(ref.text), 'i')];
  }
  const [kind, name] = ref.includes(':') ? (ref.split(/:(.*)/s) as [string, string]) : ['knowledge', ref];
  const templates = (() => {
    switch (kind) {
      case 'knowledge':
        if (ref === 'safety') return [knowledge.get('safety_instruction').text];
        if (ref === 'clarify') return textsUnder(messages.clarify);
        if (ref === 'not_understood') return [messages.notUnderstood, messages.notUnderstoodAgain];
        if (ref === 'out_of_scope') return [messages.outOfScope];
        if (!knowledge.has(ref)) throw new Error(`unknown ref "${ref}"`);
        return [knowledge.get(ref).text];
      case 'message':
        return textsUnder(messageAt(name));
      case 'question':
        return textsUnder(messages.questions[name]);
      case 'contact': {
        const wording = channel === 'msteams' ? messages.handoff.customerQuestions : messages.handoff.questions;
        const question = wording[name as keyof typeof wording] as { ask: string; askModel?: string } | undefined;
        return question ? [question.ask, ...(question.askModel ? [question.askModel] : [])] : [];
      }
      default:
        throw new Error(`unknown ref "${ref}"`);
    }
  })();
  if (templates.length === 0) throw new Error(`ref "${ref}" names no text`);
  return templates.map(templatePattern);
}

/** The texts a person sees in a reply: its text, or the text blocks and facts of its card. */
function textsOf(activity: Partial<Activity>): string[] {
  const texts = activity.text ? [activity.text.replaceAll('  \n', '\n').replace(/\\(.)/g, '$1')] : [];
  for (const attachment of activity.attachments ?? []) {
    // A contact form asks its first open question; the other fields are there to fill in ahead.
    let inputs = 0;
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== 'object') return;
      const element = node as Record<string, unknown>;
      if (element.type === 'TextBlock' && typeof element.text === 'string') texts.push(element.text);
      if (element.type === 'FactSet')
        texts.push((element.facts as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`).join('\n'));
      if (element.type === 'Input.Text' && typeof element.label === 'string' && inputs++ === 0) texts.push(element.label);
      for (const value of Object.values(element)) if (typeof value === 'object') visit(value);
    };
    visit((attachment.content as { body?: unknown })?.body);
  }
  return texts;
}

/** Words of force and tools: a sentence of the bot naming one must be a "don't". */

export interface TurnReport {
  user: string;
  replies: string[];
  failures: string[];
}

export interface ConversationReport {
  test: ConversationTest;
  turns: TurnReport[];
  passed: boolean;
}

function valueAt(ticket: Ticket, keyPath: string): unknown {
  return keyPath.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], ticket);
}

const staff = { id: 'staff-1', name: 'Alex Field', aadObjectId: '5b6f5a8e-1d2c-4b7a-9a0e-2f1c3d4e5f60' };

/** Plays one conversation against the real bot and checks every turn, and the rules that hold over all. */
export async function runConversation(test: ConversationTest, recognizer: Recognizer): Promise<ConversationReport> {
  const tickets = memoryTicketDelivery();
  const bot = await guidedChat(recognizer, {
    ticketDelivery: tickets,
    channelId: test.channel,
    from: test.channel === 'msteams' ? staff : undefined,
  });
  const reports: TurnReport[] = [];
  const saidSoFar: string[] = [];
  let before: StoredConversation | undefined = await bot.stored();
  for (const turn of test.turns) {
    const sentBefore = bot.activities.length;
    const ticketsBefore = tickets.tickets().length;
    await bot.user(turn.user);
    const activities = bot.activities.slice(sentBefore).filter((activity) => activity.type === 'message');
    const replies = activities.flatMap(textsOf);
    // What is asked last: the last message, or the last card (a Teams card holds its question among its texts).
    const lastAsked = textsOf(activities.at(-1) ?? {});
    const after = await bot.stored();
    const failures = [
      ...checkExpectations(turn.bot ?? {}, { test, replies, lastAsked, before, after, created: tickets.tickets().slice(ticketsBefore) }),
      ...checkRules(replies, saidSoFar, after),
    ];
    reports.push({ user: turn.user, replies, failures });
    saidSoFar.push(...replies);
    before = after;
  }
  return { test, turns: reports, passed: reports.every((turn) => turn.failures.length === 0) };
}

interface TurnFacts {
  test: ConversationTest;
  replies: string[];
  lastAsked: string[];
  before?: StoredConversation;
  after?: StoredConversation;
  created: Ticket[];
}

function checkExpectations(expected: Expectations, facts: TurnFacts): string[] {
  const { test, replies, lastAsked, before, after, created } = facts;
  const said = (ref: Ref) => patternsOf(ref, test.channel).some((pattern) => replies.some((reply) => pattern.test(reply)));
  const show = (ref: Ref) => (typeof ref === 'string' ? ref : `text ${ref.text}`);
  const failures: string[] = [];
  for (const ref of expected.says ?? []) if (!said(ref)) failures.push(`should say ${show(ref)}`);
  for (const ref of expected.not ?? []) if (said(ref)) failures.push(`should not say ${show(ref)}`);
  if (expected.asks) {
    const patterns = patternsOf(expected.asks, test.channel);
    // A Teams card holds the question with what goes before it (a contact form, every open question).
    const asked = test.channel === 'msteams' ? [...lastAsked, lastAsked.join('\n\n')] : [lastAsked.at(-1) ?? ''];
    if (!patterns.some((pattern) => asked.some((text) => pattern.test(text)))) failures.push(`should ask ${show(expected.asks)}`);
  }
  if (expected.handoff) {
    const starting = templatePattern(
      messages.handoffStarting.replace(
        '{reason}',
        messages.handoffReasons[expected.handoff as keyof typeof messages.handoffReasons] ?? expected.handoff,
      ),
    );
    if (!replies.some((reply) => starting.test(reply))) failures.push(`should hand off for ${expected.handoff}`);
  }
  if (expected.outcome) {
    const ended = (after?.record.outcomes ?? []).slice(before?.record.outcomes.length ?? 0).map((outcome) => outcome.result);
    if (!ended.includes(expected.outcome)) failures.push(`should end ${expected.outcome} (ended: ${ended.join(', ') || 'nothing'})`);
  }
  if (expected.step) {
    const stage = after?.stage;
    const at = stage?.kind === 'guiding' ? `${stage.guide.procedure}.${stage.guide.step}` : stage?.kind;
    if (at !== expected.step) failures.push(`should wait on ${expected.step} (waits on ${at})`);
  }
  if (expected.ticket) {
    const [ticket] = created;
    if (!ticket) failures.push('should create a ticket');
    else {
      for (const [keyPath, value] of Object.entries(expected.ticket)) {
        const actual = valueAt(ticket, keyPath);
        if (String(actual).toLowerCase() !== String(value).toLowerCase())
          failures.push(`ticket ${keyPath} should be ${value} (is ${actual})`);
      }
    }
  }
  return failures;
}

/** A maker's documented step for its own product (a screwdriver on Nissan's bonnet-lock release screw), as the maker words it. */
const { vehicles, chargers } = content.releaseFacts;
const everyFact = <T extends string>(catalogue: ReleaseCatalogue<T>) =>
  catalogue.makes.flatMap((make) => [
    ...make.facts,
    ...make.models.flatMap((model) => catalogue.topics.flatMap((topic) => model.factsFor(topic))),
  ]);
const makersOwnSteps = [...everyFact(vehicles), ...everyFact(chargers)]
  .filter((fact) => fact.makersOwnStep)
  .map((fact) => fact.text.replace(/\s+/g, ' '));

/** The safety rules, over every reply of every conversation. */
function checkRules(replies: string[], saidSoFar: string[], after: StoredConversation | undefined): string[] {
  const failures: string[] = [];
  for (const reply of replies) {
    for (const sentence of riskyAdviceIn(reply)) {
      if (!makersOwnSteps.some((text) => text.includes(sentence.trim()))) failures.push(`RULE: advises force or tools: "${sentence}"`);
    }
  }
  const safety = patternsOf('safety', 'webchat')[0];
  const safetyHandoff = templatePattern(messages.handoffStarting.replace('{reason}', messages.handoffReasons.safety_hazard));
  const inSafetyHandoff = after?.stage.kind === 'handoff' && after.stage.handoff.request.reason === 'safety_hazard';
  if (replies.some((reply) => safety.test(reply)) && !replies.some((reply) => safetyHandoff.test(reply)) && !inSafetyHandoff) {
    failures.push('RULE: the safety instruction without a safety_hazard handoff');
  }
  const release = patternsOf('emergency_release', 'webchat')[0];
  const unlock = patternsOf('unlock_car', 'webchat')[0];
  if (replies.some((reply) => release.test(reply))) {
    const stage = after?.stage;
    const tried = stage?.kind === 'guiding' ? stage.guide.tried : stage?.kind === 'handoff' ? stage.handoff.request.stepsTried : [];
    const unlockTried = tried.some((step) => step.step === 'unlock_car');
    const unlockSaid = [...saidSoFar, ...replies].some((reply) => unlock.test(reply));
    if (!unlockTried && !unlockSaid) failures.push('RULE: the emergency release before the normal unlock');
  }
  return failures;
}

/** One failed conversation, readable in a test failure or a report. */
export function describeFailures(report: ConversationReport): string {
  return report.turns
    .map((turn, index) =>
      turn.failures.length === 0
        ? undefined
        : [
            `turn ${index + 1}: "${turn.user}"`,
            ...turn.failures.map((failure) => `  - ${failure}`),
            ...turn.replies.map((reply) => `    bot: ${reply.slice(0, 160).replaceAll('\n', ' / ')}`),
          ].join('\n'),
    )
    .filter(Boolean)
    .join('\n');
}
