import { analyse, SpellingCorrector, tokenize } from '../../src/nlu/textAnalysis';

describe('text analysis', () => {
  it('keeps the words that matter and expands contractions', () => {
    expect(tokenize("It WON'T come OUT, can't unplug!")).toEqual(['it', 'will', 'not', 'come', 'out', ',', 'can', 'not', 'unplug']);
    expect(tokenize('wont release, dont know')).toEqual(['will', 'not', 'release', ',', 'do', 'not', 'know']);
    expect(tokenize("the car's socket, it's stuck")).toEqual(['the', 'car', 'socket', ',', 'it', 'is', 'stuck']);
    expect(analyse("the car's socket").possessive).toEqual([false, true, false]);
  });

  it('corrects a word to the most frequent known word one edit away', () => {
    const speller = new SpellingCorrector(
      new Map([
        ['cable', 5],
        ['stuck', 3],
        ['table', 1],
      ]),
    );
    expect(speller.correct('cabel')).toBe('cable');
    expect(speller.correct('stuk')).toBe('stuck');
    expect(speller.correct('xyzzy')).toBe('xyzzy');
  });

  it('turns only clear misspellings into a topic cue word', () => {
    const guard = { cueWords: new Set(['frost', 'cold', 'frozen']), commonWords: new Set(['front']) };
    const speller = new SpellingCorrector(
      new Map([
        ['frost', 5],
        ['cold', 5],
        ['frozen', 5],
        ['table', 1],
      ]),
      guard,
    );
    expect(speller.correct('front')).toBe('front');
    expect(speller.correct('hold')).toBe('hold');
    expect(speller.correct('frozn')).toBe('frozen');
    expect(speller.correct('tabel')).toBe('table');
  });

  it('marks words in the scope of a negation, up to a clause break', () => {
    const { words, negated } = analyse('there was no power cut, but it is frozen');
    expect(words.filter((_, i) => negated[i])).toEqual(['power', 'cut']);
  });
});
