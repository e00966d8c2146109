/** Reading the file's YAML, with the line and column of anything malformed. */
import { LineCounter, parseDocument } from 'yaml';

export type YamlRead = { ok: true; value: Record<string, unknown> } | { ok: false; errors: string[] };

/** The top-level mapping of a YAML text; errors read `access-desk.yml:3:7: not valid YAML: …`. */
export function readYaml(text: string, source: string): YamlRead {
  const lineCounter = new LineCounter();
  // Duplicate keys are errors (`uniqueKeys` is on by default): the second of two `rules:` would win silently.
  // logLevel 'error': the library's warnings (a list used as a key) would go to the process's stderr; the key
  // is then reported as unknown, with the others.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${source}:${line}:${col}: not valid YAML: ${error.message}`;
      }),
    };
  }
  let value: unknown;
  try {
    // Aliases are expanded here: an alias to an anchor that is not set, or a "billion laughs" of aliases to
    // aliases (the library stops at 100), is an error in the file, not in the program.
    value = doc.toJS();
  } catch (error) {
    return { ok: false, errors: [`${source}: not valid YAML: ${(error as Error).message}`] };
  }
  if (value === null || value === undefined) {
    return { ok: false, errors: [`${source}: the file is empty: start from access-desk.example.yml`] };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      errors: [`${source}: must be a mapping of keys at the top level (identityCenter:, accounts:, …)`],
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
