import { describe, expect, it } from 'vitest';
import {
  XLSX_TYPE,
  containsFullId,
  disclosureEnded,
  hexClass,
  hexTotals,
  importContentType,
  importFieldLabel,
  householdEdits,
  householdSearch,
  householdsApi,
  listActions,
  newProgressId,
  parseCount,
  resolveArea,
  townshipOptions,
  type Household,
  programmeText,
  rejectedImport,
  type HexCollection,
} from './households';

describe('containsFullId', () => {
  it('finds an unmasked 18-digit ID number, not a masked one', () => {
    expect(containsFullId('张*明 360402199001011234 ¥300')).toBe(true);
    expect(containsFullId('36040219900101123X')).toBe(true);
    expect(containsFullId('3604**********1234')).toBe(false);
    expect(containsFullId('1234567890123456789012')).toBe(false);
  });
});

describe('listActions', () => {
  it('offers each role the steps of the status', () => {
    expect(listActions('manager', 'draft')).toEqual(['submit', 'cancel']);
    expect(listActions('reviewer', 'submitted')).toEqual(['approve', 'reject']);
    expect(listActions('manager', 'submitted')).toEqual(['cancel']);
    expect(listActions('reviewer', 'approved')).toEqual(['publish']);
    expect(listActions('manager', 'published')).toEqual(['pay']);
    expect(listActions('reviewer', 'paid')).toEqual([]);
  });
  it('offers admins and auditors nothing: the server lets them read only', () => {
    for (const status of ['draft', 'submitted', 'approved', 'published']) {
      expect(listActions('admin', status)).toEqual([]);
      expect(listActions('auditor', status)).toEqual([]);
    }
  });
});

describe('disclosureEnded', () => {
  const now = new Date('2026-07-10T00:00:00Z');
  it('only after the end of a published list, always once paid', () => {
    expect(disclosureEnded({ status: 'published', disclosure_end: '2026-07-09T00:00:00Z' }, now)).toBe(true);
    expect(disclosureEnded({ status: 'published', disclosure_end: '2026-07-11T00:00:00Z' }, now)).toBe(false);
    expect(disclosureEnded({ status: 'approved', disclosure_end: null }, now)).toBe(false);
    expect(disclosureEnded({ status: 'paid', disclosure_end: null }, now)).toBe(true);
  });
});

describe('hexagons', () => {
  it('classes affected counts by the legend breaks', () => {
    expect([0, 1, 5, 6, 15, 16, 30, 31].map(hexClass)).toEqual([0, 1, 1, 2, 2, 3, 3, 4]);
  });
  it('adds up the cells for the legend note', () => {
    const hex = (cell: string, households: number, affected: number, people: number, affected_people: number) => ({
      type: 'Feature' as const,
      geometry: { type: 'Polygon' as const, coordinates: [] },
      properties: { cell, households, affected, people, affected_people },
    });
    const fc: HexCollection = { type: 'FeatureCollection', features: [hex('a', 2, 1, 7, 4), hex('b', 1, 0, 2, 0)] };
    expect(hexTotals(fc)).toEqual({ cells: 2, households: 3, affected: 1, affectedPeople: 4 });
    expect(hexTotals({ type: 'FeatureCollection', features: [] }).cells).toBe(0);
  });
});

describe('programmeText', () => {
  it('lists current enrolments only', () => {
    const now = new Date('2026-07-10T00:00:00Z');
    expect(programmeText([{ programme: 'dibao', since: '2022-01-01' }, { programme: 'medical', since: '2020-01-01', until: '2021-01-01' }], 'zh', now)).toBe('低保');
  });
});

describe('household import', () => {
  it('sends XLSX by its extension and anything else as CSV', () => {
    expect(importContentType('名单.XLSX')).toBe(XLSX_TYPE);
    expect(importContentType('households.csv')).toBe('text/csv');
    expect(importContentType('export.txt')).toBe('text/csv');
  });

  it('makes progress ids the server accepts, different each time', () => {
    const a = newProgressId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newProgressId()).not.toBe(a);
  });

  it('finds the row report in an all-or-nothing rejection, and nothing in other errors', () => {
    const body = { error: { code: 'invalid', message: '1 row(s) are invalid' }, imported: 0, skipped: 3, errors: [{ row: 3, field: 'members', reason: 'at least 1' }] };
    expect(rejectedImport(body)).toEqual({ imported: 0, skipped: 3, errors: [{ row: 3, field: 'members', reason: 'at least 1' }] });
    expect(rejectedImport({ error: { code: 'invalid', message: 'missing column(s)' } })).toBeNull();
    expect(rejectedImport(null)).toBeNull();
  });

  it('names columns by their Chinese headers for Chinese readers', () => {
    expect(importFieldLabel('head_id_number', 'zh')).toBe('身份证号');
    expect(importFieldLabel('head_id_number', 'en')).toBe('head_id_number');
    expect(importFieldLabel('file', 'zh')).toBe('file');
  });
});

describe('householdSearch', () => {
  it('sends a whole ID number as id_number, anything else as part of a name', () => {
    expect(householdSearch(' 36040219900101123x ')).toEqual({ id_number: '36040219900101123X' });
    expect(householdSearch('３６０４０２１９９００１０１１２３４')).toEqual({ id_number: '360402199001011234' });
    expect(householdSearch('张*明')).toEqual({ q: '张*明' });
    expect(householdSearch('3604')).toEqual({ q: '3604' });
    expect(householdSearch('  ')).toEqual({});
  });
});

describe('township filter', () => {
  const options = townshipOptions(
    [
      { code: '360402002', name: '人民路街道', parent_code: '360402' },
      { code: '360402001', name: '十里街道', parent_code: '360402' },
      { code: '360403001', name: '十里街道', parent_code: '360403' },
    ],
    new Map([['360402', '濂溪区'], ['360403', '浔阳区']]),
  );
  it('names townships with their county, in code order', () => {
    expect(options.map((o) => o.text)).toEqual(['十里街道（濂溪区）', '人民路街道（濂溪区）', '十里街道（浔阳区）']);
  });
  it('resolves an option, a code, or a name only one township starts with', () => {
    expect(resolveArea('十里街道（浔阳区）', options)).toBe('360403001');
    expect(resolveArea('360402', options)).toBe('360402');
    expect(resolveArea('人民', options)).toBe('360402002');
    expect(resolveArea('', options)).toBe('');
  });
  it('refuses a name that fits several townships or none', () => {
    expect(resolveArea('十里', options)).toBeNull();
    expect(resolveArea('东京', options)).toBeNull();
  });
});

describe('household forms', () => {
  it('reads counts as whole numbers of 0 or more, empty as 0', () => {
    expect(parseCount('3')).toBe(3);
    expect(parseCount('２')).toBe(2);
    expect(parseCount('')).toBe(0);
    expect(parseCount('-1')).toBeNull();
    expect(parseCount('1.5')).toBeNull();
  });
  it('sends only what the edit changed; an empty account box keeps the account', () => {
    const current = { head_name: '张三', address: 'A', household_type: 'general', members: 3 } as Household;
    expect(householdEdits(current, { head_name: '张三', address: 'B', household_type: 'general', members: 3, bank_account: '' })).toEqual({ address: 'B' });
    expect(householdEdits(current, { head_name: undefined, address: 'A', household_type: 'dibao', members: 4, bank_account: '6217001234' })).toEqual({
      household_type: 'dibao',
      members: 4,
      bank_account: '6217001234',
    });
  });
  it('an edit is a PATCH of the changed fields that can wait in the outbox, with its key and what to call it', () => {
    const label = { key: 'outbox.kind.household', params: { name: '张*' } } as const;
    expect(householdsApi.updateWrite(7, { address: 'B' }, '2026-07-01T08:00:00.123456Z', 'k-1', label)).toEqual({
      method: 'PATCH',
      path: '/households/7',
      body: { address: 'B' },
      key: 'k-1',
      label,
      ifMatch: '2026-07-01T08:00:00.123456Z',
    });
  });
});
