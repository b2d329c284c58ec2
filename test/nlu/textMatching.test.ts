import { isQuestion, mentions, mentionTest, sameWords, words } from '../../src/nlu/textMatching';

describe('text matching', () => {
  test('words: lower case, straight apostrophes, no punctuation', () => {
    expect(words('I’ve UNLOCKED the car!')).toEqual(['i', 'have', 'unlocked', 'the', 'car']);
    expect(sameWords('Still stuck.', 'still   STUCK')).toBe(true);
  });

  test('a phrase counts only as whole words', () => {
    expect(mentions('I unlocked the car', 'unlocked the car')).toBe(true);
    expect(mentions('I relocked the car', 'locked the car')).toBe(false);
  });

  test('a negation in the three words before the phrase cancels it; further back it does not', () => {
    const negations = ['not', 'never'];
    expect(mentions('I have not unlocked the car', 'unlocked', negations)).toBe(false);
    expect(mentions("I haven't unlocked the car", 'unlocked', negations)).toBe(false);
    expect(mentions('not that I know of but I unlocked it', 'unlocked', negations)).toBe(true);
    // The same phrase later in the message still counts when its first mention was negated.
    expect(mentions('not unlocked at first, then I unlocked it', 'unlocked', negations)).toBe(true);
  });

  test('one message against many phrases, with different negation lists, gives the same answers every time', () => {
    const test = mentionTest('I never stopped the session but I unlocked the car', ['never']);
    const again = mentionTest('I never stopped the session but I unlocked the car', ['but']);
    for (let round = 0; round < 2; round += 1) {
      expect(['stopped the session', 'unlocked the car', 'pressed the button'].map(test)).toEqual([false, true, false]);
      expect(['stopped the session', 'unlocked the car'].map(again)).toEqual([true, false]);
    }
  });

  test('a question is not an answer', () => {
    expect(isQuestion('Should I unlock the car')).toBe(true);
    expect(isQuestion('it is still stuck?')).toBe(true);
    expect(isQuestion('still stuck')).toBe(false);
  });
});
