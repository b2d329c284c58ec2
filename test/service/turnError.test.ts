import { ExpiringMemoryStorage } from '../../src/state/expiringMemoryStorage';
import { loadRecognizer } from '../../src/nlu/model';
import type { Recognizer } from '../../src/nlu/types';
import { content, guidedChat, instruction } from '../support/guidedChat';

const { messages } = content;
const recognizer = loadRecognizer();

/** The real recognizer, except that it breaks on the message "crash". */
const fragile: Recognizer = {
  recognize: (text) => {
    if (text === 'crash') throw new Error('recognizer broke');
    return recognizer.recognize(text);
  },
  entitiesOf: (text) => recognizer.entitiesOf(text),
};

describe('a turn that throws', () => {
  it('gets a short apology and keeps the driver at the step they were on', async () => {
    const bot = await guidedChat(fragile);
    await bot.user('my cable is stuck in the car');
    const before = await bot.stored();
    expect((await bot.user('crash')).texts).toEqual([messages.turnError]);
    expect((await bot.stored())?.stage).toEqual(before?.stage);
    expect((await bot.user(content.messages.buttons.stillStuck)).texts).toContain(instruction('unlock_car', 'port_release_button'));
  });

  it('starts again, keeping the record, when turns keep failing at the same place', async () => {
    const bot = await guidedChat(fragile);
    await bot.user('my cable is stuck in the car');
    expect((await bot.user('crash')).texts).toEqual([messages.turnError]);
    expect((await bot.user('crash')).texts).toEqual([messages.turnErrorRestart]);
    const stored = await bot.stored();
    expect(stored?.stage).toEqual({ kind: 'idle' });
    expect(stored?.record.transcript.length).toBeGreaterThan(0);
    expect((await bot.user('my cable is stuck in the car')).texts).toContain(instruction('end_session', 'wait_after_stop'));
  });

  it('still gets the apology when the failure cannot be noted', async () => {
    const bot = await guidedChat(fragile);
    await bot.user('my cable is stuck in the car');
    jest.spyOn(ExpiringMemoryStorage.prototype, 'write').mockRejectedValue(new Error('storage refused the write'));
    try {
      expect((await bot.user('crash')).texts).toEqual([messages.turnError]);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
