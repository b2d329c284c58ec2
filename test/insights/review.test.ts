import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseLabellingFile } from '../../src/insights/labelling';
import { readModelFile } from '../../src/nlu/model';
import { loadTrainingData } from '../../src/nlu/trainingData';
import { contentDirs, projectRoot } from '../../src/paths';
import { runNode } from '../support/process';
import { type RunningService, startService } from '../support/service';

/** Every file of a folder, by relative path, as a hash: to show a folder was left as it was. */
function snapshot(dir: string): Record<string, string> {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(
    files.map((f) => [
      path.relative(dir, path.join(f.parentPath, f.name)),
      createHash('sha256')
        .update(fs.readFileSync(path.join(f.parentPath, f.name)))
        .digest('hex'),
    ]),
  );
}

const review = (args: string[], env: Record<string, string> = {}) =>
  runNode('cli/review.js', { args, env: { LOG_LEVEL: 'silent', ...env } }).finished;
/** Quick folds: the comparison, not the figures, is under test. */
const quick = ['--folds', '2', '--repeats', '1'];

describe('npm run review', () => {
  let work: string;
  let copy: { intents: string; knowledge: string };
  const real = { intents: snapshot(contentDirs.intents), knowledge: snapshot(contentDirs.knowledge) };
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: projectRoot,
    });
  });
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'review-test-'));
    copy = { intents: path.join(work, 'intents'), knowledge: path.join(work, 'knowledge') };
    fs.cpSync(contentDirs.intents, copy.intents, { recursive: true });
    fs.cpSync(contentDirs.knowledge, copy.knowledge, { recursive: true });
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));
  afterAll(() => {
    // The real content folders are never touched.
    expect(snapshot(contentDirs.intents)).toEqual(real.intents);
    expect(snapshot(contentDirs.knowledge)).toEqual(real.knowledge);
  });
  const onCopy = () => ['--intents', copy.intents, '--knowledge', copy.knowledge];
  const labels = (lines: string[]) => {
    const file = path.join(work, 'labels.txt');
    fs.writeFileSync(file, `# labelled by a test\n${lines.join('\n')}\n`);
    return file;
  };

  describe('exporting from a running service', () => {
    let running: RunningService;
    beforeAll(async () => {
      running = await startService({ INSIGHTS_TOKEN: 'token-for-the-review-export-test-0123456789' });
      const { recorder } = running.service.runtime.insights;
      const misunderstood = (text: string) => ({
        type: 'misunderstood' as const,
        text,
        stage: 'step',
        procedure: 'stuck_in_car',
        step: 'unlock_car',
        topLabels: [{ intent: 'deny' as const, confidence: 0.4 }],
        why: 'unreadable_reply' as const,
      });
      recorder.record('a', misunderstood('the kona still has hold of it'));
      recorder.record('b', misunderstood('The kona  still has hold of it'));
      recorder.record('c', misunderstood('ring me on 07700 900123'));
    });
    afterAll(() => running.service.stop());

    it('writes one line per distinct message, to be labelled', async () => {
      const out = path.join(work, 'export.txt');
      const result = await review(['--url', running.baseUrl, '--out', out], {
        INSIGHTS_TOKEN: 'token-for-the-review-export-test-0123456789',
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`2 messages to label in ${out}`);
      const file = fs.readFileSync(out, 'utf8');
      expect(file.split('\n').filter((line) => line.startsWith('? | '))).toEqual([
        '? | ring me on [number]',
        '? | The kona still has hold of it',
      ]);
      expect(file).toMatch(
        /# 2 times, last .* UTC at step \/ stuck_in_car \/ unlock_car \(unreadable_reply\); the bot thought: deny 40%\n\? \| The kona still/,
      );
      // As exported, nothing is labelled yet.
      expect(parseLabellingFile(file, out)).toEqual([]);
    });

    it('says why when the service refuses', async () => {
      const result = await review(['--url', running.baseUrl, '--out', path.join(work, 'x.txt')], { INSIGHTS_TOKEN: 'wrong' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('The service answered 401: An insights token is required');
    });
  });

  it('adds labelled messages to the examples and the FAQs, retrains, and keeps the rest', async () => {
    const file = labels([
      'stuck_in_car | the kona still has hold of my lead',
      'stuck_in_car | the cable is stuck in my car',
      '? | ring me on [number]',
      'faq:faq_cold_night | will frost stop my plug coming out',
    ]);
    const result = await review(['--apply', file, ...quick, '--tolerance', '0.05', ...onCopy()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('New examples: stuck_in_car 1');
    expect(result.stdout).toContain('New FAQ wordings: faq_cold_night 1');
    expect(result.stdout).toContain('Left out, already there: line 3: already an example of stuck_in_car');
    expect(result.stdout).toMatch(/Before: macro-F1 0\.\d{4}.*\nAfter: {2}macro-F1 0\.\d{4}/);

    const examples = parse(fs.readFileSync(path.join(copy.intents, 'examples/stuck_in_car.yaml'), 'utf8')) as { examples: string[] };
    expect(examples.examples.at(-1)).toBe('the kona still has hold of my lead');
    expect(fs.readFileSync(path.join(copy.intents, 'examples/stuck_in_car.yaml'), 'utf8')).toMatch(/^# Messages where the cable is held/);
    const faqs = parse(fs.readFileSync(path.join(copy.knowledge, 'faqs.yaml'), 'utf8')) as { items: { id: string; askedAs: string[] }[] };
    expect(faqs.items.find((item) => item.id === 'faq_cold_night')!.askedAs.at(-1)).toBe('will frost stop my plug coming out');
    // The new model is the one of the new data.
    expect(readModelFile(path.join(copy.intents, 'model.json')).dataHash).toBe(loadTrainingData(copy.intents).hash);
  }, 240_000);

  it('refuses, and changes nothing, when the figures drop', async () => {
    const before = { intents: snapshot(copy.intents), knowledge: snapshot(copy.knowledge) };
    // Greetings labelled as damage: the model would learn nonsense.
    const greetings = (parse(fs.readFileSync(path.join(copy.intents, 'examples/greeting.yaml'), 'utf8')) as { examples: string[] })
      .examples;
    const file = labels(greetings.slice(0, 60).map((text) => `damage | ${text} there`));
    const result = await review(['--apply', file, ...quick, ...onCopy()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Refused: the figures would drop, so nothing was changed.');
    expect({ intents: snapshot(copy.intents), knowledge: snapshot(copy.knowledge) }).toEqual(before);
  }, 240_000);

  it('names every bad line and changes nothing', async () => {
    const before = snapshot(copy.intents);
    const file = labels(['stuk_in_car | my cable', 'stuck_in_car', 'faq:no_such_item | hello?', 'damage | ']);
    const result = await review(['--apply', file, ...quick, ...onCopy()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: "stuk_in_car" is not a label');
    expect(result.stderr).toContain('line 3: no "|" between the label and the message');
    expect(result.stderr).toContain('line 5: the message after the "|" is empty');
    const unknownItem = await review(['--apply', labels(['faq:no_such_item | hello?']), ...quick, ...onCopy()]);
    expect(unknownItem.code).toBe(2);
    expect(unknownItem.stderr).toContain('line 2: there is no item "no_such_item"');
    expect(snapshot(copy.intents)).toEqual(before);
  });
});
