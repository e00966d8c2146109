/**
 * The example config's break-glass (rules[13], channels.security) widened for test/e2e/break-glass.test.ts and the
 * service's tests: on call (Omar, and Lena as the lead on call) may take AdministratorAccess on prod or staging at
 * once, 1h at most, once a day.
 */
import { PEOPLE } from './access-harness.js';

export const SECURITY = 'C0000SECURE';
export const AUDIT = 'C0000AUDIT';

export const withBreakGlass =
  (extra: { leads?: string[] } = {}) =>
  (yaml: string): string => {
    return (
      yaml
        .replace(
          'leads: [U0000LEAD1, U0000LEAD2]',
          `leads: [${(extra.leads ?? [PEOPLE.lena, PEOPLE.leo]).join(', ')}]`,
        )
        .replace(/^ {2}oncall: \[.*\]$/m, `  oncall: [${PEOPLE.omar}, ${PEOPLE.lena}]`)
        .replace(/^ {2}audit: C0000AUDIT.*$/m, `  audit: ${AUDIT}`)
        .replace(/^ {2}security: C0000SECURE.*$/m, `  security: ${SECURITY}`)
        // First in the list, so that the rules the file adds later (whatever they are) follow it.
        .replace(
          /^rules:\n/m,
          'rules:\n  - match: { kinds: [access], permissionSets: [AdministratorAccess], accounts: [prod, staging] }\n' +
            '    breakGlass: { who: [oncall], maxDuration: 1h }\n',
        )
    );
  };
