import { hasCode, withoutCode } from '../../src/nlu/codeInText';
import { loadRecognizer } from '../../src/nlu/model';

const recognizer = loadRecognizer();

describe('code in a message', () => {
  it.each([
    "'; DROP TABLE tickets; --",
    "Robert'); DROP TABLE Students;--",
    "<script>alert('x')</script>",
    '<img src=x onerror=alert(1)>',
    "1' OR '1'='1",
    "admin'--",
    '{{7*7}}',
    '${jndi:ldap://x.example/a}',
    'SELECT name FROM users',
    'rm -rf /',
    '../../etc/passwd',
  ])('finds code in %s', (text) => {
    expect(hasCode(text)).toBe(true);
  });

  it.each([
    '<b>Dana</b> Okafor',
    'select Stop Charging from the menu',
    "it's stuck -- please help",
    'charged to 100% overnight',
    'my nan drove it last',
    'I dropped the kids off and now the table of lights is red',
  ])('finds none in %s', (text) => {
    expect(hasCode(text)).toBe(false);
  });

  it('keeps the words around code and between tags', () => {
    expect(withoutCode('<b>cable stuck</b> in the car')).toBe('cable stuck in the car');
    expect(withoutCode('DROP TABLE tickets; the plug is smoking')).toBe('; the plug is smoking');
  });

  it('hears no intent in the words of code, but a hazard said with it', () => {
    expect(recognizer.recognize("'; DROP TABLE tickets; --").intent).not.toBe('human');
    expect(recognizer.recognize("'; DELETE FROM users; -- cancel").intent).not.toBe('cancel');
    expect(recognizer.recognize('DROP TABLE tickets; the plug is smoking').entities.damage).toContain('smoke');
  });
});
