import type { TurnContext } from 'botbuilder';

/** What a turn did, filled in by the dialogs and logged once by the bot at the end of the turn. */
export interface TurnSummary {
  intent?: string;
  confidence?: number;
  step?: string;
}

const summaryKey = Symbol('turnSummary');

export function turnSummary(context: TurnContext): TurnSummary {
  let summary = context.turnState.get(summaryKey) as TurnSummary | undefined;
  if (!summary) {
    summary = {};
    context.turnState.set(summaryKey, summary);
  }
  return summary;
}
