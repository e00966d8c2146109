import type { ServiceModel } from '../model-types.js';
import type { AuthFailure, AuthRefusal } from '../signing.js';
import { queryErrorResponse } from './query.js';

/** How a request that failed authentication is answered: the protocol of the API it was sent to. */
export type AuthProtocol = 'json' | 'rest-json' | 'query';

export interface AuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Each protocol names the same four failures its own way. The JSON 1.1 services (identitystore, sso-admin) answer
 * as Coral does: 400 and `com.amazon.coral.service#…Exception`. SES v2 (REST-JSON) answers as AWS's REST front
 * door does: 403, the name in `x-amzn-ErrorType`, and "Missing Authentication Token" for an unsigned request. IAM
 * (Query) answers XML with its own codes (MissingAuthenticationToken, IncompleteSignature, SignatureDoesNotMatch,
 * InvalidClientTokenId), all 403 but IncompleteSignature.
 */
const WIRE: Record<AuthProtocol, Record<AuthFailure, { code: string; status: number }>> = {
  json: {
    MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', status: 400 },
    IncompleteSignature: { code: 'IncompleteSignatureException', status: 400 },
    InvalidSignature: { code: 'InvalidSignatureException', status: 400 },
    UnrecognizedClient: { code: 'UnrecognizedClientException', status: 400 },
  },
  'rest-json': {
    MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', status: 403 },
    IncompleteSignature: { code: 'IncompleteSignatureException', status: 403 },
    InvalidSignature: { code: 'InvalidSignatureException', status: 403 },
    UnrecognizedClient: { code: 'UnrecognizedClientException', status: 403 },
  },
  query: {
    MissingAuthenticationToken: { code: 'MissingAuthenticationToken', status: 403 },
    IncompleteSignature: { code: 'IncompleteSignature', status: 400 },
    InvalidSignature: { code: 'SignatureDoesNotMatch', status: 403 },
    UnrecognizedClient: { code: 'InvalidClientTokenId', status: 403 },
  },
};

function messageOf(protocol: AuthProtocol, refusal: AuthRefusal): string {
  if (protocol === 'rest-json' && refusal.failure === 'MissingAuthenticationToken') {
    return 'Missing Authentication Token';
  }
  return protocol === 'query' ? refusal.message : `${refusal.message}${refusal.detail ?? ''}`;
}

export function authErrorResponse(
  protocol: AuthProtocol,
  refusal: AuthRefusal,
  requestId: string,
  queryModel: ServiceModel,
): AuthErrorResponse {
  const { code, status } = WIRE[protocol][refusal.failure];
  const message = messageOf(protocol, refusal);
  if (protocol === 'query') {
    const wire = {
      code,
      shape: code,
      status,
      message,
      messageMember: 'Message',
      fields: {},
      senderFault: true,
    };
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: queryErrorResponse(queryModel, wire, requestId),
    };
  }
  const json = protocol === 'json';
  return {
    status,
    headers: {
      'content-type': json ? 'application/x-amz-json-1.1' : 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
    },
    body: JSON.stringify(json ? { __type: `com.amazon.coral.service#${code}`, message } : { message }),
  };
}
