import { content, guidedChat, handoffFor, handoffOpening, instruction, item } from '../support/guidedChat';
import { loadRecognizer } from '../../src/nlu/model';

const { messages } = content;
const { buttons, questions } = messages;
const unlockStep = instruction('unlock_car', 'port_release_button');

/** A driver two steps into the car procedure: the session is ended, now at "lock and unlock". */
async function atSecondCarStep() {
  const bot = await guidedChat(recognizer);
  await bot.user('my cable is stuck in the car');
  await bot.user(buttons.stillStuck);
  return bot;
}

const recognizer = loadRecognizer();

describe('interruptions at a step in the middle', () => {
  it('help says where we are and repeats the same step', async () => {
    const bot = await atSecondCarStep();
    const help = await bot.user('help');
    expect(help.texts[0]).toContain('step 2: Lock and unlock the car');
    expect(help.texts.slice(1)).toEqual([unlockStep, questions.didItComeFree]);
    expect((await bot.user(buttons.stillStuck)).texts[1]).toBe(instruction('connector_technique'));
  });

  it('cancel stops and says how to start again; the next message starts afresh', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user('cancel')).texts).toEqual([messages.cancelled]);
    expect((await bot.user('my cable is stuck in the car')).texts).toContain(instruction('end_session', 'wait_after_stop'));
  });

  it('asking for a person hands over with the customer_request reason', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user(buttons.person)).texts).toEqual([...handoffOpening('customer_request')]);
  });

  it('a bent pin: stop, do not pull or lever, hand over (pin_damaged)', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user('the pin looks bent')).texts).toEqual([
      item('never_yank'),
      item('never_lever'),
      ...handoffOpening('pin_damaged'),
    ]);
  });

  it('an error on the dashboard hands over with dashboard_error', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user('there is an error on the dashboard now')).texts).toContain(handoffFor('dashboard_error'));
  });

  it('a burning smell: the safety instruction first, then a safety handoff', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user('I can smell burning')).texts).toEqual([item('safety_instruction'), ...handoffOpening('safety_hazard')]);
  });

  it('the "Something\'s damaged" button hands over too', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user(buttons.damaged)).texts).toContain(handoffFor('pin_damaged'));
  });
});

describe('a new scenario mid-way', () => {
  it('switches procedure without repeating the steps already done', async () => {
    const bot = await atSecondCarStep();
    const switched = await bot.user("actually it's the wallbox end that's stuck");
    expect(switched.texts).toEqual([
      messages.switchingScenario.replace('{scenario}', "the charger's socket"),
      messages.alreadyTried.replace('{steps}', 'End the charging session'),
      instruction('check_charger_idle', 'socket_connector_technique'),
      questions.didItComeFree,
    ]);
  });

  it('switches to the power-cut procedure when the driver mentions one', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user('oh and there was a power cut earlier')).texts.at(-1)).toBe(questions.powerBack);
  });
});

describe('steps the driver already tried', () => {
  it('are skipped when the first message says so', async () => {
    const bot = await guidedChat(recognizer);
    const first = await bot.user('cable stuck in the car, I already stopped it and unlocked the car');
    expect(first.texts).toContain(messages.alreadyTried.replace('{steps}', 'End the charging session, Lock and unlock the car'));
    expect(first.texts).toContain(instruction('connector_technique'));
  });

  it('are not skipped when the driver says they have not done them', async () => {
    const bot = await guidedChat(recognizer);
    const first = await bot.user("cable stuck in the car, I haven't stopped it yet");
    expect(first.texts).toContain(instruction('end_session', 'wait_after_stop'));
  });
});

describe('typed answers instead of buttons', () => {
  it('understands "nope" and "yes it\'s out" in any case', async () => {
    const bot = await guidedChat(recognizer);
    await bot.user('my cable is stuck in the car');
    expect((await bot.user('nope')).texts[1]).toBe(unlockStep);
    expect((await bot.user("YES IT'S OUT")).texts[0]).toBe(messages.freed);
  });

  it('takes the name of an end as "still stuck there" at a did-it-come-free step', async () => {
    const bot = await guidedChat(recognizer);
    await bot.user('my cable is stuck in the car');
    expect((await bot.user('still stuck in the car')).texts[1]).toBe(unlockStep);
  });
});

describe('a question in the middle', () => {
  it('is answered from the knowledge, then the same step resumes', async () => {
    const bot = await atSecondCarStep();
    const answer = await bot.user('can I use a screwdriver?');
    expect(answer.texts).toEqual([item('never_lever'), messages.faqResume, questions.didItComeFree]);
    expect((await bot.user(buttons.freed)).texts[0]).toBe(messages.freed);
  });
});

describe('messages the bot cannot place', () => {
  it('says so once, then offers the answers it has and a person', async () => {
    const bot = await atSecondCarStep();
    expect((await bot.user('what is the weather in Leeds')).texts).toEqual([messages.outOfScope, questions.didItComeFree]);
    const second = await bot.user('banana');
    expect(second.texts).toEqual([messages.notUnderstoodAgain]);
    expect(second.buttons).toEqual([buttons.freed, buttons.stillStuck, buttons.damaged, buttons.person]);
  });

  it('start counting again after an answer it understood', async () => {
    const bot = await atSecondCarStep();
    await bot.user('banana');
    await bot.user(buttons.stillStuck);
    expect((await bot.user('book me a table for two')).texts[0]).toBe(messages.outOfScope);
  });
});

describe('the start of a conversation', () => {
  it('a greeting gets the "which end?" question', async () => {
    const bot = await guidedChat(recognizer);
    expect((await bot.user('hello')).texts).toEqual([questions.whichEnd]);
  });

  it('a question is answered, then the bot asks which end', async () => {
    const bot = await guidedChat(recognizer);
    expect((await bot.user('why does it lock at all?')).texts).toEqual([item('why_it_locks'), questions.whichEnd]);
  });

  it('thanks after a rating gets a friendly goodbye', async () => {
    const bot = await guidedChat(recognizer);
    await bot.user('my cable is stuck in the car');
    await bot.user(buttons.freed);
    await bot.user('5');
    expect((await bot.user('thanks')).texts).toEqual([messages.youreWelcome]);
  });

  it('a rating that is not 1-5 is asked once more, then let go', async () => {
    const bot = await guidedChat(recognizer);
    await bot.user('my cable is stuck in the car');
    await bot.user(buttons.freed);
    expect((await bot.user('hmm')).texts).toEqual([messages.ratingRetry]);
    expect((await bot.user('whatever')).texts).toEqual([messages.ratingSkipped]);
  });

  it.each([
    ['rubbish, took ages', 1],
    ['not great', 2],
    ['not bad', 3],
    ['pretty good', 4],
    ['excellent!!', 5],
    ['10/10 cheers', 5],
    ['6 out of 10', 3],
  ])('a rating in words or out of ten: "%s" is %i', async (text, score) => {
    const bot = await guidedChat(recognizer);
    await bot.user('my cable is stuck in the car');
    await bot.user(buttons.freed);
    expect((await bot.user(text)).texts).toEqual([messages.ratingThanks]);
    expect((await bot.stored())?.record.outcomes.at(-1)?.rating).toBe(score);
  });
});
