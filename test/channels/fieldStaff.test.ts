import { raisedByOf } from '../../src/channels/teams/fieldStaff';

describe('who raised a ticket', () => {
  const from = { id: '29:sam', name: 'Sam Field', aadObjectId: '6b1e0c2a-7d3f-4e5a-8b9c-0d1e2f3a4b5c' };

  it('is the staff member (Entra object id and name) in Teams', () => {
    expect(raisedByOf({ channelId: 'msteams', from })).toEqual({ entraObjectId: from.aadObjectId, name: 'Sam Field' });
  });

  it('is nobody on the website, where the customer writes themselves', () => {
    expect(raisedByOf({ channelId: 'webchat', from })).toBeUndefined();
  });

  it('is nobody when Teams sent no Entra object id', () => {
    expect(raisedByOf({ channelId: 'msteams', from: { id: '29:x', name: 'X' } })).toBeUndefined();
  });
});
