// All UI strings live here, in one table per language. Chinese is the default
// and the fallback; a key missing in both shows the key itself.

export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];
export const DEFAULT_LANG: Lang = 'zh';
export const LANG_STORAGE_KEY = 'jiuzai.lang';

const zh = {
  'app.title': '九江市救灾物资与灾情管理',
  'app.short': '救灾',
  'app.tagline': '应急管理局 · 救灾物资储备 · 灾情核查 · 救助资金',

  'lang.switch': 'English',
  'lang.switchTitle': 'Switch to English',

  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.required': '请输入用户名和密码',
  'login.throttled': '登录尝试过于频繁，请稍后再试',
  'login.footer': '仅限授权人员使用，所有操作均记录在审计日志中。',

  'error.network': '无法连接服务器，请检查网络后重试',
  'error.unknown': '请求失败（{status}）',
  'error.sessionExpired': '登录已失效，请重新登录',

  'header.logout': '退出',
  'header.logoutTitle': '退出登录',
  'header.workspaces': '工作区',

  'nav.map': '灾情地图',

  'role.manager': '应急管理',
  'role.depot_staff': '仓库管理员',
  'role.reporter': '灾害信息员',
  'role.assessor': '核查评估',
  'role.reviewer': '审批',
  'role.auditor': '监督检查',
  'role.admin': '系统管理员',

  'map.region': '九江市',
  'map.counties': '县级行政区',
  'map.countiesHint': '点击定位到该县（市、区）',
  'map.stats': '{counties} 个县级区 · {townships} 个乡镇（街道）',
  'map.statsApprox': '其中 {n} 个乡镇为近似位置',
  'map.population': '人口',
  'map.townshipCount': '{n} 个乡镇',
  'map.populationUnknown': '人口未知',
  'map.legend': '图例',
  'map.legendCounty': '县（市、区）',
  'map.legendCountyHover': '当前选中 / 悬停',
  'map.legendTownship': '乡镇（街道）',
  'map.legendApprox': '近似位置：暂无确切坐标，显示在所属县的代表点',
  'map.loading': '正在加载地图数据…',
  'map.loadError': '地图数据加载失败：{message}',
  'map.retry': '重试',
  'map.sources': '数据来源',
  'map.popupCode': '区划代码',
  'map.popupLevel': '级别',
  'map.popupParent': '上级代码',
  'map.popupPopulation': '人口',
  'map.popupLocation': '位置',
  'map.popupApprox': '近似（所属县代表点）',
  'map.popupExact': '已知点位',
  'map.levelCounty': '县级',
  'map.levelTownship': '乡镇级',
  'map.resetView': '全市范围',

  'route.notFound': '页面不存在',
  'route.forbidden': '当前角色无权访问此页面',
} as const;

export type MsgKey = keyof typeof zh;
export type Messages = Record<MsgKey, string>;

const en: Messages = {
  'app.title': 'Jiuzai — Jiujiang disaster relief',
  'app.short': 'Jiuzai',
  'app.tagline': 'Emergency management · relief reserves · loss verification · aid funds',

  'lang.switch': '中文',
  'lang.switchTitle': '切换到中文',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.required': 'Enter your username and password',
  'login.throttled': 'Too many sign-in attempts. Please wait and try again.',
  'login.footer': 'Authorised staff only. Every action is recorded in the audit log.',

  'error.network': 'Cannot reach the server. Check the connection and try again.',
  'error.unknown': 'Request failed ({status})',
  'error.sessionExpired': 'Your session has ended. Please sign in again.',

  'header.logout': 'Sign out',
  'header.logoutTitle': 'Sign out',
  'header.workspaces': 'Workspaces',

  'nav.map': 'Map',

  'role.manager': 'Emergency manager',
  'role.depot_staff': 'Depot keeper',
  'role.reporter': 'Information officer',
  'role.assessor': 'Assessor',
  'role.reviewer': 'Reviewer',
  'role.auditor': 'Auditor',
  'role.admin': 'Administrator',

  'map.region': 'Jiujiang',
  'map.counties': 'Counties',
  'map.countiesHint': 'Click to zoom to a county',
  'map.stats': '{counties} counties · {townships} townships',
  'map.statsApprox': '{n} townships at approximate locations',
  'map.population': 'Population',
  'map.townshipCount': '{n} townships',
  'map.populationUnknown': 'Population n/a',
  'map.legend': 'Legend',
  'map.legendCounty': 'County / district',
  'map.legendCountyHover': 'Selected / hovered',
  'map.legendTownship': 'Township',
  'map.legendApprox': "Approximate location: no exact point known, shown at the county's representative point",
  'map.loading': 'Loading map data…',
  'map.loadError': 'Could not load map data: {message}',
  'map.retry': 'Retry',
  'map.sources': 'Sources',
  'map.popupCode': 'Code',
  'map.popupLevel': 'Level',
  'map.popupParent': 'Parent code',
  'map.popupPopulation': 'Population',
  'map.popupLocation': 'Location',
  'map.popupApprox': "Approximate (county's representative point)",
  'map.popupExact': 'Known point',
  'map.levelCounty': 'County',
  'map.levelTownship': 'Township',
  'map.resetView': 'Whole city',

  'route.notFound': 'Page not found',
  'route.forbidden': 'Your role cannot open this page',
};

export type Table = Record<Lang, Partial<Record<string, string>>>;
export const MESSAGES: Table = { zh, en };

export type Params = Record<string, string | number>;

/** Replace `{name}` placeholders; unknown placeholders stay as they are. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Pure lookup: requested language, then the default language, then the key. */
export function translate(table: Table, lang: Lang, key: string, params?: Params): string {
  const text = table[lang]?.[key] ?? table[DEFAULT_LANG]?.[key] ?? key;
  return interpolate(text, params);
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** The stored choice if valid, else Chinese. */
export function initialLang(storage: Pick<Storage, 'getItem'> | undefined): Lang {
  try {
    const stored = storage?.getItem(LANG_STORAGE_KEY);
    return isLang(stored) ? stored : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

let current: Lang = initialLang(browserStorage());
const listeners = new Set<(lang: Lang) => void>();

export function getLang(): Lang {
  return current;
}

/** BCP 47 tag for Intl and the <html lang> attribute. */
export function locale(lang: Lang = current): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: MsgKey, params?: Params): string {
  return translate(MESSAGES, current, key, params);
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  try {
    browserStorage()?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for this page only
  }
  for (const fn of listeners) fn(lang);
}

/** Subscribe to language changes; returns the unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Static text in the DOM is marked with data attributes so that a language
// switch can re-translate it in place (no re-render, the map stays put):
//   data-i18n="key"            -> textContent
//   data-i18n-title="key"      -> title
//   data-i18n-placeholder="key"-> placeholder
//   data-i18n-aria-label="key" -> aria-label
const ATTRS: Array<[string, string]> = [
  ['i18nTitle', 'title'],
  ['i18nPlaceholder', 'placeholder'],
  ['i18nAriaLabel', 'aria-label'],
];

export function applyTranslations(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((node) => {
    node.textContent = t(node.dataset.i18n as MsgKey);
  });
  for (const [dataKey, attr] of ATTRS) {
    const selector = `[data-${dataKey.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]`;
    root.querySelectorAll<HTMLElement>(selector).forEach((node) => {
      node.setAttribute(attr, t(node.dataset[dataKey] as MsgKey));
    });
  }
}
