// What the depot screen's sections share: the depot, its stock, the catalogue, the depot
// directory and the transfers in transit, loaded and refreshed by index.ts.
import { getLang } from '../../i18n';
import { itemName, type DepotDetail, type DepotEntry, type Item, type StockRow, type Transfer } from '../../stock';

export interface DepotState {
  readonly depotId: number;
  /** Mirrors the server: a depot's keepers and managers (within their area) move stock; admins and auditors read. */
  readonly canWrite: boolean;
  depot: DepotDetail | null;
  stock: StockRow[];
  items: Item[];
  itemByCode: Map<string, Item>;
  /** Every depot (the directory): names in the ledger and the transfer destinations. */
  depots: DepotEntry[];
  transfers: Transfer[];
}

export function unitOf(state: DepotState, code: string): string {
  return state.itemByCode.get(code)?.unit ?? state.stock.find((r) => r.item === code)?.unit ?? '';
}

export function nameOf(state: DepotState, code: string): string {
  return itemName(state.itemByCode.get(code) ?? state.stock.find((r) => r.item === code) ?? { code }, getLang()) || code;
}

/** A depot's name from the directory, else from a transfer that names it. */
export function depotName(state: DepotState, id: number | null | undefined): string {
  if (id === null || id === undefined) return '';
  const fromList = state.depots.find((d) => d.id === id)?.name;
  if (fromList) return fromList;
  for (const x of state.transfers) {
    if (x.to_depot_id === id) return x.to_depot_name;
    if (x.from_depot_id === id) return x.from_depot_name;
  }
  return `#${id}`;
}
