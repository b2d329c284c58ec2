import { type Attachment, CardFactory, type CardAction } from 'botbuilder';
import type { ProcedureOverview } from '../../conversation/procedureOverview';
import type { ContactForm, SummaryLayout } from '../../handoff/contactInterview';

/** What Teams renders on desktop and mobile. */
const cardVersion = '1.5';

export type CardElement = Record<string, unknown>;

export const textBlock = (text: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text, wrap: true, ...extra });

export function adaptiveCard(body: CardElement[], actions: CardElement[] = []): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: cardVersion,
    body,
    actions,
  });
}

/** The value a button sends back; Teams puts it in `activity.value`, and `teamsInput` turns it into the answer. */
export interface SubmittedAnswer {
  answer: string;
}

/** The contact form's submit button sends this, with each field's text under its question's id. */
export interface SubmittedContactForm {
  contactForm: true;
}

const answerButtons = (answers: CardAction[]): CardElement[] =>
  answers.map((action) => {
    const answer: SubmittedAnswer = { answer: String(action.value ?? action.title) };
    return { type: 'Action.Submit', title: action.title ?? answer.answer, data: answer };
  });

const question = (text: string) => textBlock(text, { weight: 'Bolder', spacing: 'Medium' });

/** A step: what to do, then the question, with the answers as buttons. */
export function stepCard(instructions: string[], text: string, answers: CardAction[]): Attachment {
  return adaptiveCard([...instructions.map((line) => textBlock(line)), question(text)], answerButtons(answers));
}

/**
 * The handoff's open questions as one form: a text field per question, under the helpful message
 * when its last answer did not fit. Send submits every field; the other buttons (Cancel) none.
 */
export function contactFormCard(instructions: string[], form: ContactForm): Attachment {
  const submitForm: SubmittedContactForm = { contactForm: true };
  const cancel: SubmittedAnswer = { answer: form.cancel };
  return adaptiveCard(
    [
      ...instructions.map((line) => textBlock(line)),
      ...form.fields.flatMap((field) => [
        ...(field.problem ? [textBlock(field.problem, { color: 'Attention', spacing: 'Medium' })] : []),
        { type: 'Input.Text', id: field.question, label: field.label, isRequired: false },
      ]),
    ],
    [
      { type: 'Action.Submit', title: form.send, data: submitForm },
      { type: 'Action.Submit', title: form.cancel, data: cancel, associatedInputs: 'none' },
    ],
  );
}

/** The handoff summary: the details as facts, then Yes / Change / Cancel. */
export function summaryCard(instructions: string[], summary: SummaryLayout, answers: CardAction[]): Attachment {
  return adaptiveCard(
    [
      ...instructions.map((line) => textBlock(line)),
      textBlock(summary.lead),
      { type: 'FactSet', facts: summary.facts.map(({ label, value }) => ({ title: label, value })) },
      question(summary.question),
    ],
    answerButtons(answers),
  );
}

/** A whole procedure in one card, numbered, for field staff. */
export function procedureCard(title: string, overview: ProcedureOverview): Attachment {
  return adaptiveCard([
    textBlock(title, { size: 'Large', weight: 'Bolder' }),
    ...overview.steps.flatMap((step, index) => [
      textBlock(`${index + 1}. ${step.title}`, { weight: 'Bolder', spacing: 'Medium', separator: index > 0 }),
      ...(step.text ? [textBlock(step.text)] : []),
      textBlock(step.question, { isSubtle: true, spacing: 'Small' }),
    ]),
  ]);
}
