/**
 * The audit's CSV on disk while it is posted: written in chunks to a file of its own in the temporary directory
 * (created anew, readable and writable by this user alone), read back as a stream for each upload, and removed
 * once the uploads are over, whether they succeeded or not. So the report is never held whole in memory: at
 * 20,000 people it is some 50 MiB.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Logger } from '../../log.js';
import type { FileContent } from '../notifier.js';
import type { CsvSink } from './csv.js';

export interface ReportFileOptions {
  /** Where the file is made; the system's temporary directory by default. */
  dir?: string;
  /** Told when the file could not be removed (the error is not the caller's: `use` has settled). */
  log: Logger;
}

/**
 * Runs `write` into a new file, then `use` with its content (its length read from the disk), and removes the
 * file once `use` settles or `write` fails. Resolves or rejects as `use` (or `write`) does.
 */
export async function withReportFile<T>(
  options: ReportFileOptions,
  write: (sink: CsvSink) => Promise<void>,
  use: (content: FileContent) => Promise<T>,
): Promise<T> {
  const dir = options.dir ?? tmpdir();
  await removeLeftovers(dir, options.log);
  const file = path.join(dir, `access-desk-audit-${randomUUID()}.csv`);
  try {
    await writeFile(file, write);
    const { size } = await stat(file);
    return await use({ length: size, read: () => createReadStream(file) });
  } finally {
    try {
      await rm(file, { force: true });
    } catch (error) {
      options.log.error({ err: error, file }, 'audit report file could not be removed');
    }
  }
}

async function writeFile(file: string, write: (sink: CsvSink) => Promise<void>): Promise<void> {
  // wx: a new file, never one already there (nor a link someone left in a shared directory); 0600: ours alone.
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  // A failed write stops the writer at once, even one waiting for a `drain` that will never come.
  const failed = new Promise<never>((_resolve, reject) => out.once('error', reject));
  failed.catch(() => undefined); // also seen by `finished` below
  try {
    await Promise.race([write(out), failed]);
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    throw error;
  }
}

const REPORT_FILE = /^access-desk-audit-[0-9a-f-]{36}\.csv$/;
/** A report file older than this was left by a process that died while posting it (an audit takes minutes). */
export const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the report files a process killed while posting them left behind: ours by their name, and a day old,
 * so that another replica's upload under way on the same host is left alone. What cannot be removed is said.
 */
async function removeLeftovers(dir: string, log: Logger): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    log.warn({ err: error, dir }, 'audit report directory could not be read for leftovers');
    return;
  }
  const before = Date.now() - LEFTOVER_AGE_MS;
  for (const name of names.filter((n) => REPORT_FILE.test(n))) {
    const file = path.join(dir, name);
    try {
      if ((await stat(file)).mtimeMs < before) {
        await rm(file, { force: true });
        log.info({ file }, 'removed an audit report file left by an earlier run');
      }
    } catch (error) {
      log.warn({ err: error, file }, 'audit report file left by an earlier run could not be removed');
    }
  }
}
