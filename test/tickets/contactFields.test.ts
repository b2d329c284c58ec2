import {
  emailOrPhoneSchema,
  emailSchema,
  nameSchema,
  phoneSchema,
  postcodeSchema,
  siteAnswerSchema,
} from '../../src/tickets/contactFields';

describe('contact answers', () => {
  it('takes a name, tidying its spaces', () => {
    expect(nameSchema.parse('  Sam   Driver ')).toBe('Sam Driver');
    expect(nameSchema.safeParse('   ').success).toBe(false);
    expect(nameSchema.safeParse('12345').success).toBe(false);
  });

  it('takes an email address in lower case', () => {
    expect(emailSchema.parse(' Sam.Driver@Example.CO.UK ')).toBe('sam.driver@example.co.uk');
    expect(emailSchema.safeParse('sam@').success).toBe(false);
  });

  it.each([
    ['07700 900123', '+447700900123'],
    ['07700-900-123', '+447700900123'],
    ['+44 (0)7700 900123', '+447700900123'],
    ['+44 07700 900123', '+447700900123'],
    ['0044 7700 900123', '+447700900123'],
    ['020 7946 0958', '+442079460958'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['001 415 555 2671', '+14155552671'],
  ])('normalises the phone number %s to %s', (typed, normalised) => {
    expect(phoneSchema.parse(typed)).toBe(normalised);
  });

  it.each(['12345', '0770090', '+44 7700', 'call me', '+0 123 456 789'])('refuses %s as a phone number', (typed) => {
    expect(phoneSchema.safeParse(typed).success).toBe(false);
  });

  it('reads one answer as an email or a phone number', () => {
    expect(emailOrPhoneSchema.parse('Sam@Example.com')).toEqual({ email: 'sam@example.com' });
    expect(emailOrPhoneSchema.parse('07700 900123')).toEqual({ phone: '+447700900123' });
    expect(emailOrPhoneSchema.safeParse('sam at example').success).toBe(false);
    expect(emailOrPhoneSchema.safeParse('sam@nowhere').success).toBe(false);
  });

  it('normalises a UK postcode', () => {
    expect(postcodeSchema.parse('sw1a1aa')).toBe('SW1A 1AA');
    expect(postcodeSchema.parse(' m1  1ae ')).toBe('M1 1AE');
    expect(postcodeSchema.safeParse('SW1A').success).toBe(false);
  });

  it('reads one answer as a postcode or a town', () => {
    expect(siteAnswerSchema.parse('ec1a 1bb')).toEqual({ postcode: 'EC1A 1BB' });
    expect(siteAnswerSchema.parse("  Bishop's  Stortford ")).toEqual({ town: "Bishop's Stortford" });
    expect(siteAnswerSchema.parse('Stoke-on-Trent')).toEqual({ town: 'Stoke-on-Trent' });
    expect(siteAnswerSchema.safeParse('??').success).toBe(false);
    expect(siteAnswerSchema.safeParse('12 34').success).toBe(false);
  });
});
