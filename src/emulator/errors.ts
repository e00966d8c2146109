/**
 * An error as an AWS service answers it. The protocol layer encodes it the way the service does
 * (JSON `__type`, REST-JSON `x-amzn-ErrorType`, Query `<Error><Code>`), so the SDK raises the right class.
 */
export class AwsServiceError extends Error {
  constructor(
    /** The error shape's name in the model, e.g. `ResourceNotFoundException`, `NoSuchEntityException`. */
    readonly code: string,
    message: string,
    /** Extra members of the error shape, e.g. `{ ResourceType: 'USER', ResourceId: '…' }`. */
    readonly fields: Record<string, unknown> = {},
    /** HTTP status; the model's `error.httpStatusCode` wins when the shape has one. */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export interface ValidationProblem {
  /** The member's path as AWS names it: `userName`, `filters.1.member.attributePath`. */
  path: string;
  /** The offending value, or undefined for a missing one. */
  value: unknown;
  constraint: string;
  sensitive?: boolean;
}

function showValue(problem: ValidationProblem): string {
  if (problem.value === undefined || problem.value === null) return 'Value null';
  if (problem.sensitive) return 'Value';
  const text = typeof problem.value === 'string' ? problem.value : JSON.stringify(problem.value);
  return `Value '${text.length > 200 ? `${text.slice(0, 200)}…` : text}'`;
}

/** The message AWS gives a request that breaks its contract, naming every member at fault. */
export function validationMessage(problems: ValidationProblem[]): string {
  const head = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: `;
  return (
    head +
    problems
      .map((p) => `${showValue(p)} at '${p.path}' failed to satisfy constraint: ${p.constraint}`)
      .join('; ')
  );
}

export function validationError(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

/**
 * identitystore names the resource type in ResourceNotFoundException (sso-admin errors carry only a message), and
 * its message is that type as the enum spells it: `USER not found.`, `GROUP not found.`.
 */
export function resourceNotFound(
  resourceType: string,
  resourceId: string,
  message?: string,
): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', message ?? `${resourceType} not found.`, {
    ResourceType: resourceType,
    ResourceId: resourceId,
  });
}

export function conflict(
  message: string,
  reason?: 'UNIQUENESS_CONSTRAINT_VIOLATION' | 'CONCURRENT_MODIFICATION',
) {
  return new AwsServiceError('ConflictException', message, reason ? { Reason: reason } : {});
}

export function accessDenied(message: string): AwsServiceError {
  return new AwsServiceError('AccessDeniedException', message);
}

export function throttling(message = 'Rate exceeded'): AwsServiceError {
  return new AwsServiceError('ThrottlingException', message, {}, 400);
}

export function internalError(message = 'An internal error occurred.'): AwsServiceError {
  return new AwsServiceError('InternalServerException', message, {}, 500);
}
