/**
 * Slack's side of the audit upload benchmark, in a process of its own so that the bytes it keeps are not
 * counted as the sender's: the fake Slack Web API (test/support/fake-slack.ts) with its external upload flow.
 * One JSON request a line on stdin, one answer a line on stdout:
 *
 *   {"op":"start"}   → {"op":"started","apiUrl":"…"}
 *   {"op":"uploads"} → {"op":"uploads","uploads":[{fileId,length,received,sha256,contentLength,transferEncoding,channel}]}
 */
import { createHash } from 'node:crypto';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { serveLines } from './child.js';

type Request = { op: 'start' } | { op: 'uploads' };

export interface ReceivedUpload {
  fileId: string;
  /** As announced to files.getUploadURLExternal. */
  length: number;
  received: number;
  sha256: string;
  contentLength: string | null;
  transferEncoding: string | null;
  /** Where files.completeUploadExternal shared it; null: not shared. */
  channel: string | null;
}

let slack: FakeSlack | undefined;

function handle(request: Request): Promise<Record<string, unknown>> {
  switch (request.op) {
    case 'start':
      return startFakeSlack().then((started) => {
        slack = started;
        return { op: 'started', apiUrl: started.apiUrl };
      });
    case 'uploads': {
      const uploads: ReceivedUpload[] = (slack?.uploads ?? []).map((u) => ({
        fileId: u.fileId,
        length: u.length,
        received: u.bytes?.length ?? 0,
        sha256: u.bytes === undefined ? '' : createHash('sha256').update(u.bytes).digest('hex'),
        contentLength: u.contentLength ?? null,
        transferEncoding: u.transferEncoding ?? null,
        channel: u.completed?.channelId ?? null,
      }));
      return Promise.resolve({ op: 'uploads', uploads });
    }
  }
}

await serveLines<Request>(handle);
await slack?.close();
process.exit(0);
