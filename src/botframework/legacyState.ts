import type { Stage } from '../conversation/conversationState';

/** Where the release before the conversation engine kept a conversation (botbuilder-dialogs' layout). */
export const legacyProperties = ['DialogState', 'conversationRecord', 'welcomed'] as const;

interface LegacyDialog {
  id?: string;
  state?: Record<string, unknown>;
}

/**
 * A conversation stored by the release before this one, in the new shape's parts: the stage it was
 * at (a guide step, the handoff's questions, the rating), its record and whether it was welcomed.
 * Conversations live 7 days, so the first turns after a deploy still meet these. `undefined` when
 * there is none; the stage is left for the caller to check like any stored one.
 */
export function legacyConversation(raw: Record<string, unknown>): { welcomed: boolean; stage: unknown; record: unknown } | undefined {
  if (!legacyProperties.some((property) => property in raw)) return undefined;
  return { welcomed: raw.welcomed === true, stage: legacyStage(raw.DialogState), record: raw.conversationRecord };
}

function legacyStage(dialogState: unknown): unknown {
  const main = stackOf(dialogState)[0];
  const inner = stackOf((main?.state as { dialogs?: unknown } | undefined)?.dialogs)[0];
  if (!inner) return { kind: 'idle' } satisfies Stage;
  switch (inner.id) {
    case 'guideStep':
      return { kind: 'guiding', guide: inner.state?.guide };
    case 'handoff': {
      const { request, interview, reference } = inner.state ?? {};
      // The request carried a copy of the transcript; the record has it.
      const { transcript: _copy, ...kept } = (request ?? {}) as Record<string, unknown>;
      return { kind: 'handoff', handoff: { request: kept, interview, ...(typeof reference === 'string' ? { reference } : {}) } };
    }
    case 'rating':
      return { kind: 'rating', attempts: 0 } satisfies Stage;
    default:
      return { kind: 'unknown', id: inner.id };
  }
}

function stackOf(dialogState: unknown): LegacyDialog[] {
  const stack = (dialogState as { dialogStack?: unknown } | undefined)?.dialogStack;
  return Array.isArray(stack) ? (stack as LegacyDialog[]) : [];
}
