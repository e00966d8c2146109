/**
 * What a modal remembers between opening and submission (private_metadata, at most 3,000 characters): ids and
 * where to answer, never request state, which is re-read at submission.
 */
import { SLACK_LIMITS } from './kit.js';

export interface RequestModalMetadata {
  /** The slash command's response_url: the outcome goes back where the command was typed. */
  responseUrl?: string;
  channelId?: string;
}

export interface ExtendModalMetadata {
  requestId: string;
  grantId: string;
}

/** The admin modals: where to answer, and for offboarding and role changes whom (and which role) they are about. */
export interface AdminModalMetadata extends RequestModalMetadata {
  /** An email or a Slack user id, as the admin service takes it. */
  who?: string;
  role?: string;
}

export function writeMetadata(data: RequestModalMetadata | ExtendModalMetadata | AdminModalMetadata): string {
  const json = JSON.stringify(data);
  if (json.length <= SLACK_LIMITS.privateMetadata) return json;
  // Only a freakishly long response URL could get here: answering by DM instead is fine.
  const { responseUrl: _dropped, ...rest } = data as RequestModalMetadata;
  return JSON.stringify(rest).slice(0, SLACK_LIMITS.privateMetadata);
}

function readObject(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function readRequestModalMetadata(text: string): RequestModalMetadata {
  const o = readObject(text);
  const responseUrl = str(o.responseUrl);
  const channelId = str(o.channelId);
  return {
    ...(responseUrl !== undefined ? { responseUrl } : {}),
    ...(channelId !== undefined ? { channelId } : {}),
  };
}

export function readExtendModalMetadata(text: string): ExtendModalMetadata | undefined {
  const o = readObject(text);
  const requestId = str(o.requestId);
  const grantId = str(o.grantId);
  return requestId !== undefined && grantId !== undefined ? { requestId, grantId } : undefined;
}

export function readAdminModalMetadata(text: string): AdminModalMetadata {
  const o = readObject(text);
  const who = str(o.who);
  const role = str(o.role);
  return {
    ...readRequestModalMetadata(text),
    ...(who !== undefined ? { who } : {}),
    ...(role !== undefined ? { role } : {}),
  };
}
