// Types and calls of the disaster API (events, loss reports, assessments, acceptance, summary,
// response levels, exports). Screens call these; the rules live in disasterrules.ts.
import { api, download } from './api';
import type { Figures, Indicator, ReportBody } from './disasterrules';
import type { AreaCollection } from './geo';
import { label } from './i18n';

export interface DisasterEvent {
  id: number;
  name: string;
  hazard: string;
  onset_at: string;
  status: 'active' | 'stabilised' | 'closed' | string;
  description: string | null;
  affected_areas: string[];
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface Overdue {
  kind: 'initial' | 'daily_update' | string;
  due_at: string;
}

export interface AreaSummary {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  figures: Figures;
  reported: Figures;
  verified: Figures;
  discrepancies: Indicator[];
  response_level: number | null;
  computed_level: number | null;
  overridden: boolean;
  overdue: Overdue | null;
  accepted: boolean;
}

export type SummaryLevel = 'county' | 'township' | 'city';

export interface EventSummary {
  event: DisasterEvent;
  level: SummaryLevel | string;
  overall_response_level: number | null;
  overdue: string[];
  areas: AreaSummary[];
}

export interface LossReport {
  id: number;
  event_id: number;
  area_code: string;
  version: number;
  stage: string;
  indicators: Figures;
  description: string | null;
  explanation: string | null;
  reported_by: string;
  reported_at: string;
}

export interface Assessment {
  id: number;
  event_id: number;
  area_code: string;
  version: number;
  indicators: Figures;
  reasons: Partial<Record<Indicator, string>>;
  report_id: number | null;
  assessed_by: string;
  assessed_at: string;
}

export interface LevelChange {
  id: number;
  event_id: number;
  area_code: string;
  level: number | null;
  source: 'computed' | 'override' | 'override_cleared' | string;
  reason: string | null;
  actor_name: string;
  at: string;
}

export interface Acceptance {
  area_code: string;
  accepted_by: string;
  accepted_at: string;
}

/** An area as listed by GET /areas (representative point, no geometry). */
export interface AreaRow {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  population: number | null;
  lon: number;
  lat: number;
  point_approximate: boolean;
  has_geometry: boolean;
}

export interface EventInput {
  name?: string;
  hazard?: string;
  onset_at?: string;
  status?: string;
  description?: string;
  affected_areas?: string[];
}

type Opt = { signal?: AbortSignal };

export const disasterApi = {
  events: (o: Opt = {}) => api.get<DisasterEvent[]>('/events', o),
  event: (id: number, o: Opt = {}) => api.get<DisasterEvent>(`/events/${id}`, o),
  createEvent: (body: EventInput, o: Opt = {}) => api.post<DisasterEvent>('/events', body, o),
  updateEvent: (id: number, body: EventInput, o: Opt = {}) => api.patch<DisasterEvent>(`/events/${id}`, body, o),
  summary: (id: number, level: SummaryLevel, o: Opt = {}) => api.get<EventSummary>(`/events/${id}/summary`, { ...o, query: { level } }),
  reports: (id: number, areaCode?: string, o: Opt = {}) => api.get<LossReport[]>(`/events/${id}/reports`, { ...o, query: { area_code: areaCode } }),
  postReport: (id: number, body: ReportBody, idempotencyKey: string, o: Opt = {}) =>
    api.post<LossReport>(`/events/${id}/reports`, body, { ...o, headers: { 'Idempotency-Key': idempotencyKey } }),
  assessments: (id: number, areaCode?: string, o: Opt = {}) => api.get<Assessment[]>(`/events/${id}/assessments`, { ...o, query: { area_code: areaCode } }),
  postAssessment: (id: number, body: { area_code: string; indicators: Figures; reasons: Partial<Record<Indicator, string>> }, o: Opt = {}) =>
    api.post<Assessment>(`/events/${id}/assessments`, body, o),
  accept: (id: number, code: string, o: Opt = {}) => api.post<Acceptance[]>(`/events/${id}/areas/${encodeURIComponent(code)}/accept`, undefined, o),
  returnArea: (id: number, code: string, reason: string, o: Opt = {}) =>
    api.post<Acceptance[]>(`/events/${id}/areas/${encodeURIComponent(code)}/return`, { reason }, o),
  levels: (id: number, o: Opt = {}) => api.get<LevelChange[]>(`/events/${id}/response-levels`, o),
  overrideLevel: (id: number, body: { area_code: string; level: number | null; reason: string }, o: Opt = {}) =>
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

