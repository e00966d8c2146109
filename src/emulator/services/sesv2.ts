/**
 * SES v2, as far as access-desk uses it: SendEmail (Simple content only) into the emulator's mailbox,
 * GetAccount and GetEmailIdentity. The account is out of the sandbox (production access), so any recipient
 * is accepted; the sender must be a verified identity, as in SES.
 */
import { AwsServiceError } from '../errors.js';
import type { EmulatorState, SentEmail } from '../state.js';
import { ids } from '../ids.js';
import type { OperationContext, ServiceHandlers } from './types.js';

/** SES's own limits on one message and on the account. */
const MAX_RECIPIENTS = 50;
const MAX_24_HOUR_SEND = 50_000;
const MAX_SEND_RATE = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The region named in messages when the framework does not say which one the request was signed for. */
const DEFAULT_REGION = 'us-east-1';

const badRequest = (message: string): AwsServiceError => new AwsServiceError('BadRequestException', message);

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function contentData(value: unknown): string | undefined {
  const data = record(value)?.Data;
  return typeof data === 'string' ? data : undefined;
}

/** The region of the request, if the framework passes one (from the SigV4 credential scope). */
function regionOf(ctx: OperationContext): string {
  const region = 'region' in ctx ? ctx.region : undefined;
  return typeof region === 'string' && region !== '' ? region : DEFAULT_REGION;
}

/**
 * The mailbox part of an address: `a@example.com`, or the part in angle brackets of
 * `"Display Name" <a@example.com>`. SES refuses an address without a domain.
 */
export function mailboxAddress(address: string): string {
  const trimmed = address.trim();
  const angled = /<([^<>]*)>\s*$/.exec(trimmed);
  const bare = (angled?.[1] ?? trimmed).trim();
  const at = bare.lastIndexOf('@');
  if (at <= 0 || at === bare.length - 1) throw badRequest(`Missing final '@domain': ${address}`);
  if (/\s/.test(bare)) throw badRequest(`Illegal address: ${address}`);
  return bare;
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
/** An address as SES compares it: the local part as given, the domain in lower case. */
const normalAddress = (address: string): string =>
  `${address.slice(0, address.lastIndexOf('@'))}@${domainOf(address)}`;

/** The verified identity, if any, that lets `address` send: the address itself, its domain or a parent domain. */
function verifyingIdentity(state: EmulatorState, address: string): string | undefined {
  const wanted = normalAddress(address);
  for (const identity of state.verifiedIdentities) {
    if (identity.includes('@') && normalAddress(identity) === wanted) return identity;
  }
  const labels = domainOf(address).split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const domain = labels.slice(i).join('.');
    for (const identity of state.verifiedIdentities) {
      if (!identity.includes('@') && identity.toLowerCase() === domain) return identity;
    }
  }
  return undefined;
}

/** Recipients counted over the last 24 hours, the way SES counts its sending quota. */
function sentLast24Hours(state: EmulatorState): number {
  const since = state.clock.now() - DAY_MS;
  return state.mailbox
    .filter((m) => m.sentAt.getTime() > since)
    .reduce((n, m) => n + m.to.length + m.cc.length + m.bcc.length, 0);
}

export const sesv2Handlers: ServiceHandlers = {
  SendEmail(input, ctx) {
    const { state } = ctx;
    const content = record(input.Content) ?? {};
    if (content.Raw !== undefined || content.Template !== undefined) {
      throw badRequest('Only Simple content is emulated: Raw and Template messages are not supported.');
    }
    const simple = record(content.Simple);
    if (simple === undefined) throw badRequest('Content must contain Simple, Raw or Template.');
    const subject = contentData(simple.Subject) ?? '';
    const body = record(simple.Body) ?? {};
    const text = contentData(body.Text);
    const html = contentData(body.Html);
    if (text === undefined && html === undefined) throw badRequest('Message body must contain Text or Html.');

    const fromGiven = input.FromEmailAddress;
    if (typeof fromGiven !== 'string' || fromGiven.trim() === '') {
      throw badRequest('FromEmailAddress is required for Simple content.');
    }
    const from = mailboxAddress(fromGiven);

    const destination = record(input.Destination) ?? {};
    const to = stringList(destination.ToAddresses);
    const cc = stringList(destination.CcAddresses);
    const bcc = stringList(destination.BccAddresses);
    const replyTo = stringList(input.ReplyToAddresses);
    const recipients = to.length + cc.length + bcc.length;
    if (recipients === 0) throw badRequest('The message must have at least one recipient.');
    if (recipients > MAX_RECIPIENTS) throw badRequest(`Recipient count exceeds ${MAX_RECIPIENTS}.`);
    for (const address of [...to, ...cc, ...bcc, ...replyTo]) mailboxAddress(address);

    if (verifyingIdentity(state, from) === undefined) {
      throw new AwsServiceError(
        'MessageRejected',
        `Email address is not verified. The following identities failed the check in region ${regionOf(ctx).toUpperCase()}: ${from}`,
      );
    }
    if (sentLast24Hours(state) + recipients > MAX_24_HOUR_SEND) {
      throw new AwsServiceError('LimitExceededException', 'Daily message quota exceeded.');
    }

    const message: SentEmail = {
      MessageId: ids.messageId(),
      from: fromGiven.trim(),
      to,
      cc,
      bcc,
      replyTo,
      subject,
      sentAt: state.now(),
    };
    if (text !== undefined) message.text = text;
    if (html !== undefined) message.html = html;
    state.mailbox.push(message);
    return { MessageId: message.MessageId };
  },

  GetAccount(_input, { state }) {
    return {
      DedicatedIpAutoWarmupEnabled: false,
      EnforcementStatus: 'HEALTHY',
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      SendQuota: {
        Max24HourSend: MAX_24_HOUR_SEND,
        MaxSendRate: MAX_SEND_RATE,
        SentLast24Hours: sentLast24Hours(state),
      },
      SuppressionAttributes: { SuppressedReasons: [] },
    };
  },

  GetEmailIdentity(input, { state }) {
    const wanted = typeof input.EmailIdentity === 'string' ? input.EmailIdentity : '';
    const isAddress = wanted.includes('@');
    const identity = [...state.verifiedIdentities].find((candidate) =>
      isAddress
        ? candidate.includes('@') && normalAddress(candidate) === normalAddress(wanted)
        : !candidate.includes('@') && candidate.toLowerCase() === wanted.toLowerCase(),
    );
    if (identity === undefined) {
      throw new AwsServiceError('NotFoundException', `Email identity ${wanted} does not exist.`);
    }
    return {
      IdentityType: isAddress ? 'EMAIL_ADDRESS' : 'DOMAIN',
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: true,
      VerificationStatus: 'SUCCESS',
      DkimAttributes: isAddress
        ? { SigningEnabled: false, Status: 'NOT_STARTED', Tokens: [] }
        : {
            SigningEnabled: true,
            Status: 'SUCCESS',
            SigningAttributesOrigin: 'AWS_SES',
            CurrentSigningKeyLength: 'RSA_2048_BIT',
            NextSigningKeyLength: 'RSA_2048_BIT',
            Tokens: [],
          },
      Policies: {},
      Tags: [],
    };
  },
};
