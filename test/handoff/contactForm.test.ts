import { ContactInterview, type InterviewTurn } from '../../src/handoff/contactInterview';
import type { HandoffRequest } from '../../src/handoff/handoffRequest';
import { loadRecognizer } from '../../src/nlu/model';
import { content } from '../support/guidedChat';

const { handoff } = content.messages;
const recognizer = loadRecognizer();
const interview = new ContactInterview({
  messages: content.messages,
  vehicleMakeOf: (text) => recognizer.entitiesOf(text).vehicleMake,
  chargerBrandOf: (text) => recognizer.entitiesOf(text).chargerBrand,
});
const request: HandoffRequest = { reason: 'customer_request', stepsTried: [], entities: {} };

function asked(turn: InterviewTurn) {
  if (turn.kind !== 'ask') throw new Error(`expected a question, got ${turn.kind}`);
  return turn;
}
const fieldsOf = (turn: InterviewTurn) => asked(turn).prompt.form?.fields.map(({ question, problem }) => ({ question, problem }));

describe('the contact questions answered as one form (any channel that sends several answers at once)', () => {
  it('offers every open question at once, with the driver wording unless staff raise the ticket', () => {
    const first = asked(interview.start(request));
    expect(first.prompt.form?.fields.map((field) => field.label)).toEqual(
      (['name', 'reach', 'site', 'charger', 'vehicle'] as const).map((question) => handoff.questions[question].ask),
    );
    const forStaff = asked(
      interview.start({ ...request, raisedBy: { entraObjectId: '6b1e0c2a-7d3f-4e5a-8b9c-0d1e2f3a4b5c', name: 'Sam Field' } }),
    );
    expect(forStaff.prompt.text).toBe(handoff.customerQuestions.name.ask);
  });

  it('keeps what fits, skips empty optional answers, and re-asks only the rest with their helpful messages', () => {
    const first = asked(interview.start(request));
    const turn = interview.continueWithAnswers(first.state, {
      name: 'Sam Taylor',
      reach: '',
      site: 'nowhere 123!',
      charger: '',
      vehicle: '',
    });
    expect(fieldsOf(turn)).toEqual([
      { question: 'reach', problem: handoff.questions.reach.retry },
      { question: 'site', problem: handoff.questions.site.retry },
    ]);
    expect(asked(turn).prompt.text).toBe(handoff.questions.reach.retry);

    const summary = asked(interview.continueWithAnswers(asked(turn).state, { reach: 'sam@example.com', site: 'Leeds' }));
    expect(summary.prompt.summary?.facts).toEqual([
      { label: handoff.summaryLabels.name, value: 'Sam Taylor' },
      { label: handoff.summaryLabels.email, value: 'sam@example.com' },
      { label: handoff.summaryLabels.town, value: 'Leeds' },
    ]);
  });

  it('takes a form sent from the summary as a correction and returns to the summary', () => {
    const first = asked(interview.start(request));
    const summary = asked(interview.continueWithAnswers(first.state, { name: 'Sam Taylor', reach: '07700 900123', site: 'Leeds' }));
    const corrected = asked(interview.continueWithAnswers(summary.state, { site: 'SW1A 1AA' }));
    expect(corrected.state.stage).toEqual({ kind: 'summary' });
    expect(corrected.state.answers).toMatchObject({ name: 'Sam Taylor', phone: '+447700900123', postcode: 'SW1A 1AA' });
    expect(corrected.state.answers).not.toHaveProperty('town');
  });
});
