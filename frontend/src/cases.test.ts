import { describe, expect, it } from 'vitest';
import {
  areaGroups,
  shownCount,
  casesApi,
  intakeFieldLabels,
  intakeLabel,
  isIntakeWrite,
  alertActions,
  alertCounts,
  alertFactWords,
  alertKind,
  canScan,
  checkAlertCase,
  checkReason,
  needKey,
  openUrgentByTownship,
  sortAlerts,
  type AlertFacts,
  type AssistanceAlert,
  caseActions,
  checkIntake,
  checkOutcome,
  departmentState,
  dueWords,
  idNumberProblem,
  intakeFieldOf,
  isDepartmentToken,
  last4Of,
  PROGRAMMES,
  programmeKey,
  receiptUrl,
  sortBoard,
  sortDepartmentBoard,
  staffOpen,
  statusCounts,
  validPhone,
  validReceiptNo,
  type Case,
  type IntakeTyped,
  type Referral,
} from './cases';
import { MESSAGES, translate } from './i18n';

const NOW = new Date('2026-12-03T06:00:00Z');
const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000).toISOString();
const zh = (w: { key: string; params: Record<string, string | number> }) => translate(MESSAGES, 'zh', w.key, w.params);
const en = (w: { key: string; params: Record<string, string | number> }) => translate(MESSAGES, 'en', w.key, w.params);

describe('dueWords', () => {
  it('says how long is left: minutes under an hour, hours under two days, then days', () => {
    expect(zh(dueWords(at(5), NOW))).toBe('还剩 5 小时');
    expect(en(dueWords(at(5), NOW))).toBe('5 hours left');
    expect(en(dueWords(at(1), NOW))).toBe('1 hour left');
    expect(zh(dueWords(at(0.5), NOW))).toBe('还剩 30 分钟');
    expect(zh(dueWords(at(47.9), NOW))).toBe('还剩 47 小时');
    expect(zh(dueWords(at(24 * 30), NOW))).toBe('还剩 30 天');
    expect(dueWords(at(5), NOW).late).toBe(false);
  });
  it('says how long it is overdue', () => {
    const w = dueWords(at(-50), NOW);
    expect(w.late).toBe(true);
    expect(zh(w)).toBe('超期 2 天');
    expect(en(w)).toBe('2 days overdue');
    expect(en(dueWords(at(-24 * 1.5), NOW))).toBe('36 hours overdue');
    expect(en(dueWords(at(-49), NOW))).toBe('2 days overdue');
    expect(en(dueWords(at(-0.001), NOW))).toBe('1 minute overdue');
  });
  it('every unit has words in both languages', () => {
    for (const h of [0.2, 1, 3, 30, 49, 24 * 40, -0.2, -1, -3, -30, -49, -24 * 40]) {
      const w = dueWords(at(h), NOW);
      expect(MESSAGES.zh[w.key], w.key).toBeTruthy();
      expect(MESSAGES.en[w.key], w.key).toBeTruthy();
    }
  });
});

describe('programmes', () => {
  it('have their Chinese names and English names', () => {
    const names = PROGRAMMES.map((p) => translate(MESSAGES, 'zh', programmeKey(p)));
    expect(names).toEqual(['低保', '特困', '医疗救助', '教育救助', '住房救助', '就业救助', '临时救助', '疾病应急救助']);
    expect(translate(MESSAGES, 'zh', 'cases.programmeLong.dibao')).toBe('最低生活保障（低保）');
    expect(translate(MESSAGES, 'zh', 'cases.programmeLong.tekun')).toBe('特困人员救助供养（特困）');
    for (const p of PROGRAMMES) {
      for (const prefix of ['cases.programme', 'cases.programmeLong', 'cases.decider']) expect(MESSAGES.en[`${prefix}.${p}`], `${prefix}.${p}`).toBeTruthy();
    }
  });
});

describe('the intake form', () => {
  // A real check digit: 11010519491231002X is the standard's example.
  const typed = (over: Partial<IntakeTyped> = {}): IntakeTyped => ({
    area_code: '360425105',
    household_id: null,
    name: ' 王芳 ',
    id_number: '11010519491231002x',
    phone: '139 0792 1234',
    kind: 'urgent',
    programmes: ['education', 'dibao'],
    description: ' 洪水冲毁住房 ',
    source: 'one_window',
    ...over,
  });
  it('checks the ID number to its check digit', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
    expect(idNumberProblem('１１０１０５１９４９１２３１００２Ｘ'.replace('Ｘ', 'X'))).toBeNull();
    expect(idNumberProblem('110105194912310021')).toBe('checkDigit');
    expect(idNumberProblem('1101051949123100')).toBe('format');
    expect(idNumberProblem('11010519491231002Y')).toBe('format');
  });
  it('checks the phone as the server does', () => {
    expect(validPhone('0792-8221234')).toBe(true);
    expect(validPhone('+86 139 0792 1234')).toBe(true);
    expect(validPhone('12345')).toBe(false);
    expect(validPhone('call me')).toBe(false);
  });
  it('makes the body: trimmed, the programmes in their order, the ID number upper case', () => {
    const r = checkIntake(typed());
    expect('body' in r).toBe(true);
    if (!('body' in r)) return;
    expect(r.body).toEqual({
      area_code: '360425105',
      household_id: null,
      applicant: { name: '王芳', id_number: '11010519491231002X', phone: '139 0792 1234' },
      kind: 'urgent',
      programmes: ['dibao', 'education'],
      description: '洪水冲毁住房',
      source: 'one_window',
    });
    const noId = checkIntake(typed({ id_number: '  ' }));
    expect('body' in noId && noId.body.applicant.id_number).toBeNull();
  });
  it('names each field that is wrong', () => {
    const r = checkIntake(typed({ area_code: '', name: '', id_number: '110105194912310021', phone: 'x', programmes: [], description: '' }));
    expect('errors' in r).toBe(true);
    if (!('errors' in r)) return;
    expect(Object.fromEntries(r.errors)).toEqual({
      area: 'cases.err.area',
      name: 'cases.err.required',
      idNumber: 'cases.err.idCheck',
      phone: 'cases.err.phone',
      programmes: 'cases.err.programmes',
      description: 'cases.err.required',
    });
  });
  it("puts the server's field errors beside their fields", () => {
    expect(intakeFieldOf('applicant.id_number')).toBe('idNumber');
    expect(intakeFieldOf('applicant.phone')).toBe('phone');
    expect(intakeFieldOf('applicant.name')).toBe('name');
    expect(intakeFieldOf('area_code')).toBe('area');
    expect(intakeFieldOf('household_id')).toBe('household');
    expect(intakeFieldOf('programmes')).toBe('programmes');
    expect(intakeFieldOf('description')).toBe('description');
    expect(intakeFieldOf('other')).toBeNull();
  });
  it('the last four the applicant follows the case with', () => {
    expect(last4Of('11010519491231002x', '13907921234')).toBe('002X');
    expect(last4Of('', '139-0792-1234')).toBe('1234');
  });
});

describe('receipts and tokens', () => {
  it('the public address of a receipt', () => {
    expect(receiptUrl('https://jz.example/#/cases/new', '20261203-ABCD2345')).toBe('https://jz.example/#/public/case?no=20261203-ABCD2345');
    expect(validReceiptNo(' 20261203-abcd2345 ')).toBe(true);
    expect(validReceiptNo('20261203ABCD2345')).toBe(false);
  });
  it('a department token starts with jzh_', () => {
    expect(isDepartmentToken('jzh_abcdefghijklmnop')).toBe(true);
    expect(isDepartmentToken('abcdefghijklmnop')).toBe(false);
    expect(isDepartmentToken('jzh_')).toBe(false);
  });
});

const ref = (programme: Referral['programme'], status: Referral['status'], due: number): Referral => ({ programme, status, due_at: at(due) });
const kase = (id: number, over: Partial<Case> = {}): Case => ({
  id,
  receipt_no: `20261203-AAAA000${id}`,
  area_code: '360425105',
  household_id: null,
  applicant_name: '王芳',
  id_number_masked: null,
  phone: '13907921234',
  kind: 'application',
  source: 'one_window',
  programmes: ['dibao'],
  description: '',
  status: 'received',
  due_at: at(10),
  overdue: false,
  referrals: [],
  created_by: 'reporter',
  created_at: at(-1),
  updated_at: at(-1),
  close_reason: null,
  ...over,
});

describe('boards', () => {
  it('overdue first, then the soonest due, decided and closed last', () => {
    const list = [
      kase(1, { due_at: at(20) }),
      kase(2, { status: 'decided', due_at: at(-5), updated_at: at(-2) }),
      kase(3, { overdue: true, due_at: at(-1) }),
      kase(4, { due_at: at(2) }),
      kase(5, { status: 'closed', updated_at: at(-0.5) }),
      kase(6, { overdue: true, due_at: at(-30) }),
    ];
    expect(sortBoard(list).map((c) => c.id)).toEqual([6, 3, 4, 1, 5, 2]);
    const n = statusCounts(list);
    expect([n.total, n.overdue, n.received, n.decided, n.closed]).toEqual([6, 2, 4, 1, 1]);
  });
  it("a department's own deadline and what it may do", () => {
    const waiting = kase(1, { status: 'referred', referrals: [ref('education', 'referred', -2)] });
    expect(departmentState(waiting, NOW)).toEqual({ canAccept: true, canAnswer: true, due: at(-2), overdue: true, answered: false });
    const handling = kase(2, { status: 'accepted', referrals: [ref('education', 'accepted', 5)] });
    expect(departmentState(handling, NOW)).toMatchObject({ canAccept: false, canAnswer: true, overdue: false });
    const answered = kase(3, { status: 'accepted', referrals: [ref('education', 'granted', 5)] });
    expect(departmentState(answered, NOW)).toMatchObject({ canAccept: false, canAnswer: false, due: null, answered: true });
    const closed = kase(4, { status: 'closed', referrals: [ref('education', 'referred', -5)] });
    expect(departmentState(closed, NOW)).toMatchObject({ canAccept: false, canAnswer: false, due: null, overdue: false });
    expect(sortDepartmentBoard([answered, handling, closed, waiting], NOW).map((c) => c.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('who may do what', () => {
  it('township staff refer a received case and close an open one; managers answer the staff programmes', () => {
    const received = kase(1);
    expect(caseActions('reporter', received)).toEqual(['refer', 'close']);
    expect(caseActions('reviewer', received)).toEqual([]);
    const referred = kase(2, { status: 'referred', referrals: [ref('dibao', 'referred', 5), ref('education', 'referred', 5)] });
    expect(staffOpen(referred)).toEqual(['dibao']);
    expect(caseActions('manager', referred)).toEqual(['outcome', 'close']);
    expect(caseActions('reporter', referred)).toEqual(['close']);
    const answered = kase(3, { status: 'accepted', referrals: [ref('dibao', 'declined', 5), ref('education', 'accepted', 5)] });
    expect(caseActions('manager', answered)).toEqual(['close']);
    expect(caseActions('manager', kase(4, { status: 'closed' }))).toEqual([]);
  });
  it('an answer: a grant may carry an amount in yuan, the others none; always a reason', () => {
    expect(checkOutcome('granted', '1,200.5', ' 符合条件 ')).toEqual({ body: { decision: 'granted', amount_fen: 120050, reason: '符合条件' } });
    expect(checkOutcome('granted', '', '符合条件')).toEqual({ body: { decision: 'granted', amount_fen: null, reason: '符合条件' } });
    expect(checkOutcome('declined', '300', '不符合')).toEqual({ body: { decision: 'declined', amount_fen: null, reason: '不符合' } });
    expect(checkOutcome('granted', '12.345', 'x')).toEqual({ field: 'amount', key: 'cases.err.amount' });
    expect(checkOutcome('granted', '-5', 'x')).toEqual({ field: 'amount', key: 'cases.err.amount' });
    expect(checkOutcome('declined', '', '  ')).toEqual({ field: 'reason', key: 'cases.err.reason' });
    expect(checkOutcome('maybe', '', 'x')).toEqual({ field: 'decision', key: 'cases.err.decision' });
  });
});

// ---- detection alerts and the urgent cases on the map --------------------------------------------

const facts = (over: Partial<AlertFacts> = {}): AlertFacts => ({ dead: 0, missing: 0, injured: 0, house: 'none', children: 0, poverty_class: null, ...over });
const alert = (id: number, over: Partial<AssistanceAlert> = {}): AssistanceAlert => ({
  id,
  event_id: 1,
  household_id: 100 + id,
  area_code: '360402001001',
  head_name: '李*乙',
  need: 'hardship',
  programmes: ['temporary', 'dibao'],
  facts: facts({ dead: 1, house: 'collapsed' }),
  status: 'open',
  case_id: null,
  resolution: null,
  resolved_by: null,
  raised_at: at(-id),
  updated_at: at(-id),
  ...over,
});
const words = (f: AlertFacts, lang: 'zh' | 'en') => alertFactWords(f).map((w) => translate(MESSAGES, lang, w.key, w.params));

describe('detection alerts', () => {
  it('say the need in words in both languages', () => {
    expect(translate(MESSAGES, 'zh', needKey('hardship', true))).toBe('家中有人遇难或失踪、房屋倒塌，未纳入低保或特困');
    expect(translate(MESSAGES, 'en', needKey('hardship', true))).toBe('A member dead or missing or the house collapsed; not in dibao or tekun');
    for (const need of ['hardship', 'injury', 'schooling'])
      for (const lang of ['zh', 'en'] as const)
        for (const long of [false, true]) {
          const text = translate(MESSAGES, lang, needKey(need, long));
          expect(text).not.toBe(needKey(need, long));
          // The Chinese words carry no Latin letters.
          if (lang === 'zh') expect(text).not.toMatch(/[A-Za-z]/);
        }
  });
  it('list the losses there are, then whether the household is in 低保 or 特困', () => {
    expect(words(facts({ dead: 1, missing: 2, house: 'collapsed' }), 'zh')).toEqual(['遇难 1 人', '失踪 2 人', '住房倒塌', '未纳入低保、特困']);
    expect(words(facts({ dead: 1, missing: 2, house: 'collapsed' }), 'en')).toEqual(['1 dead', '2 missing', 'House collapsed', 'Not in dibao or tekun']);
    expect(words(facts({ injured: 1, house: 'general', poverty_class: 'dibao' }), 'zh')).toEqual(['受伤 1 人', '住房一般损坏', '低保户']);
    expect(words(facts({ children: 1, house: 'severe', poverty_class: 'tekun' }), 'en')).toEqual(['House severely damaged', '1 child of preschool or school age', 'In tekun']);
    expect(words(facts({ children: 3, poverty_class: 'dibao' }), 'en')).toEqual(['3 children of preschool or school age', 'In dibao']);
    expect(alertFactWords(facts({ dead: 1, house: 'collapsed', injured: 2 })).map((w) => w.tone)).toEqual(['loss', 'loss', 'loss', 'plain']);
    for (const w of alertFactWords(facts({ dead: 1, missing: 1, injured: 1, house: 'collapsed', children: 2, poverty_class: 'tekun' })))
      expect(translate(MESSAGES, 'zh', w.key, w.params)).not.toMatch(/[A-Za-z]/);
  });
  it('hardship becomes an urgent case, the other needs an application', () => {
    expect(alertKind('hardship')).toBe('urgent');
    expect(alertKind('injury')).toBe('application');
    expect(alertKind('schooling')).toBe('application');
  });
  it('township staff act on open alerts only; managers and admins run detection', () => {
    expect(alertActions('reporter', alert(1))).toEqual(['case', 'dismiss']);
    expect(alertActions('manager', alert(1))).toEqual(['case', 'dismiss']);
    for (const role of ['reviewer', 'auditor', 'admin']) expect(alertActions(role, alert(1))).toEqual([]);
    for (const status of ['converted', 'dismissed', 'withdrawn'] as const) expect(alertActions('manager', alert(1, { status }))).toEqual([]);
    expect([canScan('manager'), canScan('admin'), canScan('reporter'), canScan('reviewer')]).toEqual([true, true, false, false]);
  });
  it('count per status, and order hardship first then the newest', () => {
    const list = [
      alert(1, { need: 'injury', programmes: ['medical'] }),
      alert(2),
      alert(3, { status: 'converted', case_id: 9 }),
      alert(4, { need: 'schooling', programmes: ['education'], status: 'dismissed' }),
      alert(5),
    ];
    const n = alertCounts(list);
    expect([n.total, n.open, n.converted, n.dismissed, n.withdrawn]).toEqual([5, 3, 1, 1, 0]);
    expect(sortAlerts(list).map((a) => a.id)).toEqual([2, 3, 5, 1, 4]);
  });
  it('opening a case: the phone is optional but checked, the description optional', () => {
    expect(checkAlertCase('', '')).toEqual({ body: {} });
    expect(checkAlertCase(' １３９ 0792 5555 ', ' 房屋倒塌，借住亲戚家 ')).toEqual({ body: { phone: '139 0792 5555', description: '房屋倒塌，借住亲戚家' } });
    expect(checkAlertCase('12ab', '')).toEqual({ errors: new Map([['phone', 'cases.err.phone']]) });
    expect(checkAlertCase('', 'x'.repeat(2001))).toEqual({ errors: new Map([['description', 'cases.err.descriptionLong']]) });
  });
  it('dismissing needs a reason of at most 1000 characters', () => {
    expect(checkReason('  ')).toEqual({ key: 'cases.err.reason' });
    expect(checkReason('字'.repeat(1001))).toEqual({ key: 'cases.err.reasonLong' });
    expect(checkReason(' 已在外县纳入低保 ')).toEqual({ reason: '已在外县纳入低保' });
  });
});

describe('urgent cases on the map', () => {
  it('counts the open urgent cases per township (a village code cut to 9 digits), overdue first', () => {
    const list = [
      kase(1, { kind: 'urgent', area_code: '360425105201', due_at: at(5) }),
      kase(2, { kind: 'urgent', area_code: '360425105', overdue: true, due_at: at(-3) }),
      kase(3, { kind: 'urgent', area_code: '360425106', status: 'referred' }),
      kase(4, { kind: 'urgent', area_code: '360425106', status: 'decided' }),
      kase(5, { kind: 'urgent', area_code: '360425107', status: 'closed' }),
      kase(6, { kind: 'application', area_code: '360425107' }),
      kase(7, { kind: 'urgent', area_code: '360425105', status: 'accepted', due_at: at(1) }),
    ];
    const by = openUrgentByTownship(list);
    expect([...by.keys()].sort()).toEqual(['360425105', '360425106']);
    expect(by.get('360425105')!.map((c) => c.id)).toEqual([2, 7, 1]);
    expect(by.get('360425106')!.map((c) => c.id)).toEqual([3]);
    expect(openUrgentByTownship([]).size).toBe(0);
  });
});

describe('a queued intake', () => {
  const body = { area_code: '110101001', applicant: { name: '王五', phone: '13800000000' }, kind: 'urgent', programmes: ['temporary'], description: '火灾', source: 'one_window' } as const;
  it('is a POST of /cases with its key, named by the applicant', () => {
    const w = casesApi.fileWrite({ ...body, programmes: [...body.programmes] }, 'k-1');
    expect(w).toMatchObject({ method: 'POST', path: '/cases', key: 'k-1', label: { key: 'outbox.kind.case', params: { name: '王五' } } });
    expect(isIntakeWrite(w)).toBe(true);
    expect(isIntakeWrite({ method: 'POST', path: '/cases/3/refer' })).toBe(false);
    expect(intakeLabel({ ...body, programmes: [...body.programmes] })).toEqual({ key: 'outbox.kind.case', params: { name: '王五' } });
  });
  it('names the fields a refusal named by their labels on the form, once each, leaving out unknown ones', () => {
    expect(intakeFieldLabels(['applicant.phone', 'Idempotency-Key', 'programmes', 'applicant.phone'])).toEqual(['cases.form.phone', 'cases.form.programmes']);
    expect(intakeFieldLabels([])).toEqual([]);
  });
});

describe('the alert list', () => {
  const counties = [
    { code: '110102', name: '西城区' },
    { code: '110101', name: '东城区' },
  ];
  const towns = [
    { code: '110102001', name: '西长安街', parent_code: '110102' },
    { code: '110101002', name: '景山', parent_code: '110101' },
    { code: '110101001', name: '东华门', parent_code: '110101' },
    { code: '120101001', name: '劝业场', parent_code: '120101' },
  ];
  it('groups the townships in scope under their counties, in code order', () => {
    const all = areaGroups(towns, counties, '');
    expect(all.map((g) => g.county.name)).toEqual(['东城区', '西城区', '120101']);
    expect(all[0].townships.map((x) => x.name)).toEqual(['东华门', '景山']);
    expect(areaGroups(towns, counties, '110000').map((g) => g.county.code)).toEqual(['110101', '110102']);
    expect(areaGroups(towns, counties, '110101').map((g) => g.townships.length)).toEqual([2]);
    expect(areaGroups(towns, counties, '110101002').flatMap((g) => g.townships.map((x) => x.code))).toEqual(['110101002']);
  });
  it('shows 50 at a time', () => {
    expect(shownCount(241, 0)).toEqual({ show: 50, left: 191 });
    expect(shownCount(241, 100)).toEqual({ show: 100, left: 141 });
    expect(shownCount(241, 300)).toEqual({ show: 241, left: 0 });
    expect(shownCount(12, 50)).toEqual({ show: 12, left: 0 });
  });
});
