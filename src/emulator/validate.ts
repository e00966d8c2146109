import type { ValidationProblem } from './errors.js';
import type { ServiceModel, Shape } from './model-types.js';

const compiled = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let r = compiled.get(source);
  if (r === undefined) {
    r = new RegExp(source, 'u');
    compiled.set(source, r);
  }
  return r;
}

/** AWS names members in validation messages lower-camel: `UserName` → `userName`. */
const memberPath = (parent: string, member: string): string => {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return parent === '' ? name : `${parent}.${name}`;
};

/**
 * Checks a request against its input shape the way AWS does before an operation runs: required members,
 * types, lengths, ranges, patterns, enums; lists and maps item by item. Returns every problem found.
 */
export function validateInput(
  model: ServiceModel,
  shapeName: string | undefined,
  input: unknown,
): ValidationProblem[] {
  if (shapeName === undefined) return [];
  const problems: ValidationProblem[] = [];
  check(model, model.shapes[shapeName], input, '', problems);
  return problems;
}

function check(
  model: ServiceModel,
  shape: Shape | undefined,
  value: unknown,
  path: string,
  out: ValidationProblem[],
): void {
  if (shape === undefined || value === undefined || value === null) return;
  // A document (identitystore's AttributeValue) is any JSON value; AWS checks it per attribute, not here.
  if (shape.document === true) return;
  const sensitive = shape.sensitive === true;
  const fail = (constraint: string): void => {
    out.push({ path: path === '' ? 'input' : path, value, constraint, sensitive });
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('Member must be a structure');
      const record = value as Record<string, unknown>;
      for (const required of shape.required ?? []) {
        if (record[required] === undefined || record[required] === null) {
          out.push({
            path: memberPath(path, required),
            value: undefined,
            constraint: 'Member must not be null',
          });
        }
      }
      const members = shape.members ?? {};
      if (shape.union === true) {
        const set = Object.keys(members).filter((m) => record[m] !== undefined && record[m] !== null);
        if (set.length !== 1) fail('Member must have exactly one member set');
      }
      for (const [name, ref] of Object.entries(members)) {
        check(model, model.shapes[ref.shape], record[name], memberPath(path, name), out);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return fail('Member must be a list');
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      const item = shape.member ? model.shapes[shape.member.shape] : undefined;
      value.forEach((v, i) => check(model, item, v, `${path}.${i + 1}.member`, out));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('Member must be a map');
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      const keyShape = shape.key ? model.shapes[shape.key.shape] : undefined;
      const valueShape = shape.value ? model.shapes[shape.value.shape] : undefined;
      for (const [k, v] of entries) {
        check(model, keyShape, k, `${path}.${k}.key`, out);
        check(model, valueShape, v, `${path}.${k}.value`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return fail('Member must be a string');
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      if (shape.enum !== undefined && !shape.enum.includes(value))
        fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.jsPattern !== undefined && !regex(shape.jsPattern).test(value)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern ?? shape.jsPattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      if (typeof value !== 'number' || Number.isNaN(value)) return fail('Member must be a number');
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value))
        return fail('Member must be an integer');
      if (shape.min !== undefined && value < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('Member must be a boolean');
      return;
    case 'timestamp':
      if (!(value instanceof Date) && typeof value !== 'number' && typeof value !== 'string')
        fail('Member must be a timestamp');
      return;
    case 'blob':
      return;
  }
}
