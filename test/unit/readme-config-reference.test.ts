/**
 * The README's configuration reference lists every key of the config file's schema, and only those: the table
 * is written by hand, and this test keeps it from drifting when the schema changes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { shapes } from '../../src/config/known-keys.js';
import { configFileSchema } from '../../src/config/schema.js';

const README = path.resolve(import.meta.dirname, '../../README.md');

type Schema = z.core.$ZodType;

/**
 * Every key a file can hold, written as the README writes them: `a.b` for a key of a mapping, `a.<*>` for a key
 * the file chooses (a record's), `a[].b` for a key of each item of a list.
 */
function schemaKeys(schema: Schema, prefix = ''): string[] {
  return shapes(schema).flatMap((s): string[] => {
    if (s instanceof z.ZodObject) {
      return Object.entries(s.shape as Record<string, Schema>).flatMap(([key, child]) => {
        const here = prefix === '' ? key : `${prefix}.${key}`;
        return [here, ...schemaKeys(child, here)];
      });
    }
    if (s instanceof z.ZodRecord) {
      const here = `${prefix}.<*>`;
      return [here, ...schemaKeys(s.valueType, here)];
    }
    if (s instanceof z.ZodArray) return schemaKeys(s.element, `${prefix}[]`);
    return [];
  });
}

/** The first column of the table under `## Configuration reference`, placeholders made alike (`<alias>` → `<*>`). */
function readmeKeys(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('\n## Configuration reference\n');
  expect(start, 'README.md has a "## Configuration reference" section').toBeGreaterThan(-1);
  const section = text.slice(start + 1).split(/\n## /)[0] ?? '';
  const lines = section.split('\n');
  const header = lines.findIndex((l) => /^\|\s*key\s*\|/.test(l));
  expect(header, 'the section has a table whose first column is "key"').toBeGreaterThan(-1);
  const rows: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cell = line.split('|')[1]?.trim() ?? '';
    const key = /^`([^`]+)`$/.exec(cell)?.[1];
    expect(key, `a key in backticks in the first column: ${line.slice(0, 60)}`).toBeDefined();
    rows.push((key ?? '').replace(/<[^>]+>/g, '<*>'));
  }
  return rows;
}

describe("the README's configuration reference", () => {
  const fromSchema = [...new Set(schemaKeys(configFileSchema))].sort();
  const fromReadme = readmeKeys();

  it('walks the schema to the keys people write', () => {
    expect(fromSchema).toContain('identityCenter.instanceArn');
    expect(fromSchema).toContain('accounts.<*>');
    expect(fromSchema).toContain('roles.<*>.assignments[].permissionSet');
    expect(fromSchema).toContain('approvers.<*>.usergroup');
    expect(fromSchema).toContain('rules[].match.kinds');
    expect(fromSchema).toContain('slack');
  });

  it('lists every key of the schema, and nothing else', () => {
    expect([...new Set(fromReadme)].sort()).toEqual(fromSchema);
  });

  it('lists each key once', () => {
    const repeated = fromReadme.filter((key, i) => fromReadme.indexOf(key) !== i);
    expect(repeated).toEqual([]);
  });
});
