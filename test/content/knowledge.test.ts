import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKnowledge } from '../../src/content/knowledge';
import { ContentError } from '../../src/yamlFiles';
import { loadMessages } from '../../src/content/messages';
import { riskyAdviceIn } from '../support/adviceRules';

function folderWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('knowledge/', () => {
  const knowledge = loadKnowledge();

  it('holds every fact of the release guide under a stable id', () => {
    const expected = [
      // the two locks and why they lock
      'rarely_a_fault',
      'why_it_locks',
      'car_port_lock',
      'charger_socket_lock',
      'either_lock_holds',
      // the five release steps and their details
      'end_session',
      'wait_after_stop',
      'unlock_car',
      'port_release_button',
      'connector_technique',
      'socket_connector_technique',
      'emergency_release',
      'emergency_release_only_for_emergencies',
      'check_charger_idle',
      'power_cycle',
      'solenoid_failed',
      // what not to do
      'never_yank',
      'never_lever',
      'never_unplug_while_charging',
      'never_open_charger',
      // when to call an installer
      'when_to_call_installer',
      'installer_socket_stuck_after_reset',
      'installer_pin_damaged',
      'installer_emergency_release_failed',
      'installer_dashboard_error',
      // the three questions
      'faq_finished_but_locked',
      'faq_power_cut',
      'faq_cold_night',
      // what drivers ask mid-procedure that the steps don't say
      'never_do_summary',
      'never_lubricate',
      'no_hot_water',
      'isolator_location',
      'drive_off',
      'plug_release_button',
      'stuck_cable_safe',
      'leave_it_connected',
      'charger_types',
    ];
    expect(expected.filter((id) => !knowledge.has(id))).toEqual([]);
  });

  it('keeps the numbers drivers need: wait 5 to 10 seconds, restart for 30 seconds', () => {
    expect(knowledge.get('wait_after_stop').text).toMatch(/5 to 10 seconds/);
    expect(knowledge.get('power_cycle').text).toMatch(/30 seconds/);
  });

  it('never advises force, tools, sprays, prising or opening the charger: a sentence naming one says not to', () => {
    const risky = knowledge.items.flatMap((item) => riskyAdviceIn(item.text).map((sentence) => `${item.id}: ${sentence}`));
    expect(risky).toEqual([]);
  });

  it('the advice check itself flags a sentence that advises force', () => {
    expect(riskyAdviceIn('Pull it hard. Never use a screwdriver.')).toEqual(['Pull it hard.']);
  });

  it('reads synonyms.yaml as groups of words, not as items', () => {
    expect(knowledge.has('groups')).toBe(false);
    expect(knowledge.synonyms.find((group) => group.includes('wallbox'))?.[0]).toBe('charger');
  });

  it('rejects a word in two synonym groups, or a group of one word, naming the file', () => {
    const item = 'items:\n  - id: one\n    kind: tip\n    title: T\n    text: Some text.\n';
    const twice = folderWith({ 'a.yaml': item, 'synonyms.yaml': 'groups:\n  - [charger, wallbox]\n  - [plug, wallbox]\n' });
    expect(() => loadKnowledge(twice)).toThrow(/synonyms\.yaml[\s\S]*"wallbox" is already in another group/);
    const lonely = folderWith({ 'a.yaml': item, 'synonyms.yaml': 'groups:\n  - [charger]\n' });
    expect(() => loadKnowledge(lonely)).toThrow(/synonyms\.yaml[\s\S]*at least two words/);
  });

  it('links each installer criterion to a handoff reason', () => {
    const reasons = knowledge.items.filter((i) => i.handoffReason).map((i) => i.handoffReason);
    expect(reasons.sort()).toEqual(['dashboard_error', 'emergency_release_failed', 'pin_damaged', 'socket_stuck_after_reset']);
  });

  it('rejects an item without text, naming the file and the field', () => {
    const dir = folderWith({ 'bad.yaml': 'items:\n  - id: lonely\n    kind: step\n    title: No text\n' });
    expect(() => loadKnowledge(dir)).toThrow(ContentError);
    expect(() => loadKnowledge(dir)).toThrow(/bad\.yaml[\s\S]*items\.0\.text/);
  });

  it('rejects an id used twice across files', () => {
    const item = 'items:\n  - id: twin\n    kind: tip\n    title: T\n    text: Some text.\n';
    const dir = folderWith({ 'a.yaml': item, 'b.yaml': item });
    expect(() => loadKnowledge(dir)).toThrow(/twin: this id is already used/);
  });

  it('does not read the message templates as knowledge items', () => {
    expect(knowledge.has('welcome')).toBe(false);
  });
});

describe('knowledge/messages.yaml', () => {
  it('has a plain-words reason for every handoff code and a label for every button', () => {
    const messages = loadMessages();
    expect(Object.keys(messages.handoffReasons)).toHaveLength(7);
    expect(messages.buttons.freed).toBe("Yes, it's out");
    expect(messages.buttons.stillStuck).toBe('No, still stuck');
  });

  it('fails at load time when a template is missing', () => {
    const dir = folderWith({ 'messages.yaml': 'welcome: Hi\n' });
    expect(() => loadMessages(path.join(dir, 'messages.yaml'))).toThrow(/welcomePrompt/);
  });
});
