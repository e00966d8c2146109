import { describe, expect, it } from 'vitest';
import { ProgressCoalescer } from '../../src/access/audit/progress.js';
import { ManualClock } from '../../src/access/clock.js';

describe('audit progress updates', () => {
  it('go out at most once per interval, never two at once, and skip what did not change', async () => {
    const clock = new ManualClock();
    const sent: string[] = [];
    let finish: () => void = () => undefined;
    const updates = new ProgressCoalescer(3_000, clock, (text) => {
      sent.push(text);
      return new Promise<void>((resolve) => (finish = resolve));
    });
    updates.offer('users 100…');
    updates.offer('users 200…'); // the first is still on its way
    clock.advance(5_000);
    updates.offer('users 300…'); // still on its way
    finish();
    await updates.settle();
    updates.offer('users 400…');
    clock.advance(1_000);
    finish();
    await updates.settle();
    updates.offer('users 500…'); // within 3 s of the last
    clock.advance(3_000);
    updates.offer('users 400…');
    finish();
    await updates.settle();
    expect(sent).toEqual(['users 100…', 'users 400…']);
  });
});
