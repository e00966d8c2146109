import type { ServiceName } from '../faults.js';
import type { ServiceModel } from '../model-types.js';
import type { AwsServiceError } from '../errors.js';

export interface WireError {
  /** The error code on the wire (`NoSuchEntity` for IAM's NoSuchEntityException). */
  code: string;
  /** The shape name in the model, for JSON's `__type`. */
  shape: string;
  status: number;
  message: string;
  /** The member that carries the message in this error's shape (`Message` or `message`). */
  messageMember: string;
  fields: Record<string, unknown>;
  senderFault: boolean;
}

/**
 * Handlers and the framework speak one vocabulary of errors (ValidationException, ThrottlingException,
 * InternalServerException, AccessDeniedException); each service names them its own way on the wire.
 */
const PER_SERVICE: Partial<Record<ServiceName, Record<string, { code: string; status: number }>>> = {
  iam: {
    ValidationException: { code: 'ValidationError', status: 400 },
    ThrottlingException: { code: 'Throttling', status: 400 },
    InternalServerException: { code: 'ServiceFailure', status: 500 },
    AccessDeniedException: { code: 'AccessDenied', status: 403 },
  },
  sesv2: {
    ValidationException: { code: 'BadRequestException', status: 400 },
    ThrottlingException: { code: 'TooManyRequestsException', status: 429 },
    InternalServerException: { code: 'InternalFailure', status: 500 },
    AccessDeniedException: { code: 'AccessDeniedException', status: 403 },
  },
};

export function toWireError(service: ServiceName, model: ServiceModel, error: AwsServiceError): WireError {
  const renamed = PER_SERVICE[service]?.[error.code];
  const shapeName = renamed?.code ?? error.code;
  const shape = model.shapes[shapeName];
  const code = shape?.error?.code ?? shapeName;
  const status = shape?.error?.httpStatusCode ?? renamed?.status ?? error.status;
  const members = shape?.members ?? {};
  const messageMember = 'Message' in members ? 'Message' : 'message';
  return {
    code,
    shape: shapeName,
    status,
    message: error.message,
    messageMember,
    fields: error.fields,
    senderFault: status < 500,
  };
}
