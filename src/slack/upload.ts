/**
 * A file into a channel through Slack's external upload flow (files.upload is retired):
 * 1. files.getUploadURLExternal with the name and length → an upload URL and a file id;
 * 2. the bytes POSTed to that URL (no token: the URL itself is the permission);
 * 3. files.completeUploadExternal with the file id and title, the channel, and the comment shown beside it.
 * Done by hand rather than with WebClient.filesUploadV2, which sends step 2 through the client's base URL when
 * absolute URLs are off (as they are against a local Slack) and so cannot be pointed at a fake.
 */
import type { WebClient } from './client.js';

export class SlackUploadError extends Error {
  readonly code = 'slack_upload';
}

export interface FileUpload {
  channel: string;
  filename: string;
  title: string;
  bytes: Buffer;
  /** The message posted with the file (Slack mrkdwn). */
  comment: string;
}

export async function uploadFile(client: WebClient, upload: FileUpload): Promise<{ fileId: string }> {
  const target = await client.files.getUploadURLExternal({
    filename: upload.filename,
    length: upload.bytes.length,
  });
  const url = target.upload_url;
  const fileId = target.file_id;
  if (url === undefined || fileId === undefined) {
    throw new SlackUploadError('files.getUploadURLExternal returned no upload_url or file_id');
  }
  const sent = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(upload.bytes),
  });
  // Drain the body either way so the connection is reused or closed.
  const answer = await sent.text();
  if (!sent.ok) {
    throw new SlackUploadError(
      `uploading ${upload.filename} failed with HTTP ${sent.status}: ${answer.slice(0, 200)}`,
    );
  }
  await client.files.completeUploadExternal({
    files: [{ id: fileId, title: upload.title }],
    channel_id: upload.channel,
    initial_comment: upload.comment,
  });
  return { fileId };
}
