import path from 'node:path';

/** The repository root, whether running from `src/` (ts-jest) or `dist/` (built). */
export const projectRoot = path.resolve(__dirname, '..');

export const contentDirs = {
  knowledge: path.join(projectRoot, 'knowledge'),
  intents: path.join(projectRoot, 'intents'),
  dialogs: path.join(projectRoot, 'dialogs'),
} as const;
