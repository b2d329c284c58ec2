import type { DamageDetail, Entities, IntentLabel, Recognition, Recognizer } from '../../src/nlu/types';

/**
 * A small rule-based stand-in for the trained recognizer, so conversation tests do not depend on
 * how a model scores a phrase. Follows the label priority of intent-labels.md.
 */
const rules: Array<[IntentLabel, RegExp]> = [
  ['damage', /\b(bent|broken|snapped|cracked|error|warning|burning|smoke|sparks?)\b/],
  ['human', /\b(person|human|agent|engineer|installer|someone)\b/],
  ['power_cut', /\b(power cut|outage|blackout|tripped)\b/],
  ['cold_weather', /\b(cold|freezing|frozen|frost|ice|snow)\b/],
  ['deny', /^(no|nope|still stuck|didn't work|it didn't work|still won't budge|not yet)\b/],
  ['stuck_in_car', /\b(car|port|inlet|vehicle)\b/],
  ['stuck_in_charger', /\b(charger|wallbox|socket)\b/],
  ['cable_stuck', /\b(stuck|can't unplug|won't come out|locked)\b/],
  ['affirm', /^(yes|yep|yeah|it came out|it's out|done|that worked)\b/],
  ['cancel', /\b(cancel|start over|never mind)\b/],
  ['help', /\b(help|what can you do)\b/],
  ['thanks', /\b(thanks|thank you|cheers|bye)\b/],
  ['greeting', /^(hi|hello|good morning)\b/],
];

const damageWords: Array<[DamageDetail, RegExp]> = [
  ['pin', /\bpin\b/],
  ['dashboard_error', /\b(error|warning)\b/],
  ['burning', /\bburning\b/],
  ['smoke', /\bsmoke\b/],
  ['sparks', /\bsparks?\b/],
  ['cracked', /\bcracked\b/],
  ['release_cord', /\bcord\b/],
];

function entitiesOf(text: string): Entities {
  const car = /\b(car|port|inlet|vehicle|tesla|leaf)\b/.test(text);
  const charger = /\b(charger|wallbox|socket|zappi)\b/.test(text);
  const damage = damageWords.filter(([, pattern]) => pattern.test(text)).map(([detail]) => detail);
  return {
    ...(/\bboth\b/.test(text) || (car && charger) ? { side: 'both' as const } : car ? { side: 'car' as const } : charger ? { side: 'charger' as const } : {}),
    ...(/\btesla\b/.test(text) ? { vehicleMake: 'Tesla' } : {}),
    ...(/\bzappi\b/.test(text) ? { chargerBrand: 'Zappi' } : {}),
    ...(damage.length > 0 ? { damage } : {}),
  };
}

export const keywordRecognizer: Recognizer = {
  recognize(raw: string): Recognition {
    const text = raw.toLowerCase().replace(/\u2019/g, "'");
    const found = rules.find(([, pattern]) => pattern.test(text));
    const intent = found ? found[0] : text.trim() ? 'out_of_scope' : 'none';
    const confidence = found ? 0.9 : 0.2;
    return { intent, confidence, ranking: intent === 'none' ? [] : [{ intent, confidence }], entities: entitiesOf(text) };
  },
};
