import { describe, expect, it } from 'vitest';
import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { silentLogger } from '../../src/log.js';
import { send, type CallContext } from '../../src/aws/call.js';
import { isAwsError, safeAwsMessage, toFailure, validationField } from '../../src/aws/errors.js';
import { AwsLimiter, awsRateLimits, type LimiterClock } from '../../src/aws/limiter.js';

const meta = { $metadata: { httpStatusCode: 400 } };

function context(maxAttempts = 4): CallContext & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  const clock: LimiterClock = {
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return {
    limiter: new AwsLimiter({ ...awsRateLimits, identityStorePerSecondPerApi: 1_000 }, clock),
    clock,
    retry: { maxAttempts, baseDelayMs: 100, maxDelayMs: 1_000 },
    logger: silentLogger,
    random: () => 1,
    slept,
  };
}

const throttled = () => new ThrottlingException({ message: 'Rate exceeded', ...meta });
const internal = () => new InternalServerException({ message: 'boom', $metadata: { httpStatusCode: 500 } });

describe('toFailure', () => {
  it('names the field AWS found wrong in a ValidationException', () => {
    const error = new ValidationException({
      message: "1 validation error detected: Value 'x y' at 'userName' failed to satisfy constraint: pattern",
      ...meta,
    });
    expect(toFailure(error, { operation: 'CreateUser' })).toMatchObject({
      code: 'invalid_input',
      field: 'userName',
    });
  });

  it('says what was not found when AWS names the resource type and id', () => {
    const error = new ResourceNotFoundException({
      message: 'User not found.',
      ResourceType: 'USER',
      ResourceId: 'u-123',
      ...meta,
    });
    const failure = toFailure(error, { operation: 'DescribeUser' });
    expect(failure).toMatchObject({ code: 'not_found', resource: 'USER u-123' });
    expect(failure.message).toContain('user u-123');
  });

  it('adds the management-account hint to access denied', () => {
    const failure = toFailure(new AccessDeniedException({ message: 'not authorized', ...meta }), {
      operation: 'CreateAccountAssignment',
    });
    expect(failure.code).toBe('access_denied');
    expect(failure.message).toMatch(/credentials/);
    expect(failure.message).toMatch(/management account/);
    expect(failure.message).toMatch(/delegated administrator/);
  });

  it('speaks of the management account only for assignment work', () => {
    const failure = toFailure(new AccessDeniedException({ message: 'not authorized', ...meta }), {
      operation: 'DeleteAccessKey',
    });
    expect(failure.message).toMatch(/credentials/);
    expect(failure.message).not.toMatch(/management account/);
  });

  it('maps IAM NoSuchEntity to not_found and a conflict to conflict', () => {
    expect(
      toFailure(new NoSuchEntityException({ message: 'no', ...meta }), { operation: 'GetUser' }).code,
    ).toBe('not_found');
    expect(
      toFailure(new ConflictException({ message: 'busy', ...meta }), { operation: 'UpdateUser' }).code,
    ).toBe('conflict');
  });

  it('keeps anything else as aws_error with the AWS error name and message', () => {
    const failure = toFailure(internal(), { operation: 'ListUsers' });
    expect(failure).toMatchObject({ code: 'aws_error' });
    expect(failure.message).toContain('InternalServerException');
    expect(failure.message).toContain('boom');
  });
});

describe('AWS messages', () => {
  it('never carry a signature or credential scope', () => {
    const message = safeAwsMessage(
      'The request signature we calculated does not match. Credential=AKIAEXAMPLE/20260101/eu-west-1/sso, Signature=abcdef0123 The Canonical String for this request should have been POST / secret',
    );
    expect(message).not.toContain('AKIAEXAMPLE');
    expect(message).not.toContain('abcdef0123');
    expect(message).not.toContain('Canonical');
  });

  it('give the first member named in a validation message', () => {
    expect(validationField("Value null at 'identityStoreId' failed; Value '' at 'userName' failed")).toBe(
      'identityStoreId',
    );
    expect(validationField('nothing here')).toBeUndefined();
  });

  it('count missing credentials as an AWS failure to act on, not a bug', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
      tryNextLink: false,
    });
    expect(isAwsError(missing)).toBe(true);
    const failure = toFailure(missing, { operation: 'ListInstances' });
    expect(failure.code).toBe('aws_error');
    expect(failure.message).toMatch(/^No AWS credentials for ListInstances: .*Could not load credentials/);
    expect(failure.message).toContain('AWS_PROFILE');
  });

  it('are told apart from bugs: a TypeError is not an AWS error', () => {
    expect(isAwsError(new TypeError('x is undefined'))).toBe(false);
    expect(isAwsError(throttled())).toBe(true);
  });
});

describe('send', () => {
  const spec = { service: 'identitystore' as const, operation: 'GetUserId', safeToRetry: true };

  it('retries throttling with growing waits and returns the answer', async () => {
    const ctx = context();
    let calls = 0;
    const sent = await send(ctx, spec, () => {
      calls += 1;
      return calls < 3 ? Promise.reject(throttled()) : Promise.resolve('found');
    });
    expect(sent).toEqual({ ok: true, value: 'found' });
    expect(ctx.slept).toEqual([100, 200]);
    expect(ctx.limiter.stats().throttled).toBe(2);
  });

  it('turns throttling that outlasts every attempt into throttled', async () => {
    const ctx = context(3);
    const sent = await send(ctx, spec, () => Promise.reject(throttled()));
    expect(sent.ok).toBe(false);
    if (!sent.ok) {
      expect(sent.failure.code).toBe('throttled');
      expect(sent.failure.message).toContain('after 3 attempts');
    }
  });

  it('retries a server error only when the call is safe to repeat', async () => {
    const ctx = context();
    let safeCalls = 0;
    await send(ctx, spec, () => {
      safeCalls += 1;
      return safeCalls === 1 ? Promise.reject(internal()) : Promise.resolve(1);
    });
    expect(safeCalls).toBe(2);

    let unsafeCalls = 0;
    const sent = await send(ctx, { ...spec, operation: 'CreateUser', safeToRetry: false }, () => {
      unsafeCalls += 1;
      return Promise.reject(internal());
    });
    expect(unsafeCalls).toBe(1);
    expect(sent.ok).toBe(false);
  });

  it('does not retry what AWS refused for a reason', async () => {
    const ctx = context();
    let calls = 0;
    const sent = await send(ctx, spec, () => {
      calls += 1;
      return Promise.reject(new ConflictException({ message: 'exists', ...meta }));
    });
    expect(calls).toBe(1);
    expect(sent.ok ? undefined : sent.name).toBe('ConflictException');
  });

  it('lets a bug through as a thrown error', async () => {
    const ctx = context();
    await expect(send(ctx, spec, () => Promise.reject(new TypeError('oops')))).rejects.toThrow(TypeError);
  });
});
