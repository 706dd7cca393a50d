import { describe, expect, it } from 'vitest';
import type { AreaSummary, Assessment, LossReport } from '../../disaster';
import { queueItems } from './state';

const report = (area_code: string, version: number, indicators: LossReport['indicators']): LossReport => ({
  id: version * 100 + Number(area_code.slice(-2)),
  event_id: 1,
  area_code,
  version,
  stage: 'initial',
  indicators,
  description: null,
  explanation: null,
  reported_by: 'r',
  reported_at: '2026-07-01T08:00:00Z',
});
const assessment = (area_code: string, version: number, indicators: Assessment['indicators']): Assessment => ({
  id: version,
  event_id: 1,
  area_code,
  version,
  indicators,
  reasons: {},
  report_id: null,
  assessed_by: 'a',
  assessed_at: '2026-07-01T09:00:00Z',
});
const summary = (code: string, accepted: boolean) => ({ code, name: `area ${code}`, accepted }) as AreaSummary;

describe('queueItems', () => {
  it('keeps the latest report and assessment of each area, in code order, with its status and discrepancies', () => {
    const items = queueItems(
      [report('360402102', 1, { affected: 10 }), report('360402101', 1, { affected: 5 }), report('360402102', 2, { affected: 12 })],
      [assessment('360402102', 1, { affected: 9 }), assessment('360402102', 2, { affected: 12 })],
      new Map([['360402101', summary('360402101', true)]]),
    );
    expect(items.map((i) => [i.code, i.status, i.versions, i.report.version, i.discrepancies])).toEqual([
      ['360402101', 'accepted', 1, 1, 0],
      ['360402102', 'verified', 2, 2, 0],
    ]);
    expect(items[0].name).toBe('area 360402101');
    expect(items[1].name).toBe('360402102');
    expect(items[1].county).toBe('360402');
  });
  it('counts the figures an assessment changed', () => {
    const [item] = queueItems([report('360402101', 1, { affected: 5 })], [assessment('360402101', 1, { affected: 7 })], new Map());
    expect(item.status).toBe('verified');
    expect(item.discrepancies).toBe(1);
  });
});
