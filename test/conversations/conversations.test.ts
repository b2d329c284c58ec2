import { loadRecognizer } from '../../src/nlu/model';
import { describeFailures, loadConversationTests, runConversation } from './conversationRunner';

const recognizer = loadRecognizer();
const tests = loadConversationTests();
const kinds = [...new Set(tests.map((test) => test.kind))];

/** Whole conversations with the real bot, from test/conversations/*.yaml; one test each, by kind. */
describe.each(kinds)('%s', (kind) => {
  it.each(tests.filter((test) => test.kind === kind).map((test) => [test.name, test] as const))('%s', async (_name, test) => {
    const report = await runConversation(test, recognizer);
    if (!report.passed) throw new Error(`\n${describeFailures(report)}`);
  });
});
