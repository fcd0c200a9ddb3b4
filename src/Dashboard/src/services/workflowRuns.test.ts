import { describe, expect, it } from 'vitest';
import { graphOf, inputsFromForm, inputsOf } from './workflowRuns';

describe('graphOf', () => {
  it('lays the steps out as the server’s check does, compensations right of what they undo', () => {
    const graph = graphOf({
      steps: [
        { id: 'a', title: 'First' },
        { id: 'b', requires: ['a'], onFailure: 'compensate', compensateWith: 'undo' },
        { id: 'c', requires: ['a'] },
        { id: 'd', requires: ['b', 'c'] },
        { id: 'undo', title: 'Undo b' },
      ],
    });
    expect(graph.layers).toEqual([['a'], ['b', 'c'], ['d', 'undo']]);
    expect(graph.edges).toEqual([
      { from: 'a', to: 'b', kind: 'requires' },
      { from: 'a', to: 'c', kind: 'requires' },
      { from: 'b', to: 'd', kind: 'requires' },
      { from: 'c', to: 'd', kind: 'requires' },
      { from: 'b', to: 'undo', kind: 'compensates' },
    ]);
    expect(graph.titles).toEqual({ a: 'First', undo: 'Undo b' });
  });

  it('draws nothing for what is not a definition', () => {
    expect(graphOf(null)).toEqual({ layers: [], edges: [], titles: {} });
  });
});

describe('inputsFromForm', () => {
  const specs = inputsOf({
    inputs: {
      topic: { type: 'string', required: true, description: 'What about' },
      count: { type: 'integer', default: 3 },
      urgent: { type: 'boolean' },
      tags: { type: 'array' },
    },
  });

  it('reads the declared inputs with their types, defaults and descriptions', () => {
    expect(specs.map((s) => [s.name, s.type, s.required, s.default])).toEqual([
      ['topic', 'string', true, null],
      ['count', 'integer', false, 3],
      ['urgent', 'boolean', false, null],
      ['tags', 'array', false, null],
    ]);
    expect(specs[0]!.description).toBe('What about');
  });

  it('sends typed values, leaves empty fields to the server and passes wrong text on as is', () => {
    expect(
      inputsFromForm(specs, { topic: 'Launch', count: '4', urgent: 'true', tags: '["a"]' }),
    ).toEqual({ topic: 'Launch', count: 4, urgent: true, tags: ['a'] });
    expect(inputsFromForm(specs, { topic: '', count: '', urgent: '', tags: '' })).toEqual({});
    expect(inputsFromForm(specs, { count: 'four' })).toEqual({ count: 'four' });
  });
});
