// What the report screen's sections share: the event, the areas to choose from and the chosen
// township's versions, returns and verified figures (loaded by index.ts), and the error line under
// a field.
import type { AreaReturn, AreaRow, AreaSummary, Assessment, DisasterEvent, LossReport } from '../../disaster';
import type { ReportField } from '../../disasterrules';
import { h } from '../../dom';

export interface ReportState {
  readonly eventId: number;
  event: DisasterEvent | null;
  /** Counties, the event's affected ones first. */
  counties: AreaRow[];
  /** The townships of the chosen county. */
  townships: AreaRow[];
  /** Each township's summary (an accepted township is locked). */
  townStatus: Map<string, AreaSummary>;
  /** The chosen township's versions, oldest first. */
  versions: LossReport[];
  /** The chosen township's figures sent back down, oldest first, with why. */
  returns: AreaReturn[];
  /** The chosen township's latest verified figures, if any. */
  assessment: Assessment | null;
}

/** The newest of an area's assessments. */
export function latestAssessment(list: Assessment[]): Assessment | null {
  return [...list].sort((x, y) => x.version - y.version || x.id - y.id).at(-1) ?? null;
}

export function latest(state: ReportState): LossReport | null {
  return state.versions.length ? state.versions[state.versions.length - 1] : null;
}

/** The message line under a form field (`report-error-<field>`). */
export function errorNode(field: ReportField): HTMLElement {
  return h('div', { class: 'field-error', id: `report-error-${field}`, 'data-testid': `report-error-${field}`, hidden: true, role: 'alert' });
}
