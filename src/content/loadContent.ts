import path from 'node:path';
import { contentDirs } from '../paths';
import { checkContent } from './checkContent';
import { loadKnowledge, type Knowledge } from './knowledge';
import { ContentError } from '../yamlFiles';
import { loadMessages, type Messages } from './messages';
import { loadDialogs, type Dialogs } from './procedures';
import { loadReleaseFacts, type ReleaseFacts } from './releaseFacts';

/** Everything a support author writes, loaded, validated and cross-checked. */
export interface Content {
  knowledge: Knowledge;
  messages: Messages;
  dialogs: Dialogs;
  /** What named cars and home chargers do to release the plug, with sources (knowledge/vehicles, knowledge/chargers). */
  releaseFacts: ReleaseFacts;
}

/** Throws a ContentError naming every problem, so a bad edit stops the service before it starts. */
export function loadContent(dirs: { knowledge: string; dialogs: string } = contentDirs): Content {
  const knowledge = loadKnowledge(dirs.knowledge);
  const messages = loadMessages(path.join(dirs.knowledge, 'messages.yaml'));
  const dialogs = loadDialogs(dirs.dialogs);
  const problems = checkContent(knowledge, messages, dialogs);
  if (problems.length > 0) throw new ContentError(dirs.dialogs, problems);
  return { knowledge, messages, dialogs, releaseFacts: loadReleaseFacts(dirs.knowledge) };
}
