/**
 * The AWS CLI steps both emails teach: `aws configure sso` with the organisation's values, signing in, and
 * the tips people otherwise ask the platform team about (AWS_PROFILE, headless machines).
 */

export interface SsoCliSettings {
  /** The `aws configure sso` session name. */
  sessionName: string;
  /** The access portal URL (SSO start URL). */
  startUrl: string;
  /** The Identity Center region (SSO region). */
  region: string;
}

/** An example profile name: what people will type after `--profile`. */
export const exampleProfile = (sessionName: string): string => `${sessionName}-dev`;

/** What `aws configure sso` asks, in order, with the answer for this organisation. */
export function configurePrompts(settings: SsoCliSettings): [string, string][] {
  return [
    ['SSO session name', settings.sessionName],
    ['SSO start URL', settings.startUrl],
    ['SSO region', settings.region],
    ['SSO registration scopes', 'sso:account:access'],
  ];
}

export function loginCommand(settings: SsoCliSettings): string {
  return `aws sso login --profile ${exampleProfile(settings.sessionName)}`;
}

export function headlessLoginCommand(settings: SsoCliSettings): string {
  return `${loginCommand(settings)} --no-browser`;
}

export function profileTip(settings: SsoCliSettings): string {
  return `export AWS_PROFILE=${exampleProfile(settings.sessionName)}`;
}

/**
 * What `aws configure sso` asks once the account and role are picked, with the answer: the default region of
 * the profile (the organisation's region, where the SSO region is a good default) and the output format.
 */
export function profilePrompts(settings: SsoCliSettings): [string, string][] {
  return [
    ['CLI default client Region', settings.region],
    ['CLI default output format', 'json'],
    ['CLI profile name', exampleProfile(settings.sessionName)],
  ];
}
