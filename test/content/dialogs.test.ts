import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { checkContent, isStepAnywhere, unreachableSteps } from '../../src/content/checkContent';
import { loadTrainingData } from '../../src/nlu/trainingData';
import { loadContent } from '../../src/content/loadContent';
import { ContentError } from '../../src/yamlFiles';
import { loadDialogs, procedureSchema, type Procedure } from '../../src/content/procedures';
import { contentDirs } from '../../src/paths';

const content = loadContent();
const { knowledge, messages, dialogs } = content;

function procedure(raw: unknown): Procedure {
  return procedureSchema.parse(raw);
}

/** A copy of dialogs/ with one procedure file replaced, for testing how errors are reported. */
function dialogsWith(file: string, raw: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogs-'));
  fs.cpSync(contentDirs.dialogs, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'procedures', file), stringify(raw));
  return dir;
}

describe('dialogs/', () => {
  it('has one procedure per scenario and the cross-checks find nothing wrong', () => {
    expect([...dialogs.procedures.keys()].sort()).toEqual(['cable_stuck', 'cold_weather', 'power_cut', 'stuck_in_car', 'stuck_in_charger']);
    expect(checkContent(knowledge, messages, dialogs)).toEqual([]);
  });

  it('names only knowledge ids that exist', () => {
    const named = [...dialogs.procedures.values()].flatMap((p) => p.steps.flatMap((s) => s.say));
    expect(named.filter((id) => !knowledge.has(id))).toEqual([]);
  });

  it('can reach every step of every procedure', () => {
    for (const p of dialogs.procedures.values()) expect({ [p.scenario]: unreachableSteps(p) }).toEqual({ [p.scenario]: [] });
  });

  it('follows the guide order for the car: end session, unlock, push-press-pull, emergency release, then a person', () => {
    const car = dialogs.procedures.get('stuck_in_car')!;
    expect(car.steps.map((s) => s.id).slice(0, 4)).toEqual(['end_session', 'unlock_car', 'connector_technique', 'emergency_release']);
    expect(car.steps[3].on.deny).toEqual({ handoff: 'emergency_release_failed', say: [] });
  });

  it('never offers the emergency release before the unlock steps, not even in a power cut', () => {
    const powerCut = dialogs.procedures.get('power_cut')!;
    const targets = powerCut.steps.flatMap((step) => Object.values(step.on));
    expect(targets).not.toContainEqual({ step: 'emergency_release' });
    expect(powerCut.steps.map((s) => s.id)).not.toContain('emergency_release');
  });

  it('ends the charger procedure with "do not prise it, do not open the unit" before the handoff', () => {
    const charger = dialogs.procedures.get('stuck_in_charger')!;
    expect(charger.steps.at(-1)!.on.deny).toEqual({ handoff: 'socket_stuck_after_reset', say: ['solenoid_failed', 'never_open_charger'] });
  });

  it('reports a step nobody can reach', () => {
    const island = procedure({
      scenario: 'stuck_in_car',
      steps: [
        { id: 'first', say: ['end_session'], on: { deny: { step: 'last' } } },
        { id: 'island', say: ['unlock_car'] },
        { id: 'last', say: ['emergency_release'], on: { deny: { handoff: 'procedure_exhausted' } } },
      ],
    });
    expect(unreachableSteps(island)).toEqual(['island']);
  });

  it('reports unknown knowledge ids, unknown steps and a "next" after the last step', () => {
    const dir = dialogsWith('stuck_in_car.yaml', {
      scenario: 'stuck_in_car',
      steps: [
        { id: 'first', say: ['no_such_item'], on: { deny: { step: 'nowhere' } } },
        { id: 'last', say: ['unlock_car'] },
      ],
    });
    expect(checkContent(knowledge, messages, loadDialogs(dir))).toEqual(
      expect.arrayContaining([
        'dialogs/procedures/stuck_in_car.yaml step first: unknown knowledge id "no_such_item"',
        'dialogs/procedures/stuck_in_car.yaml step first: leads to unknown step "nowhere"',
        'dialogs/procedures/stuck_in_car.yaml step last: "next" after the last step; say where it leads',
      ]),
    );
    expect(() => loadContent({ knowledge: contentDirs.knowledge, dialogs: dir })).toThrow(ContentError);
  });

  it('accepts only the fixed handoff reasons', () => {
    const dir = dialogsWith('stuck_in_car.yaml', {
      scenario: 'stuck_in_car',
      steps: [{ id: 'only', say: ['end_session'], on: { deny: { handoff: 'gave_up' } } }],
    });
    expect(() => loadDialogs(dir)).toThrow(/stuck_in_car\.yaml[\s\S]*steps\.0\.on\.deny/);
  });

  it('requires a side question to say where each end leads', () => {
    const result = procedureSchema.safeParse({
      scenario: 'cable_stuck',
      steps: [{ id: 'which', ask: 'side', question: 'whichEnd', on: { car: { procedure: 'stuck_in_car' } } }],
    });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/must say where \\"charger\\" leads/);
  });

  it('requires the file to be named after its scenario', () => {
    const dir = dialogsWith('car.yaml', { scenario: 'stuck_in_car', steps: [{ id: 'a', say: ['end_session'], on: { deny: 'success' } }] });
    expect(() => loadDialogs(dir)).toThrow(/named after its scenario/);
  });

  it('lists already-done phrases (intents/entities.yaml stepsDone) only for steps that exist', () => {
    const { gazetteer } = loadTrainingData(contentDirs.intents);
    expect(Object.keys(gazetteer.stepsDone)).toEqual(
      expect.arrayContaining(['end_session', 'unlock_car', 'emergency_release', 'power_cycle']),
    );
    expect(Object.keys(gazetteer.stepsDone).filter((step) => !isStepAnywhere(dialogs, step))).toEqual([]);
  });
});
