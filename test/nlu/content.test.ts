import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContentError } from '../../src/yamlFiles';
import { contentDirs } from '../../src/paths';
import { loadTrainingData } from '../../src/nlu/trainingData';
import { intentLabels } from '../../src/nlu/types';

describe('intents/ content', () => {
  const data = loadTrainingData(contentDirs.intents);

  it('validates and has enough examples for every label', () => {
    const count = (label: string) => data.examples.filter((e) => e.intent === label).length;
    for (const label of ['stuck_in_car', 'stuck_in_charger', 'cable_stuck', 'power_cut', 'cold_weather', 'damage', 'human']) {
      expect(count(label)).toBeGreaterThanOrEqual(60);
    }
    expect(count('out_of_scope')).toBeGreaterThanOrEqual(150);
    for (const label of intentLabels) expect(count(label)).toBeGreaterThan(20);
  });

  it('names the file and field of a bad example file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-'));
    fs.mkdirSync(path.join(dir, 'examples'));
    fs.mkdirSync(path.join(dir, 'clinc150'));
    fs.copyFileSync(path.join(contentDirs.intents, 'entities.yaml'), path.join(dir, 'entities.yaml'));
    fs.writeFileSync(path.join(dir, 'examples', 'bad.yaml'), 'intent: stuck_in_boot\nexamples: []\n');
    try {
      expect(() => loadTrainingData(dir)).toThrow(ContentError);
      expect(() => loadTrainingData(dir)).toThrow(/bad\.yaml[\s\S]*intent[\s\S]*examples/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
