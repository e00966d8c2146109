import { randomBytes, randomUUID } from 'node:crypto';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const upper = (n: number): string => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');

/** Identifiers shaped like AWS's, so that code (and the validator) sees what it would see in AWS. */
export const ids = {
  identityStoreId: (): string => `d-${hex(5)}`,
  /** identitystore user, group and membership ids: `<10 hex>-<uuid>`, the prefix from the store. */
  directoryObjectId: (identityStoreId: string): string => `${identityStoreId.slice(2, 12)}-${randomUUID()}`,
  instanceArn: (): string => `arn:aws:sso:::instance/ssoins-${hex(8)}`,
  permissionSetArn: (instanceArn: string): string =>
    `arn:aws:sso:::permissionSet/${instanceArn.split('/')[1]}/ps-${hex(8)}`,
  accountId: (): string => Array.from(randomBytes(12), (b) => String(b % 10)).join(''),
  requestId: (): string => randomUUID(),
  iamUserId: (): string => `AIDA${upper(17)}`,
  accessKeyId: (): string => `AKIA${upper(16)}`,
  sshKeyId: (): string => `APKA${upper(17)}`,
  signingCertificateId: (): string => upper(32),
  serviceCredentialId: (): string => `ACCA${upper(17)}`,
  messageId: (): string => `0100${hex(8)}-${randomUUID()}-000000`,
};
