/**
 * docs/iam-policy.json against the code: every SDK command built in src/aws has its IAM action in the policy,
 * and the policy grants nothing the code does not call, beyond the role and SAML-provider actions Identity
 * Center needs to provision a permission set in an account.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const awsDir = join(root, 'src', 'aws');

/** The SDK client package → its IAM action prefix. */
const PREFIX: Record<string, string> = {
  'client-identitystore': 'identitystore',
  'client-sso-admin': 'sso',
  'client-sesv2': 'ses',
  'client-iam': 'iam',
};

const PROVISIONING_SID = 'IdentityCenterProvisionsRoles';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
}

function policy(): { Version: string; Statement: Statement[] } {
  return JSON.parse(readFileSync(join(root, 'docs', 'iam-policy.json'), 'utf8')) as {
    Version: string;
    Statement: Statement[];
  };
}

/** `iam:DeleteUser` for every `new DeleteUserCommand(` in a file importing it from @aws-sdk/client-iam. */
function actionsCalled(): Set<string> {
  const actions = new Set<string>();
  for (const file of readdirSync(awsDir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(awsDir, file), 'utf8');
    const from = new Map<string, string>();
    for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z0-9-]+)'/g)) {
      const prefix = PREFIX[m[2] ?? ''];
      if (prefix === undefined) throw new Error(`${file}: no IAM prefix known for @aws-sdk/${m[2]}`);
      for (const name of (m[1] ?? '').split(',')) {
        const bare = name.trim().replace(/^type\s+/, '');
        if (bare.endsWith('Command')) from.set(bare, prefix);
      }
    }
    for (const m of source.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\(/g)) {
      const command = `${m[1]}Command`;
      const prefix = from.get(command);
      if (prefix === undefined)
        throw new Error(`${file}: ${command} is not imported from an @aws-sdk client`);
      actions.add(`${prefix}:${m[1]}`);
    }
  }
  return actions;
}

describe('docs/iam-policy.json', () => {
  it('is an Allow-only policy document', () => {
    const doc = policy();
    expect(doc.Version).toBe('2012-10-17');
    for (const s of doc.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const action of s.Action) expect(action).toMatch(/^(sso|identitystore|ses|iam):[A-Z][A-Za-z]+$/);
    }
  });

  it('grants every action the AWS adapter calls', () => {
    const called = actionsCalled();
    expect(called.size).toBeGreaterThan(30);
    expect(called).toContain('sso:CreateAccountAssignment');
    expect(called).toContain('identitystore:DeleteUser');
    expect(called).toContain('iam:DeleteUser');
    const granted = new Set(policy().Statement.flatMap((s) => s.Action));
    const missing = [...called].filter((a) => !granted.has(a)).sort();
    expect(missing).toEqual([]);
  });

  it('grants nothing else, except what Identity Center needs to provision roles', () => {
    const called = actionsCalled();
    const extra = policy()
      .Statement.filter((s) => s.Sid !== PROVISIONING_SID)
      .flatMap((s) => s.Action)
      .filter((a) => !called.has(a));
    expect(extra).toEqual([]);
    const provisioning = policy().Statement.find((s) => s.Sid === PROVISIONING_SID);
    expect(provisioning?.Resource).toEqual([
      'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*',
      'arn:aws:iam::*:saml-provider/AWSSSO_*',
    ]);
  });
});
