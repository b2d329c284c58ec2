import { contentDirs } from '../../src/paths';
import { loadRecognizer, readModelFile } from '../../src/nlu/model';
import { loadTrainingData } from '../../src/nlu/trainingData';

describe('the committed intent model', () => {
  it('was trained on the current intents/ data (run `npm run train` after editing examples)', () => {
    expect(readModelFile().dataHash).toBe(loadTrainingData(contentDirs.intents).hash);
  });

  it('loads without retraining and recognizes a stuck cable', () => {
    expect(loadRecognizer().recognize('my cable is stuck').intent).toBe('cable_stuck');
  });
});
