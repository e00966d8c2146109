import { describe, expect, it } from 'vitest';
import type { SessionDenialRecord } from '../../src/access/ledger.js';
import { sessionLines, sessionNote } from '../../src/slack/blocks/sessions-text.js';
import { requestView } from '../support/slack-fixtures.js';

const T = new Date('2026-12-07T14:02:00Z');

const denial = (patch: Partial<SessionDenialRecord> = {}): SessionDenialRecord => ({
  id: 'G-1',
  status: 'in_force',
  userId: '906751b6f2-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  slackUserId: 'U0000SAM01',
  userName: null,
  accountId: '333333333333',
  accountAlias: 'prod',
  permissionSet: 'SeniorDeveloper',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
  endedAt: T,
  cause: 'revoked',
  requestId: 'R-1',
  grantId: 'G-1',
  sessionHours: 8,
  inPolicy: true,
  inForceAt: T,
  liftAt: new Date(T.getTime() + 8 * 3_600_000),
  liftedAt: null,
  failure: null,
  createdAt: T,
  ...patch,
});

describe('what a card says of the sessions already open', () => {
  it('says they were ended, and when, once the statement is in force', () => {
    const note = sessionNote(requestView({ status: 'ended' }, { sessionDenials: [denial()] }));
    expect(note).toContain('Sessions already open for SeniorDeveloper on *prod* were ended <!date^');
    expect(note).not.toContain('stay valid');
  });

  it('says they are being ended while the statement is not in force yet', () => {
    const note = sessionNote(
      requestView({}, { sessionDenials: [denial({ status: 'adding', inForceAt: null })] }),
    );
    expect(note).toContain('Ending the sessions already open for SeniorDeveloper on *prod*');
  });

  it('says why they could not be ended, and for how long they stay valid, first of all', () => {
    const lines = sessionLines([
      denial({ id: 'G-2', accountAlias: 'dev' }),
      denial({
        status: 'failed',
        failure: 'AWS refused to change the inline policy of SeniorDeveloper: denied',
      }),
    ]);
    expect(lines[0]).toBe(
      ':warning: Sessions already open for SeniorDeveloper on *prod* could not be ended: AWS refused to change the inline policy of SeniorDeveloper: denied. They stay valid for up to 8 h.',
    );
    expect(lines[1]).toContain('SeniorDeveloper on *dev* were ended');
  });

  it('says why they were left open when the access is still held, or the set is left alone', () => {
    expect(
      sessionLines([denial({ status: 'skipped', failure: 'still held through group ReadOnly' })]),
    ).toEqual([
      ':information_source: Sessions already open for SeniorDeveloper on *prod* stay valid: still held through group ReadOnly.',
    ]);
  });

  it('says before the access ends what will become of the sessions, as the config has it', () => {
    expect(sessionNote(requestView({}, { sessionsEnd: 'end' }))).toContain(
      'sessions already open end with it',
    );
    expect(sessionNote(requestView({}, { sessionsEnd: 'leave_alone' }))).toContain(
      'stay valid for up to 8 h after the access ends: SeniorDeveloper is left alone (sessions.leaveAlone)',
    );
    expect(sessionNote(requestView({}, { sessionsEnd: 'off' }))).toContain(
      'stay valid for up to 8 h after the access ends',
    );
  });

  it('never lets a name mention everyone in the channel', () => {
    const note = sessionNote(requestView({}, { sessionDenials: [denial({ permissionSet: '<!here>' })] }));
    expect(note).not.toContain('<!here>');
    expect(note).toContain('&lt;!here&gt;');
  });
});
