import { ProductFacts } from '../../src/conversation/productFacts';
import { loadRecognizer } from '../../src/nlu/model';
import { content, guidedChat } from '../support/guidedChat';

const recognizer = loadRecognizer();
const { vehicles, chargers } = content.releaseFacts;
const products = new ProductFacts(content.releaseFacts, content.messages.productFacts);
/** The start of a fact as the bot says it (its text is rewrapped, and markdown escaped on channels). */
const opening = (text: string) => text.trim().replace(/\s+/g, ' ').slice(0, 40);

// Every car model with its own unlock or release facts, named the way drivers do (the model's name).
const carModels = vehicles.makes.flatMap((make) =>
  make.models
    .filter((model) => model.factsFor('unlock_port').length + model.factsFor('emergency_release').length > 0)
    .map((model) => [products.nameOf('vehicle', `${make.id}/${model.id}`)!, model] as const),
);
const socketChargers = chargers.makes.flatMap((make) =>
  make.models
    .filter((model) => model.factsFor('socket_unlock').length > 0)
    .map((model) => [products.nameOf('charger', `${make.id}/${model.id}`)!, model] as const),
);

describe('a named car model: its maker’s facts at the step they belong to', () => {
  it.each(carModels)('%s', async (name, model) => {
    const bot = await guidedChat(recognizer);
    const unlock = (await bot.user(`the cable is stuck in my ${name}, i've stopped the session`)).texts.join('\n').replace(/\s+/g, ' ');
    for (const fact of model.factsFor('unlock_port')) expect(unlock).toContain(opening(fact.text));
    await bot.user('no, still stuck');
    const release = (await bot.user('no, still stuck')).texts.join('\n').replace(/\s+/g, ' ');
    for (const fact of model.factsFor('emergency_release')) expect(release).toContain(opening(fact.text));
    // The emergency release stays the last step: its facts never come before the unlock was tried.
    for (const fact of model.factsFor('emergency_release')) expect(unlock).not.toContain(opening(fact.text));
  });

  it('a model with no known release falls back to the general advice, honestly', async () => {
    const bot = await guidedChat(recognizer);
    await bot.user('cable stuck in my toyota bz4x, stopped it already');
    await bot.user('still stuck');
    const release = (await bot.user('still stuck')).texts.join(' ');
    expect(release).toContain(opening(content.knowledge.get('emergency_release').text));
    expect(release).not.toMatch(/On the Toyota/);
  });
});

describe('a named charger model: its maker’s socket facts at the socket step', () => {
  it.each(socketChargers)('%s', async (name, model) => {
    const bot = await guidedChat(recognizer);
    const socket = (await bot.user(`the plug is stuck in the ${name} socket, the session has ended`)).texts.join('\n').replace(/\s+/g, ' ');
    for (const fact of model.factsFor('socket_unlock')) expect(socket).toContain(opening(fact.text));
  });
});
