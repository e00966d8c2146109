/**
 * The account picker of the request form matches an account's name from the config (`accountNames`) as well as
 * its alias and id, through the real Bolt app: what a person types in the form's Accounts field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { blockSuggestionBody, postToSlackEvents } from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Options {
  options?: { value: string; text: { text: string }; description?: { text: string } }[];
  option_groups?: { label: { text: string }; options: { value: string }[] }[];
}

async function typed(harness: DeskHarness, value: string): Promise<Options> {
  const answer = await postToSlackEvents(
    harness.target,
    blockSuggestionBody({
      actionId: ACTION.pickAccounts,
      blockId: BLOCK.accounts,
      value,
      userId: PEOPLE.sam,
    }),
  );
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body) as Options;
}

const values = (o: Options): string[] =>
  (o.options ?? o.option_groups?.flatMap((g) => g.options) ?? []).map((x) => x.value);

describe('the account picker', () => {
  it('finds an account by the name the config gives it, and shows that name under the alias', async () => {
    h = await startDesk();
    const found = await typed(h, 'payments');
    expect(values(found)).toEqual(['prod']);
    expect(found.options?.[0]?.description?.text).toBe('Payments production');
  });

  it('finds an account by its alias and by its id as well', async () => {
    h = await startDesk();
    expect(values(await typed(h, 'stag'))).toEqual(['staging']);
    expect(values(await typed(h, '3333'))).toEqual(['prod']);
  });

  it('refuses to start with a name for an account the config does not have, naming it', async () => {
    await expect(
      startDesk({
        editConfig: (yaml) => yaml.replace('  prod: Payments production', '  prd: Payments production'),
      }),
    ).rejects.toThrow(/accountNames\.prd: unknown account "prd"/);
  });
});
