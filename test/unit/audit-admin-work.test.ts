import { describe, expect, it } from 'vitest';
import { assignmentsByAdminWork } from '../../src/access/audit/admin-work.js';
import type { RequestRecord } from '../../src/access/ledger.js';

const step = (kind: 'assign' | 'unassign', accountId: string, status: 'done' | 'failed' = 'done') => ({
  id: `${kind}:${accountId}:Developer`,
  kind,
  label: kind,
  status,
  accountId,
  permissionSetArn: 'arn:ps/Developer',
});

const request = (id: string, kind: string, at: number, steps: unknown[]): RequestRecord =>
  ({
    id,
    kind,
    createdAt: new Date(at),
    details: { subject: { userId: 'u-nina' }, steps },
  }) as unknown as RequestRecord;

describe('assignments made by access-desk’s own admin work', () => {
  it('keeps what onboarding assigned, less what a later role change took away, and ignores steps not done', () => {
    const made = assignmentsByAdminWork([
      // Given out of order: the role change came after the onboarding.
      request('R-ROLE', 'role_change', 2000, [step('unassign', 'dev'), step('assign', 'prod', 'failed')]),
      request('R-ONBOARD', 'onboard', 1000, [step('assign', 'dev'), step('assign', 'staging')]),
      request('R-ACCESS', 'access', 500, [step('assign', 'test')]),
    ]);
    expect(made).toEqual([
      {
        userId: 'u-nina',
        accountId: 'staging',
        permissionSetArn: 'arn:ps/Developer',
        requestId: 'R-ONBOARD',
      },
    ]);
  });
});
