import { guidedChat, handoffOpening, instruction, item, content } from '../support/guidedChat';
import { loadRecognizer } from '../../src/nlu/model';

const { messages } = content;
const { buttons, questions } = messages;
const freedButtons = [buttons.freed, buttons.stillStuck, buttons.damaged, buttons.person];
const closing = [messages.freed, item('prevention_tip'), messages.ratingPrompt];

function chat() {
  return guidedChat(recognizer);
}

const recognizer = loadRecognizer();

describe('stuck in the car', () => {
  const steps = [
    instruction('end_session', 'wait_after_stop'),
    instruction('unlock_car', 'port_release_button'),
    instruction('connector_technique'),
    instruction('emergency_release', 'emergency_release_only_for_emergencies'),
  ];

  it('walks one step at a time, each with the "did it come free?" buttons', async () => {
    const bot = await chat();
    const first = await bot.user('my cable is stuck in the car');
    expect(first.texts).toEqual([messages.scenarios.stuck_in_car.intro.replace('{car}', 'car'), steps[0], questions.didItComeFree]);
    expect(first.buttons).toEqual(freedButtons);
    expect((await bot.user(buttons.stillStuck)).texts).toEqual([messages.nextStep, steps[1], questions.didItComeFree]);
  });

  it.each(steps.map((_, index) => index))('ends well when the cable comes out at step %i, then asks for a rating', async (index) => {
    const bot = await chat();
    await bot.user('my cable is stuck in the car');
    for (let i = 0; i < index; i += 1) await bot.user(buttons.stillStuck);
    const closed = await bot.user(buttons.freed);
    expect(closed.texts).toEqual(closing);
    expect(closed.buttons).toEqual(['1', '2', '3', '4', '5']);
    expect((await bot.user('5')).texts).toEqual([messages.ratingThanks]);
  });

  it('hands over when the emergency release has not freed the port', async () => {
    const bot = await chat();
    await bot.user('my cable is stuck in the car');
    for (let i = 0; i < 3; i += 1) await bot.user(buttons.stillStuck);
    expect((await bot.user(buttons.stillStuck)).texts).toEqual([...handoffOpening('emergency_release_failed')]);
  });

  it('speaks of the make the driver named', async () => {
    const bot = await chat();
    const first = await bot.user('the cable is stuck in my Tesla');
    expect(first.texts[1]).toBe(item('end_session', { car: 'Tesla' }) + ' ' + item('wait_after_stop'));
  });
});

describe('stuck in the charger socket', () => {
  it('ends the session, tries push-press-pull, restarts, then hands over with "do not prise, do not open"', async () => {
    const bot = await chat();
    expect((await bot.user('the plug is stuck in my wallbox')).texts.slice(1, 2)).toEqual([instruction('end_session', 'wait_after_stop')]);
    expect((await bot.user('no')).texts[1]).toBe(instruction('check_charger_idle', 'socket_connector_technique'));
    expect((await bot.user('no')).texts[1]).toBe(instruction('power_cycle'));
    expect((await bot.user('no')).texts).toEqual([
      item('solenoid_failed'),
      item('never_open_charger'),
      ...handoffOpening('socket_stuck_after_reset'),
    ]);
  });

  it('frees the car end first when both ends are stuck, then comes back to the charger', async () => {
    const bot = await chat();
    const first = await bot.user('stuck at both ends, car and wallbox');
    expect(first.texts[0]).toBe(messages.bothEnds);
    const back = await bot.user(buttons.freed);
    expect(back.texts).toEqual([
      messages.oneEndFree,
      messages.alreadyTried.replace('{steps}', 'End the charging session'),
      instruction('check_charger_idle', 'socket_connector_technique'),
      questions.didItComeFree,
    ]);
    expect((await bot.user(buttons.freed)).texts).toEqual(closing);
  });
});

describe('after a power cut', () => {
  it('waits for the power, retries after start-up, restarts, then goes through the car end: unlock first, the emergency release last', async () => {
    const bot = await chat();
    const first = await bot.user('there was a power cut last night and now the cable is locked');
    expect(first.texts.at(-1)).toBe(questions.powerBack);
    expect(first.buttons).toEqual([buttons.yes, buttons.no, buttons.damaged, buttons.person]);
    expect((await bot.user(buttons.yes)).texts[0]).toBe(item('power_restored'));
    expect((await bot.user(buttons.stillStuck)).texts[1]).toBe(item('power_cycle'));
    const whichEnd = await bot.user(buttons.stillStuck);
    expect(whichEnd.texts.at(-1)).toBe(questions.whichEnd);
    const carEnd = await bot.user(buttons.car);
    expect(carEnd.texts).toContain(instruction('end_session', 'wait_after_stop'));
    expect(carEnd.texts.join(' ')).not.toContain(item('emergency_release'));
    expect((await bot.user(buttons.stillStuck)).texts).toContain(instruction('unlock_car', 'port_release_button'));
    await bot.user(buttons.stillStuck);
    expect((await bot.user(buttons.stillStuck)).texts).toContain(
      instruction('emergency_release', 'emergency_release_only_for_emergencies'),
    );
    expect((await bot.user(buttons.freed)).texts).toEqual(closing);
  });

  it('told the power is back, does not ask; told it is still off, explains and goes to the car end', async () => {
    const back = await chat();
    const restored = await back.user('power cut earlier, its back on now but the cable is still locked in the wallbox');
    expect(restored.texts).not.toContain(questions.powerBack);
    expect(restored.texts).toContain(item('power_restored'));
    const off = await chat();
    const stillOff = await off.user('still no power after the outage and the plug is stuck in my car');
    expect(stillOff.texts).toContain(item('power_still_off'));
    expect(stillOff.texts).toContain(instruction('end_session', 'wait_after_stop'));
  });

  it('waits with the driver while the power stays off and only the charger end is stuck, then resets it', async () => {
    const bot = await chat();
    await bot.user('power cut, cable stuck in the wallbox');
    expect((await bot.user(buttons.no)).texts).toEqual([item('power_still_off'), questions.powerBackNow]);
    expect((await bot.user(buttons.no)).texts).toEqual([item('power_wait_advice'), questions.powerBackNow]);
    expect((await bot.user(buttons.no)).texts).toEqual([item('power_wait_advice'), questions.powerBackNow]);
    expect((await bot.user(buttons.yes)).texts).toEqual([item('power_restored'), questions.didItComeFree]);
  });
});

describe('in the cold', () => {
  it('explains the stiff seal, suggests warming up, then goes on with the procedure for the stuck end', async () => {
    const bot = await chat();
    expect((await bot.user("it's freezing and the plug won't come out")).texts[1]).toBe(instruction('cold_seal', 'cold_technique'));
    expect((await bot.user(buttons.stillStuck)).texts[1]).toBe(item('warm_up'));
    expect((await bot.user(buttons.stillStuck)).texts.at(-1)).toBe(questions.whichEnd);
    const car = await bot.user(buttons.car);
    expect(car.texts).toContain(instruction('end_session', 'wait_after_stop'));
    expect((await bot.user(buttons.freed)).texts).toEqual(closing);
  });
});

describe('stuck, end not known', () => {
  it('asks which end and goes on there, understanding a typed answer', async () => {
    const bot = await chat();
    const first = await bot.user('my cable is stuck');
    expect(first.texts).toEqual([messages.scenarios.cable_stuck.intro, questions.whichEnd]);
    expect(first.buttons).toEqual([buttons.car, buttons.charger, buttons.both, buttons.person]);
    expect((await bot.user('the charger')).texts).toContain(instruction('end_session', 'wait_after_stop'));
  });

  it('explains "complete but connected" when charging has finished, with the lock/unlock step', async () => {
    const bot = await chat();
    const first = await bot.user('charging has finished but the cable is still locked');
    expect(first.texts).toContain(item('faq_finished_but_locked'));
    expect((await bot.user(buttons.freed)).texts).toEqual(closing);
  });
});
