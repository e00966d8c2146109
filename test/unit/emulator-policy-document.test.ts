/**
 * The emulator's check of an inline policy's size, which the API's model bound (10,240 characters in the stored
 * model; 32,768 in AWS's current one) may reach first: only non-whitespace counts against the quota.
 */
import { describe, expect, it } from 'vitest';
import { checkPolicyDocument, policySizeProblem } from '../../src/emulator/policy-document.js';

/** A valid policy of about `chars` non-whitespace characters, with `spaces` spaces between its actions. */
function policyOf(chars: number, spaces: number): string {
  const actions: string[] = [];
  let size = 60;
  while (size < chars) {
    const action = `s3:GetObjectNumber${actions.length}`;
    actions.push(action);
    size += action.length + 3;
  }
  const gap = ' '.repeat(Math.ceil(spaces / Math.max(actions.length, 1)));
  return `{"Statement":[{"Effect":"Allow","Resource":"*","Action":[${actions.map((a) => `"${a}"`).join(`,${gap}`)}]}]}`;
}

describe('the size of an inline policy', () => {
  it('does not count whitespace against the 10,240-character quota', () => {
    const policy = policyOf(10_000, 5_000);
    expect(policy.length).toBeGreaterThan(10_240);
    expect(checkPolicyDocument(policy).ok).toBe(true);
  });

  it('refuses more than 10,240 non-whitespace characters, in AWS’s words', () => {
    expect(policySizeProblem(policyOf(10_300, 0))).toMatch(
      /^Current size of the non-whitespace characters present in the InlinePolicy Document is \d+ bytes which has exceeded the maximum limit of 10240 bytes$/,
    );
  });

  it('refuses more than 32,768 bytes, whitespace included', () => {
    expect(policySizeProblem(policyOf(1_000, 40_000))).toMatch(/exceeded the maximum limit of 32768 bytes$/);
  });
});
