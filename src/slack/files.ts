/**
 * Files people share in Slack, read for the access layer (a bulk onboarding's CSV): files.info for who shared
 * it, its name, type and size, then its bytes from its private URL with the bot token (scope files:read). The
 * token goes only to Slack's own file host (or, in tests and the sandbox, to the local Slack the client talks
 * to): a URL anywhere else is refused before anything is sent. The download stops past the size allowed.
 */
import type { Outcome } from '../access/api.js';
import type { SharedFile, SharedFiles } from '../access/bulk-api.js';
import { sizeText } from '../access/admin/bulk-csv.js';
import { escapeMrkdwn } from '../domain/text.js';
import type { WebClient } from './client.js';
import { slackErrorCode } from './platform-error.js';

export interface SlackSharedFilesOptions {
  client: WebClient;
  /** The bot token (xoxb-…): Slack's private file URLs ask for it as a bearer token. */
  token: string;
  /** The local Slack the client talks to (tests, the sandbox); its origin may serve files too. */
  slackApiUrl?: string;
}

const FILE_ID = /^F[A-Z0-9]{2,30}$/;
const refuse = (code: 'not_found' | 'invalid_input', message: string): Outcome<never> => ({
  ok: false,
  code,
  message,
});

export class SlackSharedFiles implements SharedFiles {
  constructor(private readonly options: SlackSharedFilesOptions) {}

  async read(fileId: string, maxBytes: number): Promise<Outcome<SharedFile>> {
    if (!FILE_ID.test(fileId))
      return refuse('not_found', 'That is not a Slack file: share the CSV file again.');
    let info;
    try {
      info = await this.options.client.files.info({ file: fileId });
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === 'file_not_found' || code === 'file_deleted')
        return refuse('not_found', 'That file is no longer in Slack: share it again.');
      throw err;
    }
    const file = info.file;
    if (file === undefined)
      return refuse('not_found', 'Slack did not say what that file is: share it again.');
    const name = file.name ?? file.title ?? fileId;
    if (!isCsv(file)) {
      return refuse(
        'invalid_input',
        `${escapeMrkdwn(name)} is not a CSV file: save the sheet as "CSV UTF-8" (.csv) and share that file.`,
      );
    }
    if ((file.size ?? 0) > maxBytes) return refuse('invalid_input', tooLarge(name, file.size, maxBytes));
    const url = file.url_private_download ?? file.url_private;
    if (url === undefined || !this.mayCarryToken(url)) {
      throw new Error(`files.info gave ${fileId} a download URL outside Slack's file host: not following it`);
    }
    const answer = await fetch(url, { headers: { authorization: `Bearer ${this.options.token}` } });
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new Error(`downloading ${fileId} answered HTTP ${answer.status}`);
    }
    if ((answer.headers.get('content-type') ?? '').includes('text/html')) {
      await answer.body?.cancel();
      // What Slack sends a token without files:read: its sign-in page, with 200 OK.
      throw new Error(
        `Slack sent a web page instead of ${fileId}: the app needs the files:read scope (add it, then reinstall the app)`,
      );
    }
    const bytes = await readAtMost(answer, maxBytes);
    if (bytes === undefined) return refuse('invalid_input', tooLarge(name, undefined, maxBytes));
    return { ok: true, value: { id: fileId, name, sharedBy: file.user ?? '', bytes } };
  }

  /** Slack's file host over HTTPS, or the local Slack this deployment talks to. */
  private mayCarryToken(url: string): boolean {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return false;
    }
    const local = this.options.slackApiUrl;
    if (local !== undefined) return target.origin === new URL(local).origin;
    return (
      target.protocol === 'https:' &&
      (target.hostname === 'files.slack.com' || target.hostname.endsWith('.slack.com'))
    );
  }
}

function isCsv(file: { filetype?: string; mimetype?: string; name?: string }): boolean {
  return (
    file.filetype === 'csv' ||
    file.mimetype === 'text/csv' ||
    (file.name ?? '').toLowerCase().endsWith('.csv')
  );
}

/** `size` undefined: the download passed the limit (Slack's size was wrong or missing). */
function tooLarge(name: string, size: number | undefined, max: number): string {
  const is = size === undefined ? `larger than ${sizeText(max)}` : sizeText(size);
  return `${escapeMrkdwn(name)} is ${is}; a bulk onboarding takes at most ${sizeText(max)} (1,000 people): split it into several files.`;
}

/** The body's bytes, or undefined once it passes `max` (the rest is not read). */
async function readAtMost(answer: Response, max: number): Promise<Uint8Array | undefined> {
  if (answer.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
    length += chunk.length;
    // Leaving the loop early cancels the stream: nothing more is downloaded.
    if (length > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
