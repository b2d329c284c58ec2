import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

const run = (args: string[]) =>
  spawnSync(process.execPath, [path.join(projectRoot, 'dist/cli/eval.js'), ...args], { cwd: projectRoot, encoding: 'utf8' });
const fixture = path.join(projectRoot, 'test/fixtures/nlu-eval-sample.jsonl');

describe('npm run eval -- --data FILE', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: projectRoot,
    });
  });

  it('scores the committed model on the file, none counting as out_of_scope', () => {
    const result = run(['--data', fixture, '--json']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual(['accuracy', 'confusion', 'errors', 'macroF1', 'oosRecall', 'perIntent']);
    expect(report.accuracy).toBeCloseTo(4 / 5);
    expect(report.oosRecall).toBe(1);
    expect(report.errors).toEqual([{ text: 'hello', expected: 'cancel', predicted: 'greeting' }]);
  });

  it('exits 1 below --min-macro-f1 and explains a bad file', () => {
    expect(run(['--data', fixture, '--min-macro-f1', '0.99']).status).toBe(1);
    const bad = run(['--data', path.join(projectRoot, 'package.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/package\.json:1/);
  });
});
