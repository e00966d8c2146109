/**
 * Who a Slack user is in Identity Center: the explicit mapping in config, else the email on their Slack profile
 * (only in a trusted domain), then GetUserId. Anything ambiguous is refused, never guessed.
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { DirectoryUser } from '../domain/identity.js';
import type { Outcome } from './api.js';
import type { Clock } from './clock.js';
import type { SlackPeople } from './people.js';
import type { Ledger } from './ledger.js';
import type { Directory } from './ports.js';

export interface Identity {
  slackUserId: string;
  email: string;
  user: DirectoryUser;
}

const CACHE_MS = 10 * 60_000;

/** The ledger's identity table: what every replica sees, so that one replica's offboarding reaches the others. */
export type SharedIdentities = Pick<Ledger, 'getIdentity' | 'putIdentity'>;

export class IdentityResolver {
  // A cache of answers AWS and Slack gave, not state: losing it costs a lookup, never correctness.
  private readonly cache = new Map<string, { identity: Identity; until: number }>();

  /**
   * `shared`: with several replicas, a cached answer counts only while the ledger still holds the same identity
   * (one indexed read): offboarding forgets the person there, so no replica matches them from its own cache.
   */
  constructor(
    private readonly config: AccessDeskConfig,
    private readonly people: SlackPeople,
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly shared?: SharedIdentities,
  ) {}

  /**
   * `fresh`: ask Slack and AWS now rather than trust the cache, for a decision that must not rest on an answer
   * minutes old (an approval by someone offboarded since, or whose Slack email changed).
   *
   * A DISABLED Identity Center user is never matched to the Slack person for what they ask or decide: the
   * answer is a refusal that says so. `allowDisabled` is for reading about them (whois shows the status) and for
   * admins acting on them (offboarding a disabled user).
   */
  async resolve(
    slackUserId: string,
    options: { fresh?: boolean; allowDisabled?: boolean } = {},
  ): Promise<Outcome<Identity>> {
    const found = await this.lookUp(slackUserId, options.fresh === true);
    if (!found.ok) return found;
    const { fromCache, ...identity } = found.value;
    if (options.allowDisabled === true) return { ok: true, value: identity };
    const user = fromCache === true ? await this.statusNow(identity) : identity.user;
    if (user.status !== 'DISABLED') return { ok: true, value: identity };
    const { email } = identity;
    return refuse(
      'identity_disabled',
      `Your Identity Center user (${user.userName !== '' ? user.userName : email}) is disabled, so I will not act for it. Ask an admin to enable it again in the IAM Identity Center console if you still need access.`,
    );
  }

  /**
   * The user as Identity Center has them now: an answer from the cache may be minutes old, and a user disabled
   * since must not be matched (one DescribeUser; the cached answer stands only when AWS cannot say).
   */
  private async statusNow(identity: Identity): Promise<Identity['user']> {
    const now = await this.directory.describeUser(identity.user.id);
    return now.ok ? now.value : identity.user;
  }

  private async lookUp(
    slackUserId: string,
    fresh: boolean,
  ): Promise<Outcome<Identity & { fromCache?: boolean }>> {
    const cached = this.cache.get(slackUserId);
    const now = this.clock.now().getTime();
    if (!fresh && cached !== undefined && cached.until > now) {
      if (await this.stillShared(slackUserId, cached.identity))
        return { ok: true, value: { ...cached.identity, fromCache: true } };
    }
    this.cache.delete(slackUserId);

    const mapped = this.config.people[slackUserId];
    const email = mapped ?? (await this.people.profileEmail(slackUserId));
    if (email === undefined) {
      return refuse(
        'identity_unknown',
        `Your Slack profile has no email address, so I cannot tell who you are in AWS. Ask an admin to add you under \`people\` in the access-desk config.`,
      );
    }
    if (mapped === undefined && !this.trusted(email)) {
      return refuse(
        'untrusted_domain',
        `Your Slack email (${email}) is not in a trusted domain (${this.config.trustedEmailDomains.join(', ')}), so I will not match it to an AWS user. Ask an admin to map you under \`people\`.`,
      );
    }
    const found =
      mapped?.includes('@') === false
        ? await this.directory.findUserByUserName(mapped)
        : await this.directory.findUserByEmail(email);
    if (!found.ok) {
      return refuse('aws_unavailable', `I could not look you up in Identity Center: ${found.error.message}`);
    }
    if (found.value === undefined) {
      return refuse(
        'identity_unknown',
        `No Identity Center user has the email ${email}. Ask an admin to onboard you, or to map your Slack account under \`people\`.`,
      );
    }
    const identity: Identity = { slackUserId, email, user: found.value };
    this.cache.set(slackUserId, { identity, until: now + CACHE_MS });
    await this.share(identity);
    return { ok: true, value: identity };
  }

  /** Whether the ledger still holds this identity (no shared table: it is this process's word alone). */
  private async stillShared(slackUserId: string, identity: Identity): Promise<boolean> {
    if (this.shared?.getIdentity === undefined) return true;
    try {
      const row = await this.shared.getIdentity(slackUserId);
      return row?.userId === identity.user.id && row.email === identity.email;
    } catch {
      return false; // the ledger cannot say: ask AWS, as if nothing were cached
    }
  }

  private async share(identity: Identity): Promise<void> {
    try {
      await this.shared?.putIdentity?.({
        slackUserId: identity.slackUserId,
        email: identity.email,
        userId: identity.user.id,
        resolvedAt: this.clock.now(),
      });
    } catch {
      // Only the cache is lost: the next lookup on any replica asks AWS again.
    }
  }

  /**
   * Who another Slack user is, for someone asking about them (whois, an admin naming a person). A refusal never
   * quotes that person's Slack profile email to the asker: it names them by mention and says what would work.
   */
  async resolveOther(slackUserId: string): Promise<Outcome<Identity>> {
    // Who they are, disabled or not: whois shows the status, and an admin may offboard a disabled user.
    const found = await this.resolve(slackUserId, { allowDisabled: true });
    if (found.ok) return found;
    const them = `<@${slackUserId}>`;
    const instead = 'Name them by their work email instead.';
    const message: Record<string, string> = {
      untrusted_domain: `${them}'s Slack profile email is not in a trusted domain, so I will not match it to an AWS user. ${instead}`,
      identity_unknown: `I cannot match ${them} to an Identity Center user from their Slack profile. ${instead}`,
      aws_unavailable: `I could not look ${them} up in Identity Center just now: AWS did not answer. Try again in a moment.`,
    };
    return refuse(
      found.code,
      message[found.code] ?? `I cannot tell who ${them} is in Identity Center. ${instead}`,
    );
  }

  /** Finds someone by email for admin actions on others. */
  async byEmail(email: string): Promise<Outcome<DirectoryUser>> {
    const found = await this.directory.findUserByEmail(email);
    if (!found.ok) return refuse('aws_unavailable', `I could not look up ${email}: ${found.error.message}`);
    if (found.value === undefined)
      return refuse('not_found', `No Identity Center user has the email ${email}.`);
    return { ok: true, value: found.value };
  }

  private trusted(email: string): boolean {
    const domain = email.split('@')[1]?.toLowerCase() ?? '';
    return this.config.trustedEmailDomains.some((d) => domain === d.toLowerCase());
  }
}

function refuse(code: Extract<Outcome<never>, { ok: false }>['code'], message: string): Outcome<never> {
  return { ok: false, code, message };
}
