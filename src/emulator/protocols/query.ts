import type { ServiceModel, Shape } from '../model-types.js';
import type { WireError } from './wire-errors.js';

/**
 * AWS Query protocol (IAM): a form body in, XML out. Both directions are driven by the model, so every
 * operation's members are read and written as the SDK expects (lists as `Name.member.N` in, `<member>` out).
 */
export function decodeQueryInput(
  model: ServiceModel,
  shapeName: string | undefined,
  form: URLSearchParams,
): Record<string, unknown> {
  if (shapeName === undefined) return {};
  const flat = new Map<string, string>();
  for (const [k, v] of form) if (k !== 'Action' && k !== 'Version') flat.set(k, v);
  return (readShape(model, model.shapes[shapeName], '', flat) as Record<string, unknown> | undefined) ?? {};
}

function readShape(
  model: ServiceModel,
  shape: Shape | undefined,
  prefix: string,
  flat: Map<string, string>,
): unknown {
  if (shape === undefined) return undefined;
  const key = (name: string): string => (prefix === '' ? name : `${prefix}.${name}`);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      let any = prefix === '';
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const value = readShape(model, model.shapes[ref.shape], key(ref.locationName ?? name), flat);
        if (value !== undefined) {
          out[name] = value;
          any = true;
        }
      }
      return any ? out : undefined;
    }
    case 'list': {
      const items: unknown[] = [];
      const item = shape.member ? model.shapes[shape.member.shape] : undefined;
      if (flat.get(prefix) === '') return items; // an explicitly empty list
      for (let i = 1; ; i++) {
        const value = readShape(model, item, `${prefix}.member.${i}`, flat);
        if (value === undefined) break;
        items.push(value);
      }
      return items.length > 0 ? items : undefined;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let i = 1; ; i++) {
        const k = flat.get(`${prefix}.entry.${i}.key`);
        if (k === undefined) break;
        out[k] = readShape(
          model,
          shape.value ? model.shapes[shape.value.shape] : undefined,
          `${prefix}.entry.${i}.value`,
          flat,
        );
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    default: {
      const raw = flat.get(prefix);
      if (raw === undefined) return undefined;
      if (
        shape.type === 'integer' ||
        shape.type === 'long' ||
        shape.type === 'double' ||
        shape.type === 'float'
      ) {
        const n = Number(raw);
        return Number.isNaN(n) ? raw : n;
      }
      if (shape.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
      if (shape.type === 'timestamp') return new Date(raw);
      return raw;
    }
  }
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value) ?? '';
}

export const escapeXml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#xD;');

function writeShape(model: ServiceModel, shape: Shape | undefined, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (shape === undefined) return escapeXml(scalarText(value));
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      let xml = '';
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = record[name];
        if (v === undefined || v === null) continue;
        const tag = ref.locationName ?? name;
        xml += `<${tag}>${writeShape(model, model.shapes[ref.shape], v)}</${tag}>`;
      }
      return xml;
    }
    case 'list': {
      const item = shape.member ? model.shapes[shape.member.shape] : undefined;
      const tag = shape.member?.locationName ?? 'member';
      return (value as unknown[]).map((v) => `<${tag}>${writeShape(model, item, v)}</${tag}>`).join('');
    }
    case 'map': {
      const valueShape = shape.value ? model.shapes[shape.value.shape] : undefined;
      return Object.entries(value as Record<string, unknown>)
        .map(
          ([k, v]) =>
            `<entry><key>${escapeXml(k)}</key><value>${writeShape(model, valueShape, v)}</value></entry>`,
        )
        .join('');
    }
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return date.toISOString();
    }
    default:
      return escapeXml(scalarText(value));
  }
}

export function queryResponse(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  requestId: string,
): string {
  const operation = model.operations[operationName];
  const ns = model.metadata.xmlNamespace ?? '';
  const wrapper = operation?.output?.resultWrapper;
  const body =
    wrapper !== undefined && operation?.output !== undefined
      ? `<${wrapper}>${writeShape(model, model.shapes[operation.output.shape], output ?? {})}</${wrapper}>`
      : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${operationName}Response xmlns="${ns}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operationName}Response>`
  );
}

export function queryErrorResponse(model: ServiceModel, error: WireError, requestId: string): string {
  const ns = model.metadata.xmlNamespace ?? '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>${error.senderFault ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
