/**
 * The keys a strict object in the schema knows, found by walking the schema along an issue's path. Zod
 * reports an unknown key with the object's path only; the walk gives the list to suggest the closest from.
 */
import { z } from 'zod';
import type { PathStep } from './problem.js';

type Schema = z.core.$ZodType;

/** Keys of the object schema at `path`, or none when the path leads to no object. */
export function knownKeysAt(schema: Schema, path: readonly PathStep[]): string[] {
  let here = [schema];
  for (const step of path) here = here.flatMap((s) => childrenAt(s, step));
  const object = here.flatMap(shapes).find((s) => s instanceof z.ZodObject);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

function childrenAt(schema: Schema, step: PathStep): Schema[] {
  return shapes(schema).flatMap((s): Schema[] => {
    if (s instanceof z.ZodObject && typeof step === 'string') {
      const child = (s.shape as Record<string, Schema | undefined>)[step];
      return child === undefined ? [] : [child];
    }
    if (s instanceof z.ZodArray && typeof step === 'number') return [s.element];
    if (s instanceof z.ZodRecord && typeof step === 'string') return [s.valueType];
    return [];
  });
}

/** The structural schemas behind optional, default, nullable and pipe wrappers, and each side of a union. */
export function shapes(schema: Schema): Schema[] {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault
  ) {
    return shapes(schema.unwrap());
  }
  if (schema instanceof z.ZodPipe) return shapes(schema.in);
  if (schema instanceof z.ZodUnion) return schema.options.flatMap(shapes);
  return [schema];
}
