import { loadContent } from '../../src/content/loadContent';
import { ProductFacts } from '../../src/conversation/productFacts';

const content = loadContent();
const products = new ProductFacts(content.releaseFacts, content.messages.productFacts);
const item = (id: string) => content.knowledge.get(id);

describe('the car and charger a message names', () => {
  it.each([
    ['the cable is stuck in my mach e', { vehicle: 'ford/mustang_mach_e' }],
    ['Mustang Mach-E wont let go', { vehicle: 'ford/mustang_mach_e' }],
    ['zappi socket has my plug, car is an id3', { vehicle: 'volkswagen/id3', charger: 'myenergi/zappi' }],
    ['my leaf is holding the cable', { vehicle: 'nissan/leaf' }],
    ['cupra born', { vehicle: 'cupra/born' }],
    ['tesla wall connector', { charger: 'tesla/wall_connector' }],
    ['my kia', { vehicle: 'kia' }],
  ])('"%s"', (message, named) => {
    expect(products.named(message)).toEqual(named);
  });

  it.each([
    'a leaf fell on the charger',
    'I was born ready, the cable is stuck',
    'my smart charger wont release it',
    // UK drivers call any home charger a wallbox: the brand is only named by its models.
    'the wallbox socket has the plug',
  ])('no product in "%s"', (message) => {
    expect(products.named(message)).toEqual({});
  });
});

describe('what the makers say', () => {
  it('adds the named model’s facts to the item they refine, each with its source', () => {
    const { texts, given } = products.refine([item('emergency_release')], { vehicle: 'ford/mustang_mach_e' });
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^On the Ford Mustang Mach-E: .*bonnet.*\(Source: Ford Owner's Manual/s);
    expect(given).toEqual(['vehicle|ford/mustang_mach_e|emergency_release|0']);
  });

  it('says nothing for an item no topic refines, or a model without a fact on it', () => {
    expect(products.refine([item('connector_technique')], { vehicle: 'ford/mustang_mach_e' }).texts).toEqual([]);
    expect(products.refine([item('emergency_release')], { vehicle: 'volkswagen/id3' }).texts).toEqual([]);
  });

  it('leaves out facts already given', () => {
    const first = products.refine([item('unlock_car')], { vehicle: 'ford/mustang_mach_e' });
    expect(products.refine([item('unlock_car')], { vehicle: 'ford/mustang_mach_e' }, first.given).texts).toEqual([]);
  });

  it('lists the sources of the facts given, or says there are none yet', () => {
    const { given } = products.refine([item('socket_connector_technique')], { charger: 'myenergi/zappi' });
    const [intro, lines] = products.sourcesOf(given);
    expect(intro).toBe(content.messages.productFacts.sourcesIntro);
    expect(lines).toMatch(/myenergi zappi: .* https:\/\//);
    expect(products.sourcesOf([])).toEqual([content.messages.productFacts.noneYet]);
  });

  it('asks for the car model only when knowing it could tell where the release is', () => {
    expect(products.worthAskingForModel(undefined, undefined)).toBe(true);
    expect(products.worthAskingForModel({ vehicle: 'kia' }, 'Kia')).toBe(true);
    expect(products.worthAskingForModel({ vehicle: 'kia/ev6' }, 'Kia')).toBe(false);
    // A make with no file, or none of whose models has a known release: asking would not help.
    expect(products.worthAskingForModel(undefined, 'Toyota')).toBe(false);
    expect(products.worthAskingForModel({ vehicle: 'hyundai' }, 'Hyundai')).toBe(false);
  });

  it('names the products and facts as the installers’ ticket has them', () => {
    expect(products.ticketNames({ vehicle: 'ford/mustang_mach_e', charger: 'myenergi/zappi' })).toEqual({
      vehicle: { make: 'Ford', model: 'Mustang Mach-E' },
      charger: { model: 'myenergi zappi' },
    });
    const [fact] = products.ticketFacts(['vehicle|ford/mustang_mach_e|emergency_release|0']);
    expect(fact).toMatchObject({ about: 'Ford Mustang Mach-E', topic: 'emergency_release' });
    expect(fact.sources[0]).toMatch(/^https:\/\//);
  });
});
