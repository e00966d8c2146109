/**
 * A file into a channel through Slack's external upload flow (files.upload is retired):
 * 1. files.getUploadURLExternal with the name and length → an upload URL and a file id;
 * 2. the bytes POSTed to that URL as a stream with their length (no token: the URL itself is the permission);
 * 3. files.completeUploadExternal with the file id and title, the channel, and the comment shown beside it.
 * Done by hand rather than with WebClient.filesUploadV2, which sends step 2 through the client's base URL when
 * absolute URLs are off (as they are against a local Slack) and so cannot be pointed at a fake.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { WebClient } from './client.js';

export class SlackUploadError extends Error {
  readonly code = 'slack_upload';
}

/** The bytes to upload: how many (Slack asks up front), and a stream of them from the first. */
export interface UploadContent {
  length: number;
  read(): AsyncIterable<Uint8Array>;
}

export interface FileUpload {
  channel: string;
  filename: string;
  title: string;
  /** Streamed to the upload URL as it is read: a file of tens of MiB is never held here. */
  content: UploadContent;
  /** The message posted with the file (Slack mrkdwn). */
  comment: string;
}

export async function uploadFile(client: WebClient, upload: FileUpload): Promise<{ fileId: string }> {
  const { length } = upload.content;
  const target = await client.files.getUploadURLExternal({ filename: upload.filename, length });
  const url = target.upload_url;
  const fileId = target.file_id;
  if (url === undefined || fileId === undefined) {
    throw new SlackUploadError('files.getUploadURLExternal returned no upload_url or file_id');
  }
  const sent = await postStream(url, upload.content);
  if (!sent.ok) {
    // Never the URL in the message: it is the permission to upload.
    throw new SlackUploadError(`uploading ${upload.filename} (${length} bytes) failed: ${sent.reason}`, {
      cause: sent.cause,
    });
  }
  await client.files.completeUploadExternal({
    files: [{ id: fileId, title: upload.title }],
    channel_id: upload.channel,
    initial_comment: upload.comment,
  });
  return { fileId };
}

/** As long as Node's fetch waits for an answer, as today's uploads did: then the upload is given up. */
const IDLE_TIMEOUT_MS = 300_000;

type Posted = { ok: true } | { ok: false; reason: string; cause?: unknown };

/**
 * POSTs the content to `url` as it is read, with its Content-Length, waiting for the socket to drain between
 * chunks: a few chunks in memory whatever the file's size. Not Node's fetch: with a stream for a body, Node
 * 20's fetch keeps every chunk sent until the request ends (a 50 MiB upload held 50 MiB).
 */
async function postStream(url: string, content: UploadContent): Promise<Posted> {
  const target = new URL(url);
  const send =
    target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
  if (send === undefined)
    return { ok: false, reason: `the upload URL is not HTTP(S) but ${target.protocol}` };
  const req = send(target, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': content.length },
  });
  req.setTimeout(IDLE_TIMEOUT_MS, () =>
    req.destroy(new Error(`no progress for ${IDLE_TIMEOUT_MS / 1000} s`)),
  );
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  const [body, answer] = await Promise.allSettled([
    pipeline(Readable.from(exactly(content.length, content.read())), req),
    answered,
  ]);
  // The server's refusal says more than the broken pipe it may cause: its answer first.
  if (answer.status === 'fulfilled') {
    const res = answer.value;
    const status = res.statusCode ?? 0;
    let text: string;
    try {
      text = await firstCharacters(res, 200);
    } catch (error) {
      return { ok: false, reason: `HTTP ${status}, its answer cut: ${messageOf(error)}`, cause: error };
    }
    if (status < 200 || status > 299) return { ok: false, reason: `HTTP ${status}: ${text}` };
  }
  if (body.status === 'rejected') return { ok: false, reason: messageOf(body.reason), cause: body.reason };
  if (answer.status === 'rejected')
    return { ok: false, reason: messageOf(answer.reason), cause: answer.reason };
  return { ok: true };
}

/**
 * The chunks as they come, failing the upload (rather than leaving the server waiting for bytes that never
 * come, or cutting the file short) if there are more or fewer bytes than announced.
 */
async function* exactly(length: number, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const chunk of source) {
    sent += chunk.byteLength;
    if (sent > length) throw new Error(`the content is longer than the ${length} bytes announced`);
    yield chunk;
  }
  if (sent !== length) throw new Error(`the content ended after ${sent} of the ${length} bytes announced`);
}

/** The answer's first `n` characters; the rest is read and dropped, so the connection can be reused. */
async function firstCharacters(res: IncomingMessage, n: number): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) if (text.length < n) text += String(chunk);
  return text.slice(0, n);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
