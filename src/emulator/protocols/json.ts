import type { WireError } from './wire-errors.js';

/** JSON 1.1 (identitystore, sso-admin): timestamps travel as epoch seconds. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}

export function jsonErrorBody(namespace: string, error: WireError): Record<string, unknown> {
  return {
    __type: `${namespace}#${error.code}`,
    [error.messageMember]: error.message,
    ...(toJsonValue(error.fields) as Record<string, unknown>),
  };
}

/** The namespace AWS puts before the error name in `__type`, e.g. `com.amazonaws.identitystore`. */
export const jsonNamespace = (endpointPrefix: string): string => `com.amazonaws.${endpointPrefix}`;
