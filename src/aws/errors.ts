/**
 * From what the SDK throws to an AwsFailure a person can act on. Errors that are not AWS's answers
 * (a TypeError, say) are bugs: `isAwsError` says no and the caller rethrows them.
 */
import type { AwsFailure, AwsFailureCode } from '../access/ports.js';

/** What every SDK service exception carries; network errors carry a `code` instead. */
interface SdkErrorLike {
  name: string;
  message: string;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  ResourceType?: unknown;
  ResourceId?: unknown;
  RetryAfterSeconds?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const TRANSIENT_NAMES = new Set([
  'InternalServerException',
  'InternalFailure',
  'ServiceFailure',
  'ServiceFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

function asSdkError(error: unknown): SdkErrorLike | undefined {
  if (!(error instanceof Error)) return undefined;
  return error;
}

function isNetworkError(e: SdkErrorLike): boolean {
  return (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) || e.name === 'TimeoutError';
}

/**
 * The SDK's default credential chain found no credentials, or an SSO session's token has expired: no
 * request was sent. The SDK throws these before any call, with neither `$metadata` nor `$fault`.
 */
function isCredentialsError(e: SdkErrorLike): boolean {
  return e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError';
}

/** An answer from AWS (or a failure to reach it, or to have credentials for it), as opposed to a bug in our code. */
export function isAwsError(error: unknown): boolean {
  const e = asSdkError(error);
  return (
    e !== undefined &&
    (e.$metadata !== undefined || e.$fault !== undefined || isNetworkError(e) || isCredentialsError(e))
  );
}

/** The error's name as AWS gives it (`ConflictException`, `NoSuchEntityException`), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  return isAwsError(error) ? asSdkError(error)?.name : undefined;
}

export function isThrottling(error: unknown): boolean {
  const e = asSdkError(error);
  if (e === undefined || !isAwsError(error)) return false;
  return THROTTLING_NAMES.has(e.name) || e.$metadata?.httpStatusCode === 429;
}

/** Failures that say nothing about the request itself: worth another try when the call is safe to repeat. */
export function isTransient(error: unknown): boolean {
  const e = asSdkError(error);
  if (e === undefined || !isAwsError(error)) return false;
  if (isNetworkError(e) || TRANSIENT_NAMES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/** The ResourceType of a ResourceNotFoundException (identitystore names it: USER, GROUP, IDENTITY_STORE, …). */
export function notFoundResourceType(error: unknown): string | undefined {
  const type = asSdkError(error)?.ResourceType;
  return typeof type === 'string' ? type : undefined;
}

/** AWS's own hint for how long to wait, in milliseconds. */
export function retryAfterMs(error: unknown): number | undefined {
  const seconds = asSdkError(error)?.RetryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : undefined;
}

const CREDENTIALS_HINT = "Check that the bot's AWS credentials (its IAM role or user) allow this action.";
const MANAGEMENT_ACCOUNT_HINT =
  "Assignments in the organisation's management account must be made from the management account itself, " +
  'not from a delegated administrator account.';

/** The hint for access denied: assignment work may also be refused for being in the management account. */
function accessDeniedHint(operation: string): string {
  return /AccountAssignment/.test(operation)
    ? `${CREDENTIALS_HINT} ${MANAGEMENT_ACCOUNT_HINT}`
    : CREDENTIALS_HINT;
}

/** AWS's message without anything that could carry a credential or a signature, and not too long. */
export function safeAwsMessage(message: string): string {
  const cut = message.split(/The Canonical String|The String-to-Sign/)[0] ?? '';
  const cleaned = cut
    .replace(/(Credential|Signature|X-Amz-Security-Token|SessionToken)=[^\s,&]+/gi, '$1=[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 297)}…` : cleaned;
}

/** The member AWS names in a validation message: `… at 'userName' failed to satisfy …`. */
export function validationField(message: string): string | undefined {
  return /\bat '([^']+)'/.exec(message)?.[1];
}

export function failure(
  code: AwsFailureCode,
  message: string,
  extra: Omit<AwsFailure, 'code' | 'message'> = {},
) {
  return { code, message, ...extra } satisfies AwsFailure;
}

export interface FailureContext {
  /** The AWS operation, e.g. `CreateUser`. */
  operation: string;
  /** What the call was about, for the message and the failure's `resource`. */
  resource?: string;
  /** How many attempts were made (for a throttled call). */
  attempts?: number;
}

/** The failure for an AWS error that the calling module did not handle itself. */
export function toFailure(error: unknown, context: FailureContext): AwsFailure {
  const e = asSdkError(error);
  const name = e?.name ?? 'Error';
  const awsMessage = safeAwsMessage(e?.message ?? String(error));
  const about = context.resource !== undefined ? { resource: context.resource } : {};
  const said = awsMessage === '' ? '' : ` AWS said: ${awsMessage}`;

  if (isThrottling(error)) {
    const times = context.attempts !== undefined ? ` after ${context.attempts} attempts` : '';
    return failure(
      'throttled',
      `AWS kept throttling ${context.operation}${times}; too many requests at once. Try again in a minute.`,
      about,
    );
  }
  if (e !== undefined && isCredentialsError(e)) {
    return failure(
      'aws_error',
      `No AWS credentials for ${context.operation}: the default credential chain found none that work (${awsMessage}). Give the bot an IAM role, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
      about,
    );
  }
  if (e !== undefined && isNetworkError(e)) {
    return failure(
      'aws_error',
      `Could not reach AWS for ${context.operation} (${typeof e.code === 'string' ? e.code : name}); check the network and the AWS endpoint, then try again.`,
      about,
    );
  }
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnauthorizedException':
      return failure(
        'access_denied',
        `AWS refused ${context.operation}.${said} ${accessDeniedHint(context.operation)}`,
        about,
      );
    case 'ResourceNotFoundException':
    case 'NoSuchEntityException':
    case 'NoSuchEntity':
    case 'NotFoundException': {
      const type = typeof e?.ResourceType === 'string' ? e.ResourceType : undefined;
      const id = typeof e?.ResourceId === 'string' ? e.ResourceId : undefined;
      const what =
        type !== undefined
          ? `${type.toLowerCase().replace(/_/g, ' ')}${id !== undefined ? ` ${id}` : ''}`
          : undefined;
      const resource = type !== undefined ? `${type}${id !== undefined ? ` ${id}` : ''}` : context.resource;
      return failure(
        'not_found',
        what !== undefined
          ? `AWS has no ${what} (${context.operation}).`
          : `AWS found nothing for ${context.operation}${context.resource !== undefined ? ` on ${context.resource}` : ''}.${said}`,
        resource !== undefined ? { resource } : {},
      );
    }
    case 'ValidationException':
    case 'InvalidInputException':
    case 'InvalidInput':
    case 'BadRequestException': {
      const field = validationField(awsMessage);
      return failure(
        'invalid_input',
        `AWS rejected ${context.operation}${field !== undefined ? `: ${field} is not valid` : ''}.${said}`,
        { ...about, ...(field !== undefined ? { field } : {}) },
      );
    }
    case 'ConflictException':
    case 'ConcurrentModificationException':
    case 'DeleteConflictException':
    case 'EntityTemporarilyUnmodifiableException':
      return failure(
        'conflict',
        `AWS could not do ${context.operation} now because of another change to the same thing.${said} Try again shortly.`,
        about,
      );
    default:
      return failure('aws_error', `AWS failed ${context.operation} (${name}).${said}`, about);
  }
}
