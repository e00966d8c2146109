import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  modelFile,
  renderModel,
  SERVICES,
  SHARED_MODELS,
  toJsPattern,
} from '../../scripts/generate-aws-models.js';

describe('the API contracts the emulator validates against', () => {
  it.runIf(existsSync(SHARED_MODELS))('are exactly what the generator makes from shared/aws-models', () => {
    for (const service of SERVICES) {
      expect(readFileSync(modelFile(service), 'utf8'), `${service}: run npm run generate:models`).toBe(
        renderModel(service, SHARED_MODELS),
      );
    }
  });

  it('anchors Java patterns and keeps their meaning in JavaScript', () => {
    const userId = new RegExp(
      toJsPattern(
        '([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}',
      ),
      'u',
    );
    expect(userId.test('9067c0ffee-8d3c9b5a-1111-2222-3333-444455556666')).toBe(true);
    expect(userId.test('x9067c0ffee-8d3c9b5a-1111-2222-3333-444455556666')).toBe(false);
    const notArn = new RegExp(toJsPattern('(?!(?i)(arn|aws):)[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+'), 'u');
    expect(notArn.test('sam.dev@example.com')).toBe(true);
    expect(notArn.test('ARN:aws:iam')).toBe(false);
    expect(notArn.test('Aws:thing')).toBe(false);
    const escaped = new RegExp(toJsPattern('[a-z\\ \\"\\\\]+'), 'u');
    expect(escaped.test('a "b" \\c')).toBe(true);
  });
});
