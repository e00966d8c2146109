import { describe, expect, it } from 'vitest';
import { extensionSpan } from '../../src/domain/content-checks.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { extendModal } from '../../src/slack/blocks/extend-modal.js';
import {
  adminReasonErrors,
  extendContentErrors,
  extensionFits,
  longestExtension,
  requestContentErrors,
} from '../../src/slack/content-errors.js';
import { BLOCK } from '../../src/slack/ids.js';
import { exampleConfig, PEOPLE } from '../support/access-harness.js';
import { grantRecord, requestView } from '../support/slack-fixtures.js';

const config = exampleConfig();
const now = new Date('2026-12-08T09:00:00Z');
/** SeniorDeveloper on dev for 4h, started now: the example's rules let access last 12h in all. */
const grant = grantRecord({
  requesterSlackId: PEOPLE.sam,
  accountAlias: 'dev',
  accountId: '111111111111',
  startsAt: now,
  endsAt: new Date(now.getTime() + 4 * HOUR),
});

describe('an extension’s length, as the rules judge it', () => {
  it('is the grant’s whole length once extended, and how long it lasts already', () => {
    expect(extensionSpan([grant], 2 * HOUR, now)).toEqual({ durationMs: 6 * HOUR, heldMs: 4 * HOUR });
  });

  it('counts from the earliest start to the latest end over several accounts', () => {
    const later = { startsAt: new Date(now.getTime() + HOUR), endsAt: new Date(now.getTime() + 6 * HOUR) };
    expect(extensionSpan([grant, later], HOUR, now)).toEqual({ durationMs: 7 * HOUR, heldMs: 6 * HOUR });
  });

  it('has none for a grant with no end', () => {
    expect(extensionSpan([{ startsAt: now, endsAt: null }], HOUR, now)).toBeUndefined();
  });

  it('stays the same however late it is asked for: the limit is not counted from now', () => {
    const late = new Date(now.getTime() + 3 * HOUR);
    expect(longestExtension(grant, PEOPLE.sam, config, late)).toBe(8 * HOUR);
  });
});

describe('the Extend form’s content', () => {
  it('is refused on its field, saying by how much the grant can still be extended', () => {
    const errors = extendContentErrors(
      grant,
      PEOPLE.sam,
      { duration: { kind: 'for', ms: 12 * HOUR } },
      config,
      now,
    );
    expect(errors?.[BLOCK.extension]).toContain('you can extend it by up to 8h, not 12h');
    expect(errors?.[BLOCK.extension]).not.toContain('rules[');
  });

  it('fits up to the limit and not a minute more', () => {
    expect(extensionFits(grant, PEOPLE.sam, 8 * HOUR, config, now)).toBe(true);
    expect(extensionFits(grant, PEOPLE.sam, 8 * HOUR + MINUTE, config, now)).toBe(false);
    expect(longestExtension(grant, PEOPLE.sam, config, now)).toBe(8 * HOUR);
  });

  it('offers only what fits, and the longest allowed when it is not a usual choice', () => {
    const longest = 7 * HOUR + 30 * MINUTE;
    const modal = extendModal(requestView({ status: 'active' }), grant, {
      fits: (ms) => ms <= longest,
      longestMs: longest,
    });
    const text = JSON.stringify(modal);
    const picker = (
      modal.blocks as { block_id?: string; element?: { options?: { value: string }[] } }[]
    ).find((b) => b.block_id === BLOCK.extension);
    const values = picker?.element?.options?.map((o) => o.value);
    expect(values).toEqual(['30m', '1h', '2h', '4h', '450m']);
    expect(text).toContain('7h 30m (the most allowed)');
    expect(text).toContain('you can extend it by up to *7h 30m*');
  });

  it('offers nothing, and says why, when the grant already lasts as long as allowed', () => {
    const modal = extendModal(requestView({ status: 'active' }), grant, { fits: () => false, longestMs: 0 });
    expect(modal.submit).toBeUndefined();
    expect(JSON.stringify(modal)).toContain('cannot be extended');
  });
});

describe('the request form’s content', () => {
  it('is refused on the duration when it is longer than the rules allow, in words', () => {
    const errors = requestContentErrors(
      {
        requesterSlackId: PEOPLE.sam,
        permissionSet: 'SeniorDeveloper',
        accounts: ['dev'],
        duration: { kind: 'for', ms: 13 * HOUR },
        reason: 'a long job',
      },
      config,
    );
    expect(errors?.[BLOCK.duration]).toContain('at most 12h');
    expect(errors?.[BLOCK.duration]).not.toContain('rules[');
  });

  it('is refused on the reason when the rules need one', () => {
    const errors = requestContentErrors(
      {
        requesterSlackId: PEOPLE.sam,
        permissionSet: 'SeniorDeveloper',
        accounts: ['prod'],
        duration: { kind: 'for', ms: HOUR },
      },
      config,
    );
    expect(Object.keys(errors ?? {})).toEqual([BLOCK.reason]);
  });

  it('leaves an admin form’s empty reason alone unless a rule needs one for every such work', () => {
    expect(adminReasonErrors('role_change', '', config)).toBeUndefined();
    const strict = exampleConfig((y) =>
      y.replace(/^rules:\n/m, 'rules:\n  - match: { kinds: [role_change] }\n    requireReason: true\n'),
    );
    expect(adminReasonErrors('role_change', ' ', strict)?.[BLOCK.reason]).toContain('needs a reason');
    expect(adminReasonErrors('role_change', 'promotion', strict)).toBeUndefined();
  });
});
