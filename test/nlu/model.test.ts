import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentDirs } from '../../src/paths';
import { loadRecognizer, ModelFileError, readModelFile } from '../../src/nlu/model';
import { loadTrainingData } from '../../src/nlu/trainingData';

describe('the committed intent model', () => {
  it('was trained on the current intents/ data (run `npm run train` after editing examples)', () => {
    expect(readModelFile().dataHash).toBe(loadTrainingData(contentDirs.intents).hash);
  });

  it('loads without retraining and recognizes a stuck cable', () => {
    expect(loadRecognizer().recognize('my cable is stuck').intent).toBe('cable_stuck');
  });
});

describe('a model file that cannot be used', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));

  it('names the file, says to retrain, and keeps what went wrong as its cause', () => {
    const missing = path.join(dir, 'missing.json');
    const error = (() => {
      try {
        readModelFile(missing);
      } catch (thrown) {
        return thrown as ModelFileError;
      }
    })();
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error?.message).toMatch(/missing\.json.*npm run train/);
    expect((error?.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('names the fields a stale or edited model gets wrong', () => {
    const edited = path.join(dir, 'edited.json');
    fs.writeFileSync(edited, JSON.stringify({ version: 1 }));
    expect(() => readModelFile(edited)).toThrow(ModelFileError);
  });
});
