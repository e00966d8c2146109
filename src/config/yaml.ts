/** Reading the file's YAML, with the line and column of anything malformed. */
import { LineCounter, parseDocument } from 'yaml';

export type YamlRead = { ok: true; value: Record<string, unknown> } | { ok: false; errors: string[] };

/** The top-level mapping of a YAML text; errors read `access-desk.yml:3:7: not valid YAML: …`. */
export function readYaml(text: string, source: string): YamlRead {
  const lineCounter = new LineCounter();
  // Duplicate keys are errors (`uniqueKeys` is on by default): the second of two `rules:` would win silently.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${source}:${line}:${col}: not valid YAML: ${error.message}`;
      }),
    };
  }
  const value: unknown = doc.toJS();
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
