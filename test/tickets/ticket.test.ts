import { ZodError } from 'zod';
import { buildTicket, newTicketReference, ticketId, ticketSchema, transcriptLimits } from '../../src/tickets/ticket';
import { handoffInput, sampleTicket } from './fixtures';

describe('the ticket', () => {
  it('is built from the handoff inputs with an id, a reference and the time', () => {
    const ticket = sampleTicket();
    expect(ticket).toMatchObject({
      id: ticketId('conv-1', 'emergency_release_failed'),
      reference: 'EVC-7K2Q9M',
      reason: 'emergency_release_failed',
      createdAt: '2025-01-15T09:30:00.000Z',
      contact: { name: 'Sam Driver', phone: '+447700900123' },
      vehicle: { make: 'Nissan', model: 'Leaf' },
      charger: {},
    });
    expect(ticket).not.toHaveProperty('conversationId');
    expect(ticketSchema.parse(JSON.parse(JSON.stringify(ticket)))).toEqual(ticket);
  });

  it('has the same id for the same conversation and reason, and another for another reason', () => {
    expect(ticketId('conv-1', 'pin_damaged')).toBe(ticketId('conv-1', 'pin_damaged'));
    expect(ticketId('conv-1', 'pin_damaged')).not.toBe(ticketId('conv-1', 'safety_hazard'));
    expect(ticketId('conv-1', 'pin_damaged')).not.toBe(ticketId('conv-2', 'pin_damaged'));
  });

  it('gets a random reference that avoids look-alike characters', () => {
    const references = Array.from({ length: 200 }, newTicketReference);
    for (const reference of references) expect(reference).toMatch(/^EVC-[2-9A-HJKMNP-Z]{6}$/);
    expect(new Set(references).size).toBe(200);
  });

  it('keeps the most recent turns of a long transcript, each cut to the limit', () => {
    const turns = Array.from({ length: 80 }, (_, i) => ({
      from: 'user' as const,
      text: `turn ${i} ${'x'.repeat(i === 79 ? 5000 : 0)}`,
      at: '2025-01-15T09:00:00.000Z',
    }));
    const ticket = buildTicket(handoffInput({ transcript: turns }));
    expect(ticket.transcript).toHaveLength(transcriptLimits.maxTurns);
    expect(ticket.transcript[0].text).toBe('turn 30 ');
    expect(ticket.transcript.at(-1)!.text).toHaveLength(transcriptLimits.maxCharsPerTurn);
    expect(ticket.transcript.at(-1)!.text.endsWith('…')).toBe(true);
  });

  it("is filed under scenario 'none' when no procedure was running", () => {
    expect(buildTicket(handoffInput({ scenario: undefined, reason: 'customer_request' })).scenario).toBe('none');
  });

  it('records the staff member who raised it from Teams', () => {
    const raisedBy = { entraObjectId: '6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', name: 'Alex Field' };
    expect(buildTicket(handoffInput({ raisedBy })).raisedBy).toEqual(raisedBy);
  });

  it.each([
    ['an unknown reason', { reason: 'bored' }],
    ['a contact with neither email nor phone', { contact: { name: 'Sam' } }],
    ['a site with neither postcode nor town', { site: {} }],
    ['an unknown step outcome', { stepsTried: [{ procedure: 'stuck_in_car', step: 'end_session', outcome: 'maybe' }] }],
  ])('refuses %s, naming the field', (_, overrides) => {
    const build = () => buildTicket(handoffInput(overrides as never));
    expect(build).toThrow(ZodError);
    const field = Object.keys(overrides)[0];
    try {
      build();
    } catch (error) {
      expect((error as ZodError).issues[0].path[0]).toBe(field);
    }
  });
});
