// What the verification screen's sections share: the event and its queue of reported areas,
// each with its latest report, latest assessment and status.
import type { AreaReturn, AreaSummary, Assessment, DisasterEvent, LossReport } from '../../disaster';
import { cleanFigures, differs, type Indicator } from '../../disasterrules';

export type QueueStatus = 'pending' | 'verified' | 'accepted';

export interface QueueItem {
  code: string;
  name: string;
  county: string;
  report: LossReport;
  versions: number;
  /** Every version, oldest first. */
  history: LossReport[];
  assessment: Assessment | null;
  summary: AreaSummary | null;
  status: QueueStatus;
  discrepancies: number;
}

export interface VerifyState {
  readonly eventId: number;
  event: DisasterEvent | null;
  items: QueueItem[];
  /** The area shown in the detail (`?area=` in the address). */
  selected: string | null;
  /** Area names by code (townships and counties). */
  names: Map<string, string>;
  /** Figures sent back down, with why, oldest first. */
  returns: AreaReturn[];
}

export const selectedItem = (state: VerifyState): QueueItem | null => state.items.find((i) => i.code === state.selected) ?? null;

/** One queue entry per area with a report: its latest report and assessment, by code. */
export function queueItems(reports: LossReport[], assessments: Assessment[], summaries: Map<string, AreaSummary>): QueueItem[] {
  const latestReport = new Map<string, LossReport>();
  const history = new Map<string, LossReport[]>();
  for (const r of [...reports].sort((a, b) => a.version - b.version)) {
    latestReport.set(r.area_code, r);
    history.set(r.area_code, [...(history.get(r.area_code) ?? []), r]);
  }
  const latestAssessment = new Map<string, Assessment>();
  for (const a of [...assessments].sort((x, y) => x.version - y.version || x.id - y.id)) latestAssessment.set(a.area_code, a);
  return [...latestReport.entries()]
    .map(([code, report]) => {
      const s = summaries.get(code) ?? null;
      const assessment = latestAssessment.get(code) ?? null;
      return {
        code,
        name: s?.name ?? code,
        county: code.slice(0, 6),
        report,
        versions: history.get(code)?.length ?? 1,
        history: history.get(code) ?? [report],
        assessment,
        summary: s,
        status: (s?.accepted ? 'accepted' : assessment ? 'verified' : 'pending') as QueueStatus,
        // own figures only: reported vs the assessment of this area
        discrepancies: assessment
          ? (Object.entries(cleanFigures(assessment.indicators)) as Array<[Indicator, number]>).filter(([i, v]) => differs(i, cleanFigures(report.indicators)[i], v)).length
          : 0,
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}
