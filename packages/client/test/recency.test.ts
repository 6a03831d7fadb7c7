import { describe, expect, it } from 'vitest';
import { Recency } from '../src/Recency.js';

describe('recency', () => {
  it('ranks an event heard after an answer was asked for above that answer, and one heard before below it', () => {
    const r = new Recency();
    r.heard('before');
    const asked = r.ask();
    r.heard('after');
    expect(r.take('before', asked)).toBe(true);
    expect(r.take('after', asked)).toBe(false);
    expect(r.take('never heard', asked)).toBe(true);
  });

  it('lets the answer asked for later win, whichever arrives first', () => {
    const r = new Recency();
    const first = r.ask();
    const second = r.ask();
    expect(r.take('k', second)).toBe(true);
    expect(r.take('k', first)).toBe(false);
    const third = r.ask();
    expect(r.take('k', third)).toBe(true);
  });
});
