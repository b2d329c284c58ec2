import { type Attachment, CardFactory, type CardAction } from 'botbuilder';
import type { ProcedureOverview } from '../../conversation/procedureOverview';

/** What Teams renders on desktop and mobile. */
const cardVersion = '1.5';

type CardElement = Record<string, unknown>;

const textBlock = (text: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text, wrap: true, ...extra });

function adaptiveCard(body: CardElement[], actions: CardElement[] = []): Attachment {
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

/** A step: what to do, then the question, with the answers as buttons. */
export function stepCard(instructions: string[], question: string, answers: CardAction[]): Attachment {
  return adaptiveCard(
    [...instructions.map((text) => textBlock(text)), textBlock(question, { weight: 'Bolder', spacing: 'Medium' })],
    answers.map((action) => {
      const answer: SubmittedAnswer = { answer: String(action.value ?? action.title) };
      return { type: 'Action.Submit', title: action.title ?? answer.answer, data: answer };
    }),
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
