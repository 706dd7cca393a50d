// Types and calls of the disaster API (events, loss reports, assessments, acceptance, summary,
// response levels, exports). Screens call these; the rules live in disasterrules.ts.
import { api, download } from './api';
import type { Figures, Indicator, ReportBody } from './disasterrules';
import type { AreaCollection } from './geo';
import type { WriteLabel, WriteRequest } from './outbox';
import { label } from './i18n';
import type { Narrows, Schemas } from './schemas';

export type DisasterEvent = Schemas['Event'];
export type Overdue = Schemas['Overdue'];

/** An area's figures and level in an event; the document says only "object" for the figures. */
export type AreaSummary = Narrows<
  Schemas['AreaSummary'],
  Omit<Schemas['AreaSummary'], 'figures' | 'reported' | 'verified'> & { figures: Figures; reported: Figures; verified: Figures }
>;

export type SummaryLevel = 'county' | 'township' | 'city';

export type EventSummary = Narrows<Schemas['EventSummary'], Omit<Schemas['EventSummary'], 'areas'> & { areas: AreaSummary[] }>;
export type LossReport = Narrows<Schemas['LossReport'], Omit<Schemas['LossReport'], 'indicators'> & { indicators: Figures }>;
export type Assessment = Narrows<
  Schemas['Assessment'],
  Omit<Schemas['Assessment'], 'indicators' | 'reasons'> & { indicators: Figures; reasons: Partial<Record<Indicator, string>> }
>;
export type AssessmentInput = Narrows<
  Schemas['AssessmentInput'],
  Omit<Schemas['AssessmentInput'], 'indicators' | 'reasons'> & { indicators: Figures; reasons: Partial<Record<Indicator, string>> }
>;
export type LevelChange = Schemas['LevelChange'];
export type Acceptance = Schemas['Acceptance'];
export type AreaReturn = Schemas['AreaReturn'];
/** An area as listed by GET /areas (representative point, no geometry). */
export type AreaRow = Schemas['Area'];
export type EventInput = Schemas['EventInput'];
export type OverrideInput = Schemas['OverrideInput'];

type Opt = { signal?: AbortSignal };

export const disasterApi = {
  events: (o: Opt = {}) => api.get<DisasterEvent[]>('/events', o),
  event: (id: number, o: Opt = {}) => api.get<DisasterEvent>(`/events/${id}`, o),
  createEvent: (body: EventInput, o: Opt = {}) => api.post<DisasterEvent>('/events', body, o),
  updateEvent: (id: number, body: EventInput, o: Opt = {}) => api.patch<DisasterEvent>(`/events/${id}`, body, o),
  summary: (id: number, level: SummaryLevel, o: Opt = {}) => api.get<EventSummary>(`/events/${id}/summary`, { ...o, query: { level } }),
  reports: (id: number, areaCode?: string, o: Opt = {}) => api.get<LossReport[]>(`/events/${id}/reports`, { ...o, query: { area_code: areaCode } }),
  /** Files a report version (answers a LossReport); sent with outboxsync.sendOrQueue. */
  reportWrite: (id: number, body: ReportBody, key: string, label: WriteLabel): WriteRequest => ({ method: 'POST', path: `/events/${id}/reports`, body, key, label }),
  assessments: (id: number, areaCode?: string, o: Opt = {}) => api.get<Assessment[]>(`/events/${id}/assessments`, { ...o, query: { area_code: areaCode } }),
  postAssessment: (id: number, body: AssessmentInput, o: Opt = {}) =>
    api.post<Assessment>(`/events/${id}/assessments`, body, o),
  accept: (id: number, code: string, o: Opt = {}) => api.post<Acceptance[]>(`/events/${id}/areas/${encodeURIComponent(code)}/accept`, undefined, o),
  returnArea: (id: number, code: string, reason: string, o: Opt = {}) =>
    api.post<Acceptance[]>(`/events/${id}/areas/${encodeURIComponent(code)}/return`, { reason }, o),
  returns: (id: number, areaCode?: string, o: Opt = {}) => api.get<AreaReturn[]>(`/events/${id}/returns`, { ...o, query: { area_code: areaCode } }),
  levels: (id: number, o: Opt = {}) => api.get<LevelChange[]>(`/events/${id}/response-levels`, o),
  overrideLevel: (id: number, body: OverrideInput, o: Opt = {}) =>
    api.post<LevelChange[]>(`/events/${id}/response-levels`, body, o),
  areas: (query: { level?: string; parent?: string }, o: Opt = {}) => api.get<AreaRow[]>('/areas', { ...o, query }),
  mapAreas: (level: 'county' | 'township', eventId: number, o: Opt = {}) =>
    api.get<AreaCollection>('/map/areas.geojson', { ...o, query: { level, event: eventId } }),
  exportSummary: (id: number, level: SummaryLevel, format: 'csv' | 'xlsx', o: Opt = {}) =>
    download('/exports/event-summary', { event_id: id, level, format }, `event-${id}-${level}.${format}`, o.signal),
};

/** Newest first; active events before the others. */
export function sortEvents(events: readonly DisasterEvent[]): DisasterEvent[] {
  const rank = (s: string) => (s === 'active' ? 0 : s === 'stabilised' ? 1 : 2);
  return [...events].sort((a, b) => rank(a.status) - rank(b.status) || b.onset_at.localeCompare(a.onset_at) || b.id - a.id);
}

export const hazardLabel = (h: string) => label('hazard', h);
export const statusLabel = (s: string) => label('eventStatus', s);
export const stageLabel = (s: string) => label('stage', s);
export const indicatorLabel = (i: string) => label('ind', i);
export const unitLabelOf = (u: string) => label('unit', u);

/** Event option text: "name · status". */
export function eventOption(e: DisasterEvent): string {
  return `${e.name} · ${statusLabel(e.status)}`;
}

