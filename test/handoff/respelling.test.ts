import { respeltEmail, respeltName, withoutSpellingNotes } from '../../src/handoff/respelling';
import { contactDetailsIn, townIn } from '../../src/handoff/contactDetails';

describe('spelling corrections of a name given already', () => {
  it.each([
    ['Sarah', "it's Sara without the h", 'Sara'],
    ['Ann Lee', 'Anne with an e', 'Anne Lee'],
    ['Ann', 'with an e at the end', 'Anne'],
    ['Mat Jones', 'double t', 'Matt Jones'],
    ['Sarah Lowe', "it's spelt S-A-R-A", 'Sara Lowe'],
    ['Kate Smyth', 'and its spelt C-A-T-E', 'Cate Smyth'],
    ['John Smith', 'Jon not John', 'Jon Smith'],
    ['Aysha Rahman', 'sorry my name is Aisha Rahman, not Aysha', 'Aisha Rahman'],
    ['Kate Smith', 'surname is Smyth with a y', 'Kate Smyth'],
    ['Kate', 'surname is Smyth', 'Kate Smyth'],
    ['Hannah Hughes-Lee', 'no h at the end of the first name', 'Hanna Hughes-Lee'],
  ])('%s + "%s" is %s', (name, message, expected) => {
    expect(respeltName(name, message)).toEqual({ value: expected });
  });

  it('asks again rather than guess', () => {
    expect(respeltName('Sarah Smith', 'without the h')).toEqual({ unclear: true });
    expect(respeltName('Hannah Hughes', 'with an e at the end')).toEqual({ unclear: true });
    expect(respeltName('Sarah', "it's spelt M-I-K-E")).toEqual({ unclear: true });
  });

  it('leaves alone what corrects no spelling', () => {
    expect(respeltName('Sam', 'sorry, same problem')).toBeUndefined();
    expect(respeltName('Kim', "sorry it's a Kia", { variantAlone: true, otherThing: (word) => word === 'Kia' })).toBeUndefined();
    expect(respeltName('Sarah', 'LS1 4AP')).toBeUndefined();
  });

  it('corrects an email address the same way', () => {
    expect(respeltEmail('mat.jones@example.com', 'the email has a double t')).toEqual({ value: 'matt.jones@example.com' });
  });

  it('reads a name without its spelling notes', () => {
    expect(withoutSpellingNotes('Anne with an e')).toBe('Anne');
    expect(withoutSpellingNotes("it's S-A-R-A")).toBe("it's SARA");
  });
});

describe('an address in one line', () => {
  it.each([
    ['12 High Street, Leeds LS1 4AP', 'Leeds', 'LS1 4AP'],
    ['12 high st leeds ls1 4ap', 'Leeds', 'LS1 4AP'],
    ['Flat 2, 14 Mill Lane, Hebden Bridge, West Yorkshire HX7 8AA', 'Hebden Bridge', 'HX7 8AA'],
    ['12 High St, St Albans AL1 3AA', 'St Albans', 'AL1 3AA'],
    ['the address is 7 Park Rd, Bath BA1 2AB', 'Bath', 'BA1 2AB'],
    ['123 Main St, Springfield IL 62704', 'Springfield', undefined],
  ])('%s keeps its town and postcode', (address, town, postcode) => {
    expect(townIn(address, true)).toBe(town);
    expect(contactDetailsIn(address).postcode).toBe(postcode);
  });

  it('keeps no town when the street does not end plainly', () => {
    expect(townIn('12 acacia leeds ls1 4ap', true)).toBeUndefined();
    expect(townIn('12 High Street', true)).toBeUndefined();
  });
});
