import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelBox } from './maplabels';

const box = (id: string, x: number, y: number, priority = 1, w = 40, h = 14): LabelBox => ({ id, x, y, w, h, priority });

describe('placeLabels', () => {
  it('shows labels that do not touch', () => {
    expect([...placeLabels([box('a', 0, 0), box('b', 100, 0), box('c', 0, 50)], 400, 300)].sort()).toEqual(['a', 'b', 'c']);
  });
  it('keeps the more important of two overlapping labels', () => {
    const shown = placeLabels([box('town', 10, 10, 2), box('county', 20, 12, 1)], 400, 300);
    expect([...shown]).toEqual(['county']);
  });
  it('keeps the first of equals, and leaves a gap between labels', () => {
    expect([...placeLabels([box('a', 0, 0), box('b', 41, 0)], 400, 300)]).toEqual(['a']);
    expect([...placeLabels([box('a', 0, 0), box('b', 44, 0)], 400, 300)].sort()).toEqual(['a', 'b']);
    expect([...placeLabels([box('a', 0, 0), box('b', 41, 0)], 400, 300, 0)].sort()).toEqual(['a', 'b']);
  });
  it('drops labels that do not fit wholly in the view', () => {
    expect([...placeLabels([box('left', -5, 10), box('right', 370, 10), box('below', 10, 290), box('in', 100, 100)], 400, 300)]).toEqual(['in']);
  });
  it('thins a dense cluster at a phone width instead of stacking names', () => {
    const boxes = Array.from({ length: 60 }, (_, i) => box(`t${i}`, 100 + (i % 6) * 8, 200 + Math.floor(i / 6) * 6, 2));
    const shown = placeLabels(boxes, 390, 500);
    expect(shown.size).toBeGreaterThan(0);
    expect(shown.size).toBeLessThan(12);
  });
});
