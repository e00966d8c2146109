/**
 * The access service as the Slack layer sees it: records every call and answers with canned outcomes, for the
 * tests of the Bolt app over signed HTTP.
 */
import type {
  AccessApi,
  AccessRequestInput,
  ExtensionInput,
  Outcome,
  RequestOptions,
  RevokeInput,
} from '../../src/access/api.js';
import type { GrantRecord } from '../../src/access/ledger.js';
import type { RequestView } from '../../src/access/notifier.js';
import { OPTIONS, requestView } from './slack-fixtures.js';

export interface AccessCall {
  method: keyof AccessApi;
  args: unknown[];
}

export class FakeAccess implements AccessApi {
  calls: AccessCall[] = [];
  views = new Map<string, RequestView>();
  refuseApproval: Outcome<RequestView> | undefined;
  failNext: Error | undefined;

  /** `admins`: the Slack users isAdmin answers yes for. */
  constructor(private readonly admins: readonly string[] = []) {}

  private record(method: keyof AccessApi, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure !== undefined) throw failure;
  }

  callsTo(method: keyof AccessApi): AccessCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  submitAccessRequest(input: AccessRequestInput): Promise<Outcome<RequestView>> {
    this.record('submitAccessRequest', input);
    const view = requestView({
      permissionSet: input.permissionSet,
      accounts: input.accounts.map((alias) => ({
        alias,
        id: OPTIONS.accounts.find((a) => a.alias === alias)?.id ?? '',
      })),
      reason: input.reason ?? null,
    });
    return Promise.resolve({ ok: true, value: view });
  }
  approve(requestId: string, approverSlackId: string): Promise<Outcome<RequestView>> {
    this.record('approve', requestId, approverSlackId);
    return Promise.resolve(this.refuseApproval ?? { ok: true, value: requestView({ status: 'approved' }) });
  }
  deny(requestId: string, approverSlackId: string, reason: string): Promise<Outcome<RequestView>> {
    this.record('deny', requestId, approverSlackId, reason);
    return Promise.resolve({ ok: true, value: requestView({ status: 'denied' }) });
  }
  cancel(requestId: string, requesterSlackId: string): Promise<Outcome<RequestView>> {
    this.record('cancel', requestId, requesterSlackId);
    return Promise.resolve({ ok: true, value: requestView({ status: 'cancelled' }) });
  }
  requestExtension(input: ExtensionInput): Promise<Outcome<RequestView>> {
    this.record('requestExtension', input);
    return Promise.resolve({ ok: true, value: requestView({ kind: 'extend' }) });
  }
  revoke(input: RevokeInput): Promise<Outcome<{ ended: GrantRecord[] }>> {
    this.record('revoke', input);
    return Promise.resolve({ ok: true, value: { ended: [] } });
  }
  pending(slackUserId: string): Promise<{ mine: RequestView[]; awaitingMe: RequestView[] }> {
    this.record('pending', slackUserId);
    return Promise.resolve({ mine: [requestView()], awaitingMe: [] });
  }
  view(requestId: string): Promise<RequestView | undefined> {
    this.record('view', requestId);
    return Promise.resolve(this.views.get(requestId));
  }
  requestOptions(): RequestOptions {
    return OPTIONS;
  }
  isAdmin(slackUserId: string): boolean {
    return this.admins.includes(slackUserId);
  }
}
