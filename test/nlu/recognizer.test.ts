import { loadRecognizer } from '../../src/nlu/model';

const recognizer = loadRecognizer();
const intentOf = (text: string) => recognizer.recognize(text).intent;
const entitiesOf = (text: string) => recognizer.recognize(text).entities;

describe('recognizing intents', () => {
  it.each([
    ['stuck_in_car', "my Kia won't give the charging lead back"],
    ['stuck_in_charger', 'the Hypervolt is holding onto my cable'],
    ['cable_stuck', "I can't unplug my cable"],
    ['power_cut', 'we had a power outage and now my cable is locked'],
    ['cold_weather', "it's icy out and the plug is frozen in"],
    ['damage', 'the locking pin looks bent'],
    ['human', 'can I talk to an actual person'],
    ['greeting', 'hello'],
    ['thanks', 'thank you very much'],
    ['help', 'what can you do'],
    ['cancel', 'cancel'],
    ['affirm', "yes it's out"],
    ['deny', "still won't budge"],
    ['out_of_scope', 'how much does a wallbox cost'],
  ])('labels a %s message', (label, text) => {
    expect(intentOf(text)).toBe(label);
  });

  it('takes answers to "did it come free?" as affirm or deny', () => {
    expect(['yes', 'done', 'yes it released'].map(intentOf)).toEqual(['affirm', 'affirm', 'affirm']);
    expect(['nope', 'still stuck', "didn't work"].map(intentOf)).toEqual(['deny', 'deny', 'deny']);
  });

  it('gives a normalised confidence and the top three labels', () => {
    const result = recognizer.recognize('my cable is stuck');
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.ranking).toHaveLength(3);
    expect(result.ranking[0]).toEqual({ intent: 'cable_stuck', confidence: result.confidence });
  });

  it('follows the priority rule and keeps the other topics as mentions', () => {
    const result = recognizer.recognize('hi, my cable is stuck in the car and there was a power cut last night');
    expect(result.intent).toBe('power_cut');
    expect(result.entities).toMatchObject({ side: 'car', mentions: ['stuck_in_car'] });
    expect(intentOf('sparks came out of the wallbox when the power cut happened')).toBe('damage');
    expect(intentOf("the power's out and my cable is stuck in the wallbox")).toBe('power_cut');
  });

  it('reads a cue phrase as a whole: a cold snap is the cold, not a snapped part', () => {
    const result = recognizer.recognize("we had a cold snap and the charger won't let go of the cable");
    expect(result.intent).toBe('cold_weather');
    expect(result.entities.mentions).not.toContain('damage');
  });

  it('matches a verb-form cue only as a verb: "tripped" is a power cut, "a trip" is not', () => {
    expect(intentOf('the wallbox has my lead locked in and we are going on a trip tomorrow')).toBe('stuck_in_charger');
    expect(intentOf('the breaker keeps tripping and the plug is stuck')).toBe('power_cut');
  });

  it('knows the everyday words of short answers, so a farewell or slang yes no example spells out still counts', () => {
    expect([...recognizer.inspect('cheerio for now').findings.conversation]).toEqual(['thanks']);
    expect([...recognizer.inspect('is there a tutorial').findings.conversation]).toEqual(['help']);
    expect(recognizer.inspect('the cable is stuck in my car').findings.conversation.size).toBe(0);
  });

  it('does not take a negated topic for the topic', () => {
    expect(intentOf('there was no power cut, the cable is just stuck in my car')).toBe('stuck_in_car');
    expect(intentOf("it's not the cold, the plug won't come out of the wallbox")).toBe('stuck_in_charger');
    expect(entitiesOf('no damage, no sparks, the plug just will not release').damage).toBeUndefined();
  });

  it('does not read a real word as a misspelt topic cue, nor a question about the bot as a request for a person', () => {
    expect(recognizer.recognize('the cable is stuck in the front of the car').entities.mentions ?? []).not.toContain('cold_weather');
    expect(intentOf('hold on, the plug is stuck in my car')).toBe('stuck_in_car');
    expect(intentOf('am I talking to a bot')).not.toBe('human');
  });

  it('reads through typos', () => {
    expect(intentOf('my cabel is stuk')).toBe('cable_stuck');
    expect(intentOf('ther was a powr cut')).toBe('power_cut');
    expect(entitiesOf('my zapi wont release the lead').chargerBrand).toBe('myenergi Zappi');
  });

  it('answers none to gibberish, empty and ambiguous input', () => {
    expect(intentOf('asdfgh qwerty')).toBe('none');
    expect(intentOf('')).toBe('none');
    expect(intentOf('the')).toBe('none');
    expect(recognizer.recognize(undefined as unknown as string).intent).toBe('none');
  });
});

describe('recognizing entities', () => {
  it('finds the stuck side', () => {
    expect(entitiesOf('the plug is stuck in my car').side).toBe('car');
    expect(entitiesOf('the lead is stuck in the wallbox').side).toBe('charger');
    expect(entitiesOf('stuck between my Leaf and the Zappi').side).toBe('both');
    expect(entitiesOf('my charging cable is stuck').side).toBeUndefined();
  });

  it('takes the owner of the socket as the stuck side', () => {
    expect(entitiesOf("the cable is stuck in my car's charging point").side).toBe('car');
    expect(entitiesOf("my car's charging socket won't release the lead").side).toBe('car');
    expect(entitiesOf('the lead is stuck in the charging point on my car').side).toBe('car');
    expect(entitiesOf('the plug is stuck in the socket of the wallbox').side).toBe('charger');
    expect(entitiesOf("the charger's cable is stuck in my car").side).toBe('car');
    expect(entitiesOf('the cable is stuck in the charge point').side).toBe('charger');
  });

  it('takes the end the cable is stuck in over the end it came out of', () => {
    expect(entitiesOf('got it out of the car but the other end is jammed in the wallbox').side).toBe('charger');
    expect(entitiesOf('it came out of the charger fine, now it is stuck in the car').side).toBe('car');
  });

  it('names car makes and charger brands', () => {
    expect(entitiesOf('my VW ID.3 will not let go').vehicleMake).toBe('Volkswagen');
    expect(entitiesOf('the Renault Zoe has locked it').vehicleMake).toBe('Renault');
    expect(entitiesOf('my Pod Point has the cable').chargerBrand).toBe('Pod Point');
    expect(entitiesOf('the Tesla Wall Connector is holding it')).toMatchObject({ chargerBrand: 'Tesla Wall Connector' });
  });

  it('tells tethered from untethered chargers', () => {
    expect(entitiesOf('my tethered charger').chargerType).toBe('tethered');
    expect(entitiesOf('the untethered unit has my lead').chargerType).toBe('untethered');
  });

  it.each([
    ['pin', 'the locking pin has snapped'],
    ['dashboard_error', 'my dashboard shows a charging error'],
    ['burning', 'burning smell from the plug'],
    ['smoke', 'there is smoke coming out'],
    ['sparks', 'I saw sparks'],
    ['cracked', 'the connector is cracked'],
    ['release_cord', 'the release cord snapped'],
  ])('finds the damage detail %s', (detail, text) => {
    expect(entitiesOf(text).damage).toContain(detail);
  });

  it('does not call a frozen pin damage', () => {
    expect(entitiesOf('the locking pin is frozen').damage).toBeUndefined();
  });
});
