import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger, RequestRecord, SessionDenialRecord } from '../../src/access/ledger.js';
import type { LegacyMigrationRecord } from '../../src/access/legacy-migrations.js';
import {
  HOUR,
  MINUTE,
  T0,
  aGrant,
  aJob,
  aRequest,
  at,
  backends,
  rendezvous,
  yieldToOthers,
} from './store-fixtures.js';

describe.each(backends())('the ledger on $name', (backend) => {
  let ledger: Ledger;
  beforeEach(async () => {
    ledger = await backend.open();
  });
  afterEach(async () => {
    await ledger.close();
    await backend.cleanup();
  });

  describe('requests', () => {
    it('gives back every field of a request as it was inserted', async () => {
      const full = aRequest({
        id: 'R-FULL01',
        kind: 'extend',
        reason: 'incident 42 — “quotes” and ünïcode',
        accounts: [
          { alias: 'dev', id: '111111111111' },
          { alias: 'staging', id: '222222222222' },
        ],
        durationMs: 30 * 24 * HOUR,
        approvers: ['U_A1', 'U_A2', 'U_A3'],
        requiredApprovals: 2,
        extendsGrantIds: ['G-1', 'G-2'],
        details: { newStarter: { name: 'Ada', groups: ['eng'] }, flag: true, count: 3 },
        decidedAt: at(5 * MINUTE + 123),
        card: { channel: 'C_APPROVALS', ts: '1764000000.000100' },
        dm: { channel: 'D_REQ', ts: '1764000000.000200' },
      });
      const bare = aRequest({ id: 'R-BARE01', durationMs: null, approvers: [], decidedAt: null });
      await ledger.insertRequest(full);
      await ledger.insertRequest(bare);

      expect(await ledger.getRequest('R-FULL01')).toEqual(full);
      expect(await ledger.getRequest('R-BARE01')).toEqual(bare);
      expect(await ledger.getRequest('R-NOPE00')).toBeUndefined();
    });

    it('moves a request only from the status it is in, once', async () => {
      await ledger.insertRequest(aRequest());

      expect(
        await ledger.transitionRequest('R-AAAAAA', 'pending', 'approved', { decidedAt: at(MINUTE) }),
      ).toBe(true);
      expect(
        await ledger.transitionRequest('R-AAAAAA', 'pending', 'denied', { decidedAt: at(2 * MINUTE) }),
      ).toBe(false);

      const after = await ledger.getRequest('R-AAAAAA');
      expect(after?.status).toBe('approved');
      expect(after?.decidedAt).toEqual(at(MINUTE));
    });

    it('changes only the fields a transition patches', async () => {
      await ledger.insertRequest(aRequest({ details: { keep: 1 } }));

      await ledger.transitionRequest('R-AAAAAA', 'pending', 'approved', { decidedAt: at(MINUTE) });
      await ledger.transitionRequest('R-AAAAAA', 'approved', 'provisioning', { details: { step: 'aws' } });

      expect(await ledger.getRequest('R-AAAAAA')).toEqual(
        aRequest({ status: 'provisioning', decidedAt: at(MINUTE), details: { step: 'aws' } }),
      );
    });

    it('throws for a request transition that is not in the table, changing nothing', async () => {
      await ledger.insertRequest(aRequest());

      await expect(ledger.transitionRequest('R-AAAAAA', 'pending', 'active')).rejects.toThrow(
        /not a request transition/,
      );
      expect((await ledger.getRequest('R-AAAAAA'))?.status).toBe('pending');
    });

    it('updates card, direct message and details without touching the status', async () => {
      await ledger.insertRequest(aRequest());

      await ledger.updateRequest('R-AAAAAA', { card: { channel: 'C1', ts: '1.1' } });
      await ledger.updateRequest('R-AAAAAA', { dm: { channel: 'D1', ts: '2.2' }, details: { note: 'x' } });
      expect(await ledger.getRequest('R-AAAAAA')).toMatchObject({
        status: 'pending',
        card: { channel: 'C1', ts: '1.1' },
        dm: { channel: 'D1', ts: '2.2' },
        details: { note: 'x' },
      });

      await ledger.updateRequest('R-AAAAAA', { card: null });
      expect((await ledger.getRequest('R-AAAAAA'))?.card).toBeNull();
    });

    it('refuses to update a request that does not exist', async () => {
      await expect(ledger.updateRequest('R-NOPE00', { details: {} })).rejects.toThrow(/does not exist/);
    });

    it('finds requests by requester, by approver, by status and by kind, newest first', async () => {
      await ledger.insertRequest(aRequest({ id: 'R-1', createdAt: at(1), approvers: ['U_A1'] }));
      await ledger.insertRequest(aRequest({ id: 'R-2', createdAt: at(2), approvers: ['U_A1', 'U_A2'] }));
      await ledger.insertRequest(
        aRequest({
          id: 'R-3',
          createdAt: at(3),
          requesterSlackId: 'U_OTHER',
          approvers: ['U_A2'],
          kind: 'extend',
        }),
      );
      await ledger.transitionRequest('R-1', 'pending', 'cancelled');
      const ids = (rs: RequestRecord[]) => rs.map((r) => r.id);

      expect(ids(await ledger.findRequests({ requesterSlackId: 'U_REQ' }))).toEqual(['R-2', 'R-1']);
      expect(ids(await ledger.findRequests({ approverSlackId: 'U_A1' }))).toEqual(['R-2', 'R-1']);
      expect(ids(await ledger.findRequests({ approverSlackId: 'U_A2', statuses: ['pending'] }))).toEqual([
        'R-3',
        'R-2',
      ]);
      expect(ids(await ledger.findRequests({ statuses: ['cancelled', 'denied'] }))).toEqual(['R-1']);
      expect(ids(await ledger.findRequests({ kinds: ['extend'] }))).toEqual(['R-3']);
      expect(ids(await ledger.findRequests({ limit: 2 }))).toEqual(['R-3', 'R-2']);
      expect(await ledger.findRequests({ statuses: [] })).toEqual([]);
    });

    it('matches an approver by whole Slack id, never by part of one or by a LIKE wildcard', async () => {
      await ledger.insertRequest(aRequest({ id: 'R-1', approvers: ['U_A10'] }));
      await ledger.insertRequest(aRequest({ id: 'R-2', approvers: ['UXA1'] }));

      expect(await ledger.findRequests({ approverSlackId: 'U_A1' })).toEqual([]);
      expect(await ledger.findRequests({ approverSlackId: 'u_a10' })).toEqual([]);
    });
  });

  describe('approvals', () => {
    it('keeps one decision per approver and lists them in the order given', async () => {
      await ledger.insertRequest(aRequest());

      expect(
        await ledger.insertApproval({
          requestId: 'R-AAAAAA',
          approverSlackId: 'U_A2',
          decision: 'approve',
          reason: null,
          at: at(MINUTE),
        }),
      ).toBe(true);
      expect(
        await ledger.insertApproval({
          requestId: 'R-AAAAAA',
          approverSlackId: 'U_A1',
          decision: 'deny',
          reason: 'not today',
          at: at(2 * MINUTE),
        }),
      ).toBe(true);
      expect(
        await ledger.insertApproval({
          requestId: 'R-AAAAAA',
          approverSlackId: 'U_A2',
          decision: 'deny',
          reason: 'changed my mind',
          at: at(3 * MINUTE),
        }),
      ).toBe(false);

      expect(await ledger.listApprovals('R-AAAAAA')).toEqual([
        { requestId: 'R-AAAAAA', approverSlackId: 'U_A2', decision: 'approve', reason: null, at: at(MINUTE) },
        {
          requestId: 'R-AAAAAA',
          approverSlackId: 'U_A1',
          decision: 'deny',
          reason: 'not today',
          at: at(2 * MINUTE),
        },
      ]);
    });

    it('lists the approvals and grants of many requests in one read each, and nothing for none', async () => {
      for (const id of ['R-AAAAA1', 'R-AAAAA2', 'R-AAAAA3']) await ledger.insertRequest(aRequest({ id }));
      const approve = (requestId: string, approverSlackId: string, ms: number) =>
        ledger.insertApproval({ requestId, approverSlackId, decision: 'approve', reason: null, at: at(ms) });
      await approve('R-AAAAA2', 'U_A2', 2 * MINUTE);
      await approve('R-AAAAA1', 'U_A1', 3 * MINUTE);
      await approve('R-AAAAA2', 'U_A1', MINUTE);
      await ledger.insertGrant(aGrant({ id: 'G-1', requestId: 'R-AAAAA1' }));
      await ledger.insertGrant(aGrant({ id: 'G-3', requestId: 'R-AAAAA3' }));

      const approvals = await ledger.listApprovalsOf!(['R-AAAAA1', 'R-AAAAA2']);
      expect(approvals.map((a) => `${a.requestId}:${a.approverSlackId}`)).toEqual([
        'R-AAAAA1:U_A1',
        'R-AAAAA2:U_A1',
        'R-AAAAA2:U_A2',
      ]);
      expect((await ledger.findGrants({ requestIds: ['R-AAAAA1', 'R-AAAAA3'] })).map((g) => g.id)).toEqual([
        'G-1',
        'G-3',
      ]);
      expect(await ledger.listApprovalsOf!([])).toEqual([]);
      expect(await ledger.findGrants({ requestIds: [] })).toEqual([]);
    });
  });

  describe('grants', () => {
    beforeEach(async () => {
      await ledger.insertRequest(aRequest());
      await ledger.insertRequest(aRequest({ id: 'R-BBBBBB' }));
    });

    it('gives back every field of a grant as it was inserted', async () => {
      const full = aGrant({
        id: 'G-FULL',
        status: 'ended',
        startsAt: at(MINUTE),
        endsAt: at(4 * HOUR),
        failureReason: 'quota',
        awsRequestId: 'req-123',
        createdAssignment: false,
        remindedAt: at(3 * HOUR),
        endedAt: at(4 * HOUR + 1),
        endReason: 'expired',
      });
      const made = aGrant({ id: 'G-MADE', createdAssignment: true });
      const bare = aGrant({ id: 'G-BARE' });
      for (const g of [full, made, bare]) await ledger.insertGrant(g);

      expect(await ledger.getGrant('G-FULL')).toEqual(full);
      expect(await ledger.getGrant('G-MADE')).toEqual(made);
      expect(await ledger.getGrant('G-BARE')).toEqual(bare);
      expect(await ledger.getGrant('G-NOPE')).toBeUndefined();
    });

    it('moves a grant only from the status it is in, and throws for an edge not in the table', async () => {
      await ledger.insertGrant(aGrant());

      expect(await ledger.transitionGrant('G-1', 'pending', 'provisioning', { awsRequestId: 'req-1' })).toBe(
        true,
      );
      expect(await ledger.transitionGrant('G-1', 'pending', 'provisioning', { awsRequestId: 'req-2' })).toBe(
        false,
      );
      await expect(ledger.transitionGrant('G-1', 'provisioning', 'ended')).rejects.toThrow(
        /not a grant transition/,
      );
      expect(
        await ledger.transitionGrant('G-1', 'provisioning', 'active', {
          startsAt: T0,
          endsAt: at(HOUR),
          createdAssignment: true,
        }),
      ).toBe(true);

      expect(await ledger.getGrant('G-1')).toEqual(
        aGrant({
          status: 'active',
          awsRequestId: 'req-1',
          startsAt: T0,
          endsAt: at(HOUR),
          createdAssignment: true,
        }),
      );
    });

    it('updates a grant without a status change', async () => {
      await ledger.insertGrant(aGrant({ status: 'active', endsAt: at(HOUR) }));

      await ledger.updateGrant('G-1', { remindedAt: at(50 * MINUTE), endsAt: at(3 * HOUR) });

      expect(await ledger.getGrant('G-1')).toMatchObject({
        status: 'active',
        remindedAt: at(50 * MINUTE),
        endsAt: at(3 * HOUR),
      });
      await expect(ledger.updateGrant('G-NOPE', { remindedAt: T0 })).rejects.toThrow(/does not exist/);
    });

    it('finds grants by each field of the query, soonest end first and permanent ones last', async () => {
      await ledger.insertGrant(aGrant({ id: 'G-PERM', status: 'active', endsAt: null }));
      await ledger.insertGrant(aGrant({ id: 'G-LATE', status: 'active', endsAt: at(3 * HOUR) }));
      await ledger.insertGrant(
        aGrant({ id: 'G-SOON', status: 'active', endsAt: at(HOUR), remindedAt: at(50 * MINUTE) }),
      );
      await ledger.insertGrant(
        aGrant({
          id: 'G-OTHER',
          requestId: 'R-BBBBBB',
          status: 'ended',
          requesterSlackId: 'U_OTHER',
          principalId: 'user-2',
          accountId: '222222222222',
          accountAlias: 'staging',
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-2',
          endsAt: at(2 * HOUR),
        }),
      );
      const ids = async (query: Parameters<Ledger['findGrants']>[0]) =>
        (await ledger.findGrants(query)).map((g) => g.id);

      expect(await ids({})).toEqual(['G-SOON', 'G-OTHER', 'G-LATE', 'G-PERM']);
      expect(await ids({ requesterSlackId: 'U_OTHER' })).toEqual(['G-OTHER']);
      expect(await ids({ principalId: 'user-1' })).toEqual(['G-SOON', 'G-LATE', 'G-PERM']);
      expect(await ids({ accountId: '222222222222' })).toEqual(['G-OTHER']);
      expect(await ids({ permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-2' })).toEqual([
        'G-OTHER',
      ]);
      expect(await ids({ statuses: ['active'] })).toEqual(['G-SOON', 'G-LATE', 'G-PERM']);
      expect(await ids({ statuses: [] })).toEqual([]);
      expect(await ids({ requestId: 'R-BBBBBB' })).toEqual(['G-OTHER']);
      expect(await ids({ endsAtOrBefore: at(2 * HOUR) })).toEqual(['G-SOON', 'G-OTHER']);
      expect(await ids({ endsAtOrBefore: at(2 * HOUR - 1) })).toEqual(['G-SOON']);
      expect(await ids({ notReminded: true, statuses: ['active'] })).toEqual(['G-LATE', 'G-PERM']);
      expect(
        await ids({
          principalId: 'user-1',
          accountId: '111111111111',
          statuses: ['active'],
          endsAtOrBefore: at(4 * HOUR),
          notReminded: true,
        }),
      ).toEqual(['G-LATE']);
    });
  });

  describe('transactions', () => {
    it('rolls back the transition, its audit event and its jobs together when the transaction throws', async () => {
      await ledger.insertRequest(aRequest());

      await expect(
        ledger.transaction(async (tx) => {
          expect(await tx.transitionRequest('R-AAAAAA', 'pending', 'approved', { decidedAt: T0 })).toBe(true);
          await tx.appendAudit({ at: T0, actor: 'U_A1', action: 'request.approved', requestId: 'R-AAAAAA' });
          await tx.enqueueJob(aJob({ kind: 'provision', dedupeKey: 'provision:R-AAAAAA' }));
          throw new Error('AWS said no after all');
        }),
      ).rejects.toThrow('AWS said no after all');

      expect((await ledger.getRequest('R-AAAAAA'))?.status).toBe('pending');
      expect(await ledger.listAudit({ requestId: 'R-AAAAAA' })).toEqual([]);
      expect(await ledger.findJobs({ requestId: 'R-AAAAAA' })).toEqual([]);
    });

    it('commits everything a transaction did and returns what it returned', async () => {
      const result = await ledger.transaction(async (tx) => {
        await tx.insertRequest(aRequest());
        await tx.appendAudit({ at: T0, actor: 'U_REQ', action: 'request.submitted', requestId: 'R-AAAAAA' });
        return tx.enqueueJob(aJob());
      });

      expect(result).toBe(true);
      expect(await ledger.getRequest('R-AAAAAA')).toEqual(aRequest());
      expect(await ledger.listAudit({ requestId: 'R-AAAAAA' })).toHaveLength(1);
      expect(await ledger.findJobs({ requestId: 'R-AAAAAA' })).toHaveLength(1);
    });

    it('lets exactly one of two concurrent transitions from pending win', async () => {
      await ledger.insertRequest(aRequest());
      const decide = (to: 'approved' | 'denied') =>
        ledger.transaction(async (tx) => {
          const seen = await tx.getRequest('R-AAAAAA');
          await yieldToOthers();
          if (seen?.status !== 'pending') return false;
          return tx.transitionRequest('R-AAAAAA', 'pending', to, { decidedAt: T0 });
        });

      const results = await Promise.all([decide('approved'), decide('denied')]);

      expect(results.filter(Boolean)).toHaveLength(1);
      const status = (await ledger.getRequest('R-AAAAAA'))?.status;
      expect(status).toBe(results[0] === true ? 'approved' : 'denied');
    });

    it('reaches the quorum when two approvals arrive at once and each transaction locks the request first', async () => {
      await ledger.insertRequest(aRequest({ requiredApprovals: 2 }));
      // Where transactions can run side by side, make both count before either commits: the worst case.
      const inserted = rendezvous(2);
      const counted = rendezvous(2);
      const approve = (approver: string) =>
        ledger.transaction(async (tx) => {
          const current = await tx.lockRequest!('R-AAAAAA');
          if (current?.status !== 'pending') return false;
          await tx.insertApproval({
            requestId: 'R-AAAAAA',
            approverSlackId: approver,
            decision: 'approve',
            reason: null,
            at: T0,
          });
          await inserted();
          const approvals = await tx.listApprovals('R-AAAAAA');
          await counted();
          if (approvals.length < current.requiredApprovals) return false;
          return tx.transitionRequest('R-AAAAAA', 'pending', 'approved', { decidedAt: T0 });
        });

      const results = await Promise.all([approve('U_A1'), approve('U_A2')]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await ledger.getRequest('R-AAAAAA'))?.status).toBe('approved');
      expect(await ledger.transaction((tx) => tx.lockRequest!('R-NOPE00'))).toBeUndefined();
    });

    it('ends a grant or moves its end, never both, when the two happen at once and each holds the grant first', async () => {
      await ledger.insertRequest(aRequest());
      await ledger.insertGrant(aGrant({ status: 'active', endsAt: T0 }));
      const read = rendezvous(2);
      // The scheduler: the grant's time has come, so it ends it.
      const expire = ledger.transaction(async (tx) => {
        const current = await tx.lockGrant!('G-1');
        await read();
        if (current?.status !== 'active' || current.endsAt === null || current.endsAt > T0) return false;
        return tx.transitionGrant('G-1', 'active', 'ending');
      });
      // An approved extension: moves the end of a grant that is still active.
      const extend = ledger.transaction(async (tx) => {
        const current = await tx.lockGrant!('G-1');
        await read();
        if (current?.status !== 'active' || current.endsAt === null) return false;
        await tx.updateGrant('G-1', { endsAt: at(HOUR) });
        return true;
      });

      const [ended, extended] = await Promise.all([expire, extend]);

      expect([ended, extended].filter(Boolean)).toHaveLength(1);
      const grant = await ledger.getGrant('G-1');
      if (ended) expect(grant).toMatchObject({ status: 'ending', endsAt: T0 });
      else expect(grant).toMatchObject({ status: 'active', endsAt: at(HOUR) });
      expect(await ledger.transaction((tx) => tx.lockGrant!('G-NOPE'))).toBeUndefined();
    });

    it('lets one of two transactions that look for something and insert it if missing find the other’s, under the same lock key', async () => {
      const looked = rendezvous(2);
      const submit = (id: string) =>
        ledger.transaction(async (tx) => {
          await tx.lockKey!('submit:access:U_REQ');
          const open = await tx.findRequests({ requesterSlackId: 'U_REQ', statuses: ['pending'] });
          await looked();
          if (open.length > 0) return false;
          await tx.insertRequest(aRequest({ id }));
          return true;
        });

      const results = await Promise.all([submit('R-AAAAA1'), submit('R-AAAAA2')]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await ledger.findRequests({ requesterSlackId: 'U_REQ' })).toHaveLength(1);
    });

    it('never lets a failing transaction roll back the work of one running beside it', async () => {
      await ledger.insertRequest(aRequest());
      const failing = ledger.transaction(async (tx) => {
        await tx.appendAudit({ at: T0, actor: 'system', action: 'doomed' });
        await yieldToOthers();
        throw new Error('boom');
      });
      const succeeding = ledger.transaction(async (tx) => {
        await tx.appendAudit({ at: T0, actor: 'system', action: 'kept' });
        await yieldToOthers();
      });

      const [failed, succeeded] = await Promise.allSettled([failing, succeeding]);

      expect(failed.status).toBe('rejected');
      expect(succeeded.status).toBe('fulfilled');
      expect((await ledger.listAudit({})).map((e) => e.action)).toEqual(['kept']);
    });

    it('refuses a call on the ledger itself from inside a transaction instead of waiting for ever', async () => {
      await ledger.insertRequest(aRequest());

      await expect(
        ledger.transaction(async (tx) => {
          await tx.getRequest('R-AAAAAA');
          return ledger.getRequest('R-AAAAAA');
        }),
      ).rejects.toThrow(/use the tx passed to fn/);
      await expect(ledger.transaction(() => ledger.transaction(() => Promise.resolve(1)))).rejects.toThrow(
        /use the tx passed to fn/,
      );
      expect(await ledger.getRequest('R-AAAAAA')).toBeDefined();
    });

    it('writes a request and its approver index together outside a transaction too', async () => {
      await ledger.insertRequest(aRequest());

      await expect(ledger.insertRequest(aRequest({ approvers: ['U_NEW'] }))).rejects.toThrow();
      expect(await ledger.findRequests({ approverSlackId: 'U_NEW' })).toEqual([]);
    });
  });

  describe('audit', () => {
    it('lists events in the order they were written, filtered, with a limit keeping the most recent', async () => {
      // Same timestamps on purpose: order comes from the sequence, not from the clock.
      await ledger.appendAudit({ at: T0, actor: 'U_REQ', action: 'request.submitted', requestId: 'R-1' });
      await ledger.appendAudit({
        at: T0,
        actor: 'U_A1',
        action: 'request.approved',
        requestId: 'R-1',
        details: { n: 1 },
      });
      await ledger.appendAudit({
        at: T0,
        actor: 'system',
        action: 'grant.active',
        requestId: 'R-1',
        grantId: 'G-1',
      });
      await ledger.appendAudit({ at: at(1), actor: 'system', action: 'request.lapsed', requestId: 'R-2' });

      const all = await ledger.listAudit({});
      expect(all.map((e) => e.action)).toEqual([
        'request.submitted',
        'request.approved',
        'grant.active',
        'request.lapsed',
      ]);
      expect(all[0]).toEqual({
        id: all[0]?.id,
        at: T0,
        actor: 'U_REQ',
        action: 'request.submitted',
        requestId: 'R-1',
        grantId: null,
        details: {},
      });
      expect(all[1]?.details).toEqual({ n: 1 });
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
      expect((await ledger.listAudit({ requestId: 'R-1', limit: 2 })).map((e) => e.action)).toEqual([
        'request.approved',
        'grant.active',
      ]);
      expect((await ledger.listAudit({ grantId: 'G-1' })).map((e) => e.action)).toEqual(['grant.active']);
    });
  });

  describe('session denials', () => {
    const denial = (patch: Partial<SessionDenialRecord> = {}): SessionDenialRecord => ({
      id: 'G-1',
      status: 'adding',
      userId: '906751b6f2-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      slackUserId: 'U_SAM',
      userName: 'sam@example.com',
      accountId: '333333333333',
      accountAlias: 'prod',
      permissionSet: 'SeniorDeveloper',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      endedAt: T0,
      cause: 'revoked',
      requestId: 'R-1',
      grantId: 'G-1',
      sessionHours: 12,
      inPolicy: false,
      inForceAt: null,
      liftAt: null,
      liftedAt: null,
      failure: null,
      createdAt: T0,
      ...patch,
    });

    it('gives back every field of a denial as it was recorded, and records one id once', async () => {
      expect(await ledger.insertSessionDenial(denial())).toBe(true);
      expect(await ledger.insertSessionDenial(denial({ status: 'failed' }))).toBe(false);
      expect(await ledger.findSessionDenials({})).toEqual([denial()]);
    });

    it('moves a denial into force, finds those due to be lifted, and none lifted twice', async () => {
      await ledger.insertSessionDenial(denial());
      await ledger.insertSessionDenial(denial({ id: 'G-2', requestId: 'R-2', grantId: 'G-2' }));
      await ledger.updateSessionDenial('G-1', {
        status: 'in_force',
        inPolicy: true,
        inForceAt: at(MINUTE),
        sessionHours: 8,
        liftAt: at(8 * HOUR),
      });
      expect(await ledger.findSessionDenials({ liftDueBy: at(8 * HOUR - 1) })).toEqual([]);
      const due = await ledger.findSessionDenials({ liftDueBy: at(8 * HOUR) });
      expect(due.map((d) => d.id)).toEqual(['G-1']);
      expect(due[0]).toMatchObject({
        status: 'in_force',
        inPolicy: true,
        sessionHours: 8,
        inForceAt: at(MINUTE),
      });
      await ledger.updateSessionDenial('G-1', { status: 'lifted', liftedAt: at(8 * HOUR) });
      expect(await ledger.findSessionDenials({ liftDueBy: at(9 * HOUR) })).toEqual([]);
      expect((await ledger.findSessionDenials({ statuses: ['adding'] })).map((d) => d.id)).toEqual(['G-2']);
      expect((await ledger.findSessionDenials({ requestIds: ['R-2'] })).map((d) => d.id)).toEqual(['G-2']);
      expect(await ledger.findSessionDenials({ requestIds: [] })).toEqual([]);
    });
  });

  describe('legacy migrations', () => {
    const migration = (patch: Partial<LegacyMigrationRecord> = {}): LegacyMigrationRecord => ({
      id: 'M-1',
      clickId: 'click-1',
      email: 'bruno.costa@example.com',
      userId: '906751b6f2-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      userName: 'bruno.costa@example.com',
      displayName: 'Bruno Costa',
      slackUserId: 'U_BRUNO',
      iamUserName: 'bruno.costa@example.com',
      startedBy: 'U_ADMIN',
      startedAt: T0,
      confirmBy: at(14 * 24 * HOUR),
      emailedAt: null,
      messageId: null,
      emailFailure: null,
      dm: null,
      confirmedBy: null,
      confirmedAt: null,
      helpAskedBy: null,
      helpAskedAt: null,
      helpToldAt: null,
      removalRequestId: null,
      ...patch,
    });

    it('gives back every field of a migration as it was recorded, and one click or id records one', async () => {
      const full = migration({
        emailedAt: at(MINUTE),
        messageId: 'ses-1',
        emailFailure: 'MessageRejected: not verified',
        dm: { channel: 'D_BRUNO', ts: '1700000000.000100' },
        confirmedBy: 'U_BRUNO',
        confirmedAt: at(HOUR),
        helpAskedBy: 'U_BRUNO',
        helpAskedAt: at(2 * MINUTE),
        helpToldAt: at(3 * MINUTE),
        removalRequestId: 'R-1',
      });
      expect(await ledger.insertLegacyMigration(full)).toBe(true);
      expect(await ledger.getLegacyMigration('M-1')).toEqual(full);
      expect(await ledger.insertLegacyMigration(migration({ id: 'M-2' }))).toBe(false);
      expect(await ledger.insertLegacyMigration(migration({ clickId: 'click-2' }))).toBe(false);
      expect(await ledger.insertLegacyMigration(migration({ id: 'M-3', clickId: null }))).toBe(true);
      expect(await ledger.insertLegacyMigration(migration({ id: 'M-4', clickId: null }))).toBe(true);
      expect(await ledger.getLegacyMigration('M-9')).toBeUndefined();
    });

    it('finds migrations by email (any case), click and whether the email went, oldest first', async () => {
      await ledger.insertLegacyMigration(migration({ id: 'M-2', clickId: 'c-2', startedAt: at(HOUR) }));
      await ledger.insertLegacyMigration(migration({ id: 'M-1', clickId: 'c-1', emailedAt: at(MINUTE) }));
      await ledger.insertLegacyMigration(
        migration({ id: 'M-3', clickId: 'c-3', email: 'kim.leaver@example.com', emailedAt: at(MINUTE) }),
      );
      const ids = (found: LegacyMigrationRecord[]) => found.map((m) => m.id);
      expect(ids(await ledger.findLegacyMigrations({ email: 'Bruno.Costa@example.com' }))).toEqual([
        'M-1',
        'M-2',
      ]);
      expect(ids(await ledger.findLegacyMigrations({ clickId: 'c-2' }))).toEqual(['M-2']);
      expect(ids(await ledger.findLegacyMigrations({ emailed: true }))).toEqual(['M-1', 'M-3']);
      expect(ids(await ledger.findLegacyMigrations({ emailed: false }))).toEqual(['M-2']);
      expect(ids(await ledger.findLegacyMigrations({ limit: 1 }))).toEqual(['M-1']);
    });

    it('sets a field that must still be empty once, however often it is asked', async () => {
      await ledger.insertLegacyMigration(migration());
      const confirm = (by: string) =>
        ledger.updateLegacyMigration('M-1', { confirmedBy: by, confirmedAt: at(HOUR) }, 'confirmedAt');
      expect(await confirm('U_BRUNO')).toBe(true);
      expect(await confirm('U_SOMEONE')).toBe(false);
      const dm = { channel: 'D_BRUNO', ts: '1.0001' };
      expect(await ledger.updateLegacyMigration('M-1', { dm }, 'dm')).toBe(true);
      expect(await ledger.updateLegacyMigration('M-1', { dm: { channel: 'D', ts: '2.0' } }, 'dm')).toBe(
        false,
      );
      expect(await ledger.updateLegacyMigration('M-1', { removalRequestId: 'R-1' })).toBe(true);
      expect(await ledger.updateLegacyMigration('M-9', { removalRequestId: 'R-1' })).toBe(false);
      expect(await ledger.getLegacyMigration('M-1')).toMatchObject({
        confirmedBy: 'U_BRUNO',
        confirmedAt: at(HOUR),
        dm,
        removalRequestId: 'R-1',
        emailedAt: null,
      });
    });

    it('changes a migration inside a transaction only when the transaction commits', async () => {
      await ledger.insertLegacyMigration(migration());
      await expect(
        ledger.transaction(async (tx) => {
          await tx.updateLegacyMigration('M-1', { emailedAt: at(MINUTE), messageId: 'ses-1' }, 'emailedAt');
          throw new Error('crash before the commit');
        }),
      ).rejects.toThrow('crash before the commit');
      expect(await ledger.getLegacyMigration('M-1')).toMatchObject({ emailedAt: null, messageId: null });
    });
  });
});
