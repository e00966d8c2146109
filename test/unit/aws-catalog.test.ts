import { describe, expect, it } from 'vitest';
import { sessionHoursOf, toPermissionSet } from '../../src/aws/catalog.js';

describe('permission-set session durations', () => {
  it('reads hours, minutes and seconds from an ISO 8601 duration', () => {
    expect(sessionHoursOf('PT1H')).toBe(1);
    expect(sessionHoursOf('PT12H')).toBe(12);
    expect(sessionHoursOf('PT2H30M')).toBe(2.5);
    expect(sessionHoursOf('PT90M')).toBe(1.5);
    expect(sessionHoursOf('PT3600S')).toBe(1);
  });

  it('counts a duration it cannot read as the 12-hour maximum, the safe side for warnings', () => {
    expect(sessionHoursOf('P1D')).toBe(12);
    expect(sessionHoursOf('PT')).toBe(12);
    expect(sessionHoursOf('soon')).toBe(12);
  });

  it('gives a permission set without a session duration AWS’s default of one hour', () => {
    expect(toPermissionSet({ PermissionSetArn: 'arn:x', Name: 'ReadOnly' })).toEqual({
      arn: 'arn:x',
      name: 'ReadOnly',
      sessionDuration: 'PT1H',
      sessionHours: 1,
    });
  });
});
