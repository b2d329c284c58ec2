import { trainSoftmax } from '../../src/nlu/classifierTraining';
import { AveragedScorer, LinearScorer, type IntentScorer } from '../../src/nlu/intentScorer';

const fixed = (intent: 'affirm' | 'deny', confidence: number): IntentScorer => ({
  rank: () => [
    { intent, confidence },
    { intent: intent === 'affirm' ? 'deny' : 'affirm', confidence: 1 - confidence },
  ],
});

describe('intent scorers', () => {
  it('learns a logistic regression that ranks each training feature to its label', () => {
    const state = trainSoftmax([
      { features: ['yes', 'yep'], intent: 'affirm' },
      { features: ['yes', 'sure'], intent: 'affirm' },
      { features: ['no', 'nope'], intent: 'deny' },
      { features: ['no', 'not_work'], intent: 'deny' },
    ]);
    const scorer = new LinearScorer(state);
    expect(scorer.rank(['sure'])?.[0].intent).toBe('affirm');
    expect(scorer.rank(['nope'])?.[0].intent).toBe('deny');
    expect(scorer.rank(['unknown'])).toBeUndefined();
    expect(scorer.rank(['yes'])!.reduce((sum, r) => sum + r.confidence, 0)).toBeCloseTo(1);
  });

  it('averages the distributions of the scorers that know a feature', () => {
    const averaged = new AveragedScorer([fixed('affirm', 0.9), fixed('deny', 0.7), { rank: () => undefined }]);
    expect(averaged.rank(['x'])).toEqual([
      { intent: 'affirm', confidence: expect.closeTo(0.6) },
      { intent: 'deny', confidence: expect.closeTo(0.4) },
    ]);
    expect(new AveragedScorer([{ rank: () => undefined }]).rank(['x'])).toBeUndefined();
  });
});
