import { z } from 'zod';

/**
 * The contact answers the handoff dialog asks for, one question at a time. Each schema takes the raw
 * text the user typed and yields the normalised value stored in the ticket, so an installer always
 * sees `+447700900123` and `SW1A 1AA` however the user wrote them.
 */

/** A person's name: trimmed, inner whitespace collapsed, at least one letter. */
export const nameSchema = z
  .string()
  .transform((raw) => raw.trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(1, 'a name is needed')
      .max(100, 'a name is at most 100 characters')
      .regex(/\p{L}/u, 'a name contains at least one letter'),
  );

export const emailSchema = z
  .string()
  .transform((raw) => raw.trim().toLowerCase())
  .pipe(z.email('not an email address').max(254, 'an email address is at most 254 characters'));

/**
 * To E.164 (`+447700900123`). UK numbers are the common case: `07700 900123`, `+44 (0)7700 900123`
 * and `0044 7700 900123` all become the same; other countries need their `+` or `00` prefix.
 */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw
    .trim()
    .replace(/\(0\)/g, '')
    .replace(/[\s\-().]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (/^0\d{9,10}$/.test(international)) return `+44${international.slice(1)}`;
  // "+44 07700 ..." is a frequent slip: the trunk 0 never follows the country code.
  const e164 = international.replace(/^\+440/, '+44');
  if (e164.startsWith('+44')) return /^\+44\d{9,10}$/.test(e164) ? e164 : undefined;
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : undefined;
}

export const phoneSchema = z.string().transform((raw, ctx) => {
  const phone = normalisePhone(raw);
  if (!phone) {
    ctx.addIssue({ code: 'custom', message: 'not a phone number (UK, or international with +)' });
    return z.NEVER;
  }
  return phone;
});

/** One answer to "an email address or a phone number?": an `@` decides which it is meant to be. */
export const emailOrPhoneSchema = z.string().transform((raw, ctx): { email: string } | { phone: string } => {
  if (raw.includes('@')) {
    const email = emailSchema.safeParse(raw);
    if (email.success) return { email: email.data };
    ctx.addIssue({ code: 'custom', message: 'not an email address' });
    return z.NEVER;
  }
  const phone = normalisePhone(raw);
  if (phone) return { phone };
  ctx.addIssue({ code: 'custom', message: 'neither an email address nor a phone number' });
  return z.NEVER;
});

const ukPostcode = /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;

/** A full UK postcode, upper case with one space before the inward code: `sw1a1aa` -> `SW1A 1AA`. */
export const postcodeSchema = z
  .string()
  .transform((raw) => raw.trim().toUpperCase().replace(/\s+/g, ''))
  .pipe(z.string().regex(ukPostcode, 'not a UK postcode'))
  .transform((compact) => `${compact.slice(0, -3)} ${compact.slice(-3)}`);

export const townSchema = z
  .string()
  .transform((raw) => raw.trim().replace(/\s+/g, ' '))
  .pipe(z.string().regex(/^\p{L}[\p{L} '.-]{1,59}$/u, 'not a town name'));

/** One answer to "your postcode or town?": a postcode when it looks like one, otherwise a town. */
export const siteAnswerSchema = z.string().transform((raw, ctx): { postcode: string } | { town: string } => {
  const postcode = postcodeSchema.safeParse(raw);
  if (postcode.success) return { postcode: postcode.data };
  const town = townSchema.safeParse(raw);
  if (town.success) return { town: town.data };
  ctx.addIssue({ code: 'custom', message: 'neither a UK postcode nor a town name' });
  return z.NEVER;
});

export const contactSchema = z
  .object({
    name: nameSchema,
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
  })
  .strict()
  .refine((contact) => contact.email !== undefined || contact.phone !== undefined, {
    message: 'an email address or a phone number is needed',
  });

export const siteSchema = z
  .object({ postcode: postcodeSchema.optional(), town: townSchema.optional() })
  .strict()
  .refine((site) => site.postcode !== undefined || site.town !== undefined, {
    message: 'a postcode or a town is needed',
  });

export type Contact = z.output<typeof contactSchema>;
export type Site = z.output<typeof siteSchema>;
