/**
 * The product's rule on advice, as a check over what the bot says: nothing advises force, yanking,
 * levering, tools or sprays on the plug, pin or socket, prising, or opening the charger. A sentence
 * that names one of these must say not to.
 */
const riskyAdvice =
  /\b(force|forcing|yank|lever|prise|prising|pry|prying|screwdriver|pliers|hammer|crowbar|wd-?40|lubric\w*|grease|spray|twist\w*|wiggle|jiggle|pull (it )?(really )?hard|open (up )?the (charger|unit)|take (the charger|it) apart)\b/i;
const negative = /\b(don'?t|do not|never|not|no|without|avoid|rather than|instead of|shouldn'?t|mustn'?t)\b/i;

/** The sentences of `text` that name force, tools or sprays without saying not to. */
export function riskyAdviceIn(text: string): string[] {
  return text.split(/(?<=[.!?:;])\s+|\n+/).filter((sentence) => riskyAdvice.test(sentence) && !negative.test(sentence));
}
