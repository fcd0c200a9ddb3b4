import { describe, expect, it } from 'vitest';
import { describeRun } from './run';

describe('describeRun', () => {
  it('calls the briefing step a memory search, not a model call', () => {
    const text = describeRun({ status: 'calling', messages: 0 });
    expect(text).toBe('Briefing: searching its memory (no model call)');
    expect(text).not.toMatch(/model call is under way/);
  });

  it('says a call is under way once the conversation has begun', () => {
    expect(describeRun({ status: 'calling', messages: 3 })).toBe(
      'Working: a model or tool call is under way',
    );
  });

  it('tells the other states', () => {
    expect(describeRun({ status: 'idle', messages: 2 })).toBe('Ready for its next step');
    expect(describeRun({ status: 'waiting', messages: 2 })).toBe('Waiting');
    expect(describeRun({ status: 'stopped', messages: 0 })).toBe('Stopped');
  });
});
