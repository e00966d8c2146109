import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { auditCsv, writeAuditCsv, type CsvSink } from '../../src/access/audit/csv.js';
import { buildAuditReport } from '../../src/access/audit/report.js';
import type { AuditSnapshot } from '../../src/access/audit/types.js';
import type { DirectoryUser } from '../../src/domain/identity.js';

const PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-readonly';

/** An organisation of `n` people, each with read-only access to one account. */
function snapshot(n: number): AuditSnapshot {
  const users: DirectoryUser[] = Array.from({ length: n }, (_v, i) => ({
    id: `u-${i}`,
    userName: `person${String(i).padStart(5, '0')}@example.com`,
    displayName: `Person ${i}`,
    email: `person${i}@example.com`,
  }));
  return {
    users,
    groups: [],
    members: new Map(),
    permissionSets: [{ arn: PS, name: 'ReadOnlyAccess', sessionDuration: 'PT1H', sessionHours: 1 }],
    assignments: users.map((u) => ({
      accountId: '111111111111',
      permissionSetArn: PS,
      principal: { type: 'USER' as const, id: u.id },
    })),
    legacyIamUsers: undefined,
    signIns: undefined,
    startedAt: new Date('2026-12-07T09:00:00Z'),
    finishedAt: new Date('2026-12-07T09:01:00Z'),
  };
}

/** A sink that takes `room` chunks, then says it is full until the test lets it drain. */
class SlowSink extends EventEmitter implements CsvSink {
  readonly chunks: string[] = [];
  constructor(private room: number) {
    super();
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    this.room -= 1;
    return this.room > 0;
  }
  drain(room: number): void {
    this.room = room;
    this.emit('drain');
  }
}

describe('the audit CSV, written as a stream', () => {
  it('reaches its sink a chunk at a time, waiting while the sink is full, and reads as the whole file does', async () => {
    const report = buildAuditReport(snapshot(5_000), {
      accounts: { prod: '111111111111' },
      grants: undefined,
      now: new Date('2026-12-07T09:01:00Z'),
    });
    const sink = new SlowSink(1);
    const writing = writeAuditCsv(report, sink);
    await new Promise((resolve) => setImmediate(resolve));
    // The first chunk is out and the writer waits: the rest of the report is not yet text.
    expect(sink.chunks).toHaveLength(1);
    expect(sink.chunks[0]!.startsWith('record,user_name,')).toBe(true);
    expect(sink.chunks[0]!.length).toBeLessThan(auditCsv(report).length / 4);
    sink.drain(1_000);
    const written = await writing;
    expect(sink.chunks.length).toBeGreaterThan(4);
    expect(sink.chunks.join('')).toBe(auditCsv(report));
    expect(written.rows).toBe(5_000);
    expect(written.bytes).toBe(Buffer.byteLength(auditCsv(report)));
  });
});
