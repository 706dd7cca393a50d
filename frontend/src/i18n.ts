// All UI strings live here, in one table per language. Chinese is the default
// and the fallback; a key missing in both shows the key itself. The disaster screens'
// strings are kept in i18n.disaster.ts and merged in.
import { DISASTER_EN, DISASTER_ZH } from './i18n.disaster';
import { PLANS_EN, PLANS_ZH } from './i18n.plans';
import { HOUSEHOLDS_EN, HOUSEHOLDS_ZH } from './i18n.households';
import { ADMIN_EN, ADMIN_ZH } from './i18n.admin';
import { APPLICATIONS_EN, APPLICATIONS_ZH } from './i18n.applications';
import { OFFLINE_EN, OFFLINE_ZH } from './i18n.offline';
import { WINTERSPRING_EN, WINTERSPRING_ZH } from './i18n.winterspring';
import { REBUILD_EN, REBUILD_ZH } from './i18n.rebuild';
import { CASES_EN, CASES_ZH } from './i18n.cases';
import { CHECKS_EN, CHECKS_ZH } from './i18n.checks';

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
  'error.forbidden': '无权操作：',
  'error.notFound': '未找到：',
  'error.conflict': '状态冲突：',
  'error.stale': '此记录在您打开后已被他人修改，请刷新后重新修改。',
  'error.tooLarge': '内容过大：',
  'error.unsupported': '格式不支持：',
  'error.invalid': '无法处理：',
  'error.throttled': '操作过于频繁，请稍后再试：',
  'error.unavailable': '数据库暂时无法访问，请稍后重试：',
  'error.storageFull': '服务器磁盘已满，本次未保存（查询不受影响），请联系管理员：',
  'error.server': '服务器出错，请稍后重试：',
  'error.sessionExpired': '登录已失效，请重新登录',
  'error.fieldRefused': '此项未被接受，请检查后重填',

  'header.logout': '退出',
  'header.logoutTitle': '退出登录',
  'header.workspaces': '工作区',
  'header.menu': '菜单',
  'header.menuTitle': '打开导航菜单',
  'confirm.cancel': '返回',

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
  'map.popupPopulation': '人口',
  'map.popupLocation': '位置',
  'map.popupApprox': '近似（所属县代表点）',
  'map.popupExact': '已知点位',
  'map.levelCounty': '县级',
  'map.levelTownship': '乡镇级',
  'map.resetView': '全市范围',

  'nav.depots': '储备库',
  'nav.reserves': '储备概况',
  'nav.myDepot': '本库库存',
  'nav.depot': '储备库详情',

  'tier.central': '中央库',
  'tier.provincial': '省级库',
  'tier.city': '市级库',
  'tier.county': '县级库',
  'tier.township': '乡镇储备点',

  'status.active': '启用',
  'status.inactive': '停用',

  'category.shelter': '帐篷类',
  'category.bedding_clothing': '被服类',
  'category.equipment': '装具类',
  'category.food': '食品',
  'category.water': '饮用水',
  'category.hygiene': '卫生用品',
  'category.other': '其他',

  'aid.emergency': '紧急救助',
  'aid.transitional': '过渡期生活救助',
  'aid.winter_spring': '冬春救助',

  'kind.receipt': '入库',
  'kind.issue': '出库',
  'kind.transfer': '调拨出库',
  'kind.transfer_out': '调拨出库',
  'kind.transfer_in': '调拨入库',
  'kind.adjustment': '盘点调整',
  'kind.reservation': '预留',
  'kind.release': '释放预留',
  'kind.dispatch': '发运',

  'source.procured': '采购',
  'source.donated': '捐赠',
  'source.agreement': '协议储备',

  'reason.count': '盘点差异',
  'reason.damaged': '损坏',
  'reason.expired': '过期报废',
  'reason.lost': '丢失',
  'reason.found': '盘盈',

  'common.loading': '正在加载…',
  'common.loadError': '加载失败：{message}',
  'common.retry': '重试',
  'common.all': '全部',
  'common.none': '无',
  'common.readOnly': '只读',
  'common.labelled': '{label}：{value}',
  'common.people': '{n} 人',

  'depot.area': '所在区域',
  'depot.contact': '联系人',
  'depot.capacity': '库容使用',
  'fleet.title': '本库运力',
  'fleet.none': '未登记（方案不限装载）',
  'fleet.summary': '{trucks} 辆 × {kg}，每辆 {m3}，每车 {trips} 趟',
  'fleet.edit': '修改运力',
  'fleet.hint': '首批调运时本库可出动的车辆，及每车在方案时限内可往返的趟数：方案装载的各物资合计不超过各车各趟的载重和容积。',
  'fleet.trucks': '车辆数',
  'fleet.loadKg': '每车载重（千克）',
  'fleet.loadM3': '每车容积（立方米）',
  'fleet.trips': '每车往返趟数',
  'fleet.whole': '须为正整数',
  'fleet.save': '保存运力',
  'fleet.saved': '运力已保存，新编方案按此装载',
  'fleet.clear': '取消登记',
  'fleet.cleared': '已取消运力登记',
  'fleet.clearTitle': '取消本库运力登记？',
  'fleet.clearBody': '当前登记为 {fleet}。取消后，新编方案不再限制本库的装载量。',
  'depot.capacityOf': '{used} / {capacity}',
  'depot.overCapacity': '超出库容',
  'depot.readiness': '储备达标率',
  'depot.readinessHint': '已达到储备目标的比例',
  'depot.stockUnits': '在库总数',
  'depot.switch': '切换仓库',
  'depot.notFound': '未找到该储备库',
  'depot.forbidden': '您无权查看该储备库',
  'depot.noDepot': '当前账号未绑定储备库，请联系系统管理员',

  'export.title': '导出',
  'export.stockCard': '库存卡',
  'export.ledger': '台账',
  'export.failed': '导出失败：{message}',
  'export.done': '已下载 {name}',

  'stock.title': '库存',
  'stock.item': '物资',
  'stock.unit': '单位',
  'stock.onHand': '在库',
  'stock.reserved': '预留',
  'stock.available': '可用',
  'stock.target': '储备目标',
  'stock.lots': '批次 · 有效期',
  'stock.shortBy': '缺 {n}',
  'stock.noExpiry': '无有效期',
  'stock.expiresOn': '至 {date}',
  'stock.expired': '已过期',
  'stock.expiringSoon': '{days} 天内到期',
  'stock.daysLeft': '剩 {n} 天',
  'stock.daysAgo': '已过期 {n} 天',
  'stock.expiresToday': '今日到期',
  'stock.empty': '该库暂无库存',
  'stock.noLots': '—',
  'stock.legendSoon': '90 天内到期',
  'stock.legendExpired': '已过期',

  'ops.title': '出入库操作',
  'ops.readOnly': '当前角色只能查看，不能登记出入库',

  'form.item': '物资',
  'form.itemPlaceholder': '请选择物资',
  'form.quantity': '数量',
  'form.quantitySigned': '调整数量（增加为正，减少为负）',
  'form.quantityPlaceholder': '整数',
  'form.lot': '批次号',
  'form.lotAuto': '留空由系统生成',
  'form.lotFefo': '自动（先到期先出）',
  'form.lotAdjust': '增加库存时必填',
  'form.expiresOn': '有效期至',
  'form.expiresHint': '留空按保质期自动计算',
  'form.source': '来源',
  'form.sourcePlaceholder': '请选择来源',
  'form.donor': '捐赠方',
  'form.toDepot': '调入仓库',
  'form.toDepotPlaceholder': '请选择调入仓库',
  'form.itemOption': '{name}（{unit}）',
  'form.reason': '调整原因',
  'form.reasonPlaceholder': '请选择原因',
  'form.note': '备注',
  'form.available': '可用 {available}，在库 {onHand}',
  'form.lotOption': '{lot} · {qty} · {expiry}',
  'form.submitReceipt': '确认入库',
  'form.submitIssue': '确认出库',
  'form.submitTransfer': '确认调拨',
  'form.submitAdjustment': '确认调整',
  'form.submitting': '正在提交…',
  'form.notEnough': '可用数量不足：当前可用 {n}',
  'form.retryHint': '请求未完成，结果未知。再次提交将使用同一请求编号，不会重复登记。',
  'form.transferHint': '调出后物资处于在途状态，待调入仓库确认收货后入账。',
  'form.fixErrors': '请修正标出的字段',

  'toast.receipt': '已入库 {qty} {name}（批次 {lot}）',
  'toast.issue': '已出库 {qty} {name}',
  'toast.transfer': '已调出 {qty} {name} 至 {to}',
  'toast.adjustment': '已调整 {name} {qty}',
  'toast.received': '已确认收货：{qty} {name}',
  'toast.close': '关闭',

  'stock.err.itemRequired': '请选择物资',
  'stock.err.itemUnknown': '物资目录中没有该物资',
  'stock.err.quantityRequired': '请输入数量',
  'stock.err.quantityInteger': '数量必须是整数，不能有小数',
  'stock.err.quantityNumber': '请输入整数',
  'stock.err.quantityPositive': '数量必须大于 0',
  'stock.err.quantityNonZero': '调整数量不能为 0',
  'stock.err.quantityTooLarge': '数量过大',
  'stock.err.lotTooLong': '批次号过长（最多 64 个字符）',
  'stock.err.lotRequiredForIncrease': '增加库存时必须填写批次号',
  'stock.err.noteTooLong': '备注过长（最多 500 个字符）',
  'stock.err.dateInvalid': '日期格式应为 年-月-日',
  'stock.err.expiryPast': '有效期不能早于今天',
  'stock.err.sourceRequired': '请选择来源',
  'stock.err.donorRequired': '捐赠物资须填写捐赠方',
  'stock.err.donorTooLong': '捐赠方名称过长',
  'stock.err.toDepotRequired': '请选择调入仓库',
  'stock.err.toDepotSame': '不能调拨到本库',
  'stock.err.reasonRequired': '请选择调整原因',

  'transfers.title': '调拨在途',
  'transfers.incoming': '待本库收货',
  'transfers.outgoing': '本库调出，待对方确认',
  'transfers.none': '暂无在途调拨',
  'transfers.from': '调出仓库',
  'transfers.to': '调入仓库',
  'transfers.sent': '调出时间',
  'transfers.by': '经办人',
  'transfers.receive': '收货确认',
  'transfers.receiving': '正在确认…',

  'history.title': '出入库记录',
  'history.kind': '类型',
  'history.itemFilter': '物资',
  'history.time': '时间',
  'history.change': '数量变化',
  'history.lots': '批次',
  'history.details': '说明',
  'history.actor': '经办人',
  'history.more': '加载更多',
  'history.empty': '暂无记录',
  'history.shown': '已显示 {n} 条',
  'history.end': '已全部加载',
  'history.donor': '捐赠方：{donor}',
  'history.to': '调往：{depot}',
  'history.transferNo': '调拨单 #{id}',

  'depots.title': '储备库',
  'depots.count': '共 {n} 个储备库（点）',
  'depots.name': '名称',
  'depots.tier': '级别',
  'depots.area': '所在区域',
  'depots.readiness': '储备达标率',
  'depots.capacity': '库容使用',
  'depots.units': '在库总数',
  'depots.status': '状态',
  'depots.tierFilter': '级别',
  'depots.empty': '暂无储备库',

  'reserves.title': '储备概况',
  'reserves.belowTarget': '低于储备目标',
  'reserves.expiring': '临期与过期批次',
  'reserves.overCapacity': '超出库容',
  'reserves.belowCount': '{n} 项',
  'reserves.expiringCount': '{n} 批',
  'reserves.overCount': '{n} 个仓库',
  'reserves.within': '到期范围',
  'reserves.withinDays': '{n} 天内',
  'reserves.depot': '储备库',
  'reserves.item': '物资',
  'reserves.lot': '批次',
  'reserves.quantity': '数量',
  'reserves.expiresOn': '有效期至',
  'reserves.daysLeft': '剩余天数',
  'reserves.onHandTarget': '在库 / 目标',
  'reserves.fill': '达标',
  'reserves.used': '已用 / 库容',
  'reserves.over': '超出',
  'reserves.noneBelow': '所有储备均达到目标',
  'reserves.noneExpiring': '没有临期批次',
  'reserves.noneOver': '没有超出库容的仓库',
  'reserves.readiness': '各县（市、区）保障能力',
  'reserves.readinessHint': '按各救助类型的定额，本县储备库与市级储备库的可用库存可保障的人数',
  'reserves.county': '县（市、区）',
  'reserves.population': '人口',
  'reserves.sortBy': '按保障比例排序',
  'reserves.bottleneck': '短板：{item}',
  'reserves.noNorm': '未设定额',
  'reserves.showAll': '显示全部 {n} 条',
  'reserves.showLess': '收起',

  'map.depots': '储备库',
  'map.legendDepotHigh': '达标率 ≥ 80%',
  'map.legendDepotMid': '50%–80%',
  'map.legendDepotLow': '低于 50%',
  'map.legendDepotInactive': '停用',
  'map.legendDepotSize': '圆点大小表示在库数量',
  'map.depotToggle': '显示储备库',
  'map.popupTier': '级别',
  'map.popupReadiness': '达标率',
  'map.popupUnits': '在库总数',
  'map.popupStatus': '状态',
  'map.openDepot': '查看库存 →',

  'ops.tabReceipt': '入库',
  'ops.tabIssue': '出库',
  'ops.tabTransfer': '调拨',
  'ops.tabAdjustment': '盘点调整',
  'transfers.no': '单号',
  'common.actions': '操作',

  'route.notFound': '页面不存在',
  'route.forbidden': '当前角色无权访问此页面',
  ...DISASTER_ZH,
  ...PLANS_ZH,
  ...HOUSEHOLDS_ZH,
  ...ADMIN_ZH,
  ...APPLICATIONS_ZH,
  ...OFFLINE_ZH,
  ...WINTERSPRING_ZH,
  ...REBUILD_ZH,
  ...CASES_ZH,
  ...CHECKS_ZH,
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
  'error.forbidden': 'Not allowed: ',
  'error.notFound': 'Not found: ',
  'error.conflict': 'Conflict: ',
  'error.stale': 'Someone changed this record after you opened it: reload it and make your change again.',
  'error.tooLarge': 'Too large: ',
  'error.unsupported': 'Unsupported: ',
  'error.invalid': 'Refused: ',
  'error.throttled': 'Too many requests, try again later: ',
  'error.unavailable': 'The database cannot be reached right now, try again shortly: ',
  'error.storageFull': 'The server\'s disk is full; nothing was saved (reading still works). Tell the administrator: ',
  'error.server': 'Server error, try again later: ',
  'error.sessionExpired': 'Your session has ended. Please sign in again.',
  'error.fieldRefused': 'Not accepted: check it and try again',

  'header.logout': 'Sign out',
  'header.logoutTitle': 'Sign out',
  'header.workspaces': 'Workspaces',
  'header.menu': 'Menu',
  'header.menuTitle': 'Open the navigation menu',
  'confirm.cancel': 'Go back',

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
  'map.popupPopulation': 'Population',
  'map.popupLocation': 'Location',
  'map.popupApprox': "Approximate (county's representative point)",
  'map.popupExact': 'Known point',
  'map.levelCounty': 'County',
  'map.levelTownship': 'Township',
  'map.resetView': 'Whole city',

  'nav.depots': 'Depots',
  'nav.reserves': 'Reserves',
  'nav.myDepot': 'My depot',
  'nav.depot': 'Depot',

  'tier.central': 'Central',
  'tier.provincial': 'Provincial',
  'tier.city': 'City',
  'tier.county': 'County',
  'tier.township': 'Township',

  'status.active': 'Active',
  'status.inactive': 'Inactive',

  'category.shelter': 'Shelter',
  'category.bedding_clothing': 'Bedding & clothing',
  'category.equipment': 'Equipment',
  'category.food': 'Food',
  'category.water': 'Water',
  'category.hygiene': 'Hygiene',
  'category.other': 'Other',

  'aid.emergency': 'Emergency',
  'aid.transitional': 'Transitional',
  'aid.winter_spring': 'Winter–spring',

  'kind.receipt': 'Receipt',
  'kind.issue': 'Issue',
  'kind.transfer': 'Transfer out',
  'kind.transfer_out': 'Transfer out',
  'kind.transfer_in': 'Transfer in',
  'kind.adjustment': 'Adjustment',
  'kind.reservation': 'Reservation',
  'kind.release': 'Release',
  'kind.dispatch': 'Dispatch',

  'source.procured': 'Procured',
  'source.donated': 'Donated',
  'source.agreement': 'Agreement reserve',

  'reason.count': 'Stock count',
  'reason.damaged': 'Damaged',
  'reason.expired': 'Expired',
  'reason.lost': 'Lost',
  'reason.found': 'Found',

  'common.loading': 'Loading…',
  'common.loadError': 'Could not load: {message}',
  'common.retry': 'Retry',
  'common.all': 'All',
  'common.none': 'None',
  'common.readOnly': 'Read only',
  'common.labelled': '{label}: {value}',
  'common.people': '{n} people',

  'depot.area': 'Area',
  'depot.contact': 'Contact',
  'depot.capacity': 'Capacity used',
  'fleet.title': 'Own trucks',
  'fleet.none': 'Not counted (plans load without a limit)',
  'fleet.summary': '{trucks} × {kg}, {m3} each; round trips per truck: {trips}',
  'fleet.edit': 'Edit trucks',
  'fleet.hint': "The trucks this depot can send in a plan's first wave, and the round trips each makes before the plan's deadline: a plan loads no more, over all its items, than they carry by weight and by volume in those trips.",
  'fleet.trucks': 'Trucks',
  'fleet.loadKg': 'Load per truck (kg)',
  'fleet.loadM3': 'Space per truck (m³)',
  'fleet.trips': 'Round trips per truck',
  'fleet.whole': 'A whole number of at least 1',
  'fleet.save': 'Save trucks',
  'fleet.saved': 'Trucks saved: new plans load by them',
  'fleet.clear': 'Stop counting',
  'fleet.cleared': 'Trucks no longer counted',
  'fleet.clearTitle': "Stop counting this depot's trucks?",
  'fleet.clearBody': 'Now: {fleet}. New plans will then load this depot without a limit.',
  'depot.capacityOf': '{used} of {capacity}',
  'depot.overCapacity': 'Over capacity',
  'depot.readiness': 'Reserve readiness',
  'depot.readinessHint': 'Share of reserve targets met',
  'depot.stockUnits': 'Units on hand',
  'depot.switch': 'Switch depot',
  'depot.notFound': 'Depot not found',
  'depot.forbidden': 'You cannot open this depot',
  'depot.noDepot': 'This account is not bound to a depot. Ask an administrator.',

  'export.title': 'Export',
  'export.stockCard': 'Stock card',
  'export.ledger': 'Ledger',
  'export.failed': 'Export failed: {message}',
  'export.done': 'Downloaded {name}',

  'stock.title': 'Stock',
  'stock.item': 'Item',
  'stock.unit': 'Unit',
  'stock.onHand': 'On hand',
  'stock.reserved': 'Reserved',
  'stock.available': 'Available',
  'stock.target': 'Target',
  'stock.lots': 'Lots · expiry',
  'stock.shortBy': '{n} short',
  'stock.noExpiry': 'No expiry',
  'stock.expiresOn': 'until {date}',
  'stock.expired': 'Expired',
  'stock.expiringSoon': 'Expires within {days} days',
  'stock.daysLeft': '{n} days left',
  'stock.daysAgo': 'Expired {n} days ago',
  'stock.expiresToday': 'Expires today',
  'stock.empty': 'No stock in this depot',
  'stock.noLots': '—',
  'stock.legendSoon': 'Expires within 90 days',
  'stock.legendExpired': 'Expired',

  'ops.title': 'Stock movements',
  'ops.readOnly': 'Your role can view this depot but not record movements',

  'form.item': 'Item',
  'form.itemPlaceholder': 'Choose an item',
  'form.quantity': 'Quantity',
  'form.quantitySigned': 'Change (positive adds, negative removes)',
  'form.quantityPlaceholder': 'Whole number',
  'form.lot': 'Lot',
  'form.lotAuto': 'Generated if empty',
  'form.lotFefo': 'Automatic (earliest expiry first)',
  'form.lotAdjust': 'Required when adding stock',
  'form.expiresOn': 'Expires on',
  'form.expiresHint': 'Empty: derived from the shelf life',
  'form.source': 'Source',
  'form.sourcePlaceholder': 'Choose a source',
  'form.donor': 'Donor',
  'form.toDepot': 'Receiving depot',
  'form.toDepotPlaceholder': 'Choose the receiving depot',
  'form.itemOption': '{name} ({unit})',
  'form.reason': 'Reason',
  'form.reasonPlaceholder': 'Choose a reason',
  'form.note': 'Note',
  'form.available': '{available} available, {onHand} on hand',
  'form.lotOption': '{lot} · {qty} · {expiry}',
  'form.submitReceipt': 'Record receipt',
  'form.submitIssue': 'Record issue',
  'form.submitTransfer': 'Record transfer',
  'form.submitAdjustment': 'Record adjustment',
  'form.submitting': 'Submitting…',
  'form.notEnough': 'Not enough available: {n} now',
  'form.retryHint': 'The request did not complete and its outcome is unknown. Submitting again reuses the same request key, so it is not recorded twice.',
  'form.transferHint': 'Transferred stock is in transit until the receiving depot confirms it.',
  'form.fixErrors': 'Please correct the marked fields',

  'toast.receipt': 'Received {qty} {name} (lot {lot})',
  'toast.issue': 'Issued {qty} {name}',
  'toast.transfer': 'Transferred {qty} {name} to {to}',
  'toast.adjustment': 'Adjusted {name} by {qty}',
  'toast.received': 'Received: {qty} {name}',
  'toast.close': 'Close',

  'stock.err.itemRequired': 'Choose an item',
  'stock.err.itemUnknown': 'This item is not in the catalogue',
  'stock.err.quantityRequired': 'Enter a quantity',
  'stock.err.quantityInteger': 'The quantity must be a whole number, without decimals',
  'stock.err.quantityNumber': 'Enter a whole number',
  'stock.err.quantityPositive': 'The quantity must be greater than 0',
  'stock.err.quantityNonZero': 'The change cannot be 0',
  'stock.err.quantityTooLarge': 'The quantity is too large',
  'stock.err.lotTooLong': 'The lot is too long (64 characters at most)',
  'stock.err.lotRequiredForIncrease': 'Enter a lot when adding stock',
  'stock.err.noteTooLong': 'The note is too long (500 characters at most)',
  'stock.err.dateInvalid': 'Enter a date as YYYY-MM-DD',
  'stock.err.expiryPast': 'The expiry date cannot be in the past',
  'stock.err.sourceRequired': 'Choose a source',
  'stock.err.donorRequired': 'Enter the donor of donated goods',
  'stock.err.donorTooLong': 'The donor name is too long',
  'stock.err.toDepotRequired': 'Choose the receiving depot',
  'stock.err.toDepotSame': 'Cannot transfer to this same depot',
  'stock.err.reasonRequired': 'Choose a reason',

  'transfers.title': 'Transfers in transit',
  'transfers.incoming': 'Incoming, to confirm',
  'transfers.outgoing': 'Outgoing, awaiting confirmation',
  'transfers.none': 'No transfers in transit',
  'transfers.from': 'From',
  'transfers.to': 'To',
  'transfers.sent': 'Sent',
  'transfers.by': 'By',
  'transfers.receive': 'Confirm receipt',
  'transfers.receiving': 'Confirming…',

  'history.title': 'Movement history',
  'history.kind': 'Type',
  'history.itemFilter': 'Item',
  'history.time': 'Time',
  'history.change': 'Change',
  'history.lots': 'Lots',
  'history.details': 'Details',
  'history.actor': 'By',
  'history.more': 'Load more',
  'history.empty': 'No movements',
  'history.shown': '{n} shown',
  'history.end': 'All loaded',
  'history.donor': 'Donor: {donor}',
  'history.to': 'To: {depot}',
  'history.transferNo': 'Transfer #{id}',

  'depots.title': 'Depots',
  'depots.count': '{n} depots',
  'depots.name': 'Name',
  'depots.tier': 'Tier',
  'depots.area': 'Area',
  'depots.readiness': 'Readiness',
  'depots.capacity': 'Capacity used',
  'depots.units': 'Units on hand',
  'depots.status': 'Status',
  'depots.tierFilter': 'Tier',
  'depots.empty': 'No depots',

  'reserves.title': 'Reserve overview',
  'reserves.belowTarget': 'Below reserve target',
  'reserves.expiring': 'Expiring and expired lots',
  'reserves.overCapacity': 'Over capacity',
  'reserves.belowCount': '{n}',
  'reserves.expiringCount': '{n}',
  'reserves.overCount': '{n}',
  'reserves.within': 'Expiring within',
  'reserves.withinDays': '{n} days',
  'reserves.depot': 'Depot',
  'reserves.item': 'Item',
  'reserves.lot': 'Lot',
  'reserves.quantity': 'Quantity',
  'reserves.expiresOn': 'Expires on',
  'reserves.daysLeft': 'Days left',
  'reserves.onHandTarget': 'On hand / target',
  'reserves.fill': 'Met',
  'reserves.used': 'Used / capacity',
  'reserves.over': 'Over by',
  'reserves.noneBelow': 'Every reserve target is met',
  'reserves.noneExpiring': 'No lots expiring',
  'reserves.noneOver': 'No depot is over capacity',
  'reserves.readiness': 'Coverage by county',
  'reserves.readinessHint': 'People that the available stock of the county\'s depots and the city depots can serve, under each aid type\'s norms',
  'reserves.county': 'County',
  'reserves.population': 'Population',
  'reserves.sortBy': 'Sort by share',
  'reserves.bottleneck': 'Bottleneck: {item}',
  'reserves.noNorm': 'No norm',
  'reserves.showAll': 'Show all {n}',
  'reserves.showLess': 'Show less',

  'map.depots': 'Depots',
  'map.legendDepotHigh': 'Readiness ≥ 80%',
  'map.legendDepotMid': '50–80%',
  'map.legendDepotLow': 'Below 50%',
  'map.legendDepotInactive': 'Inactive',
  'map.legendDepotSize': 'Circle size shows units on hand',
  'map.depotToggle': 'Show depots',
  'map.popupTier': 'Tier',
  'map.popupReadiness': 'Readiness',
  'map.popupUnits': 'Units on hand',
  'map.popupStatus': 'Status',
  'map.openDepot': 'Open depot →',

  'ops.tabReceipt': 'Receive',
  'ops.tabIssue': 'Issue',
  'ops.tabTransfer': 'Transfer',
  'ops.tabAdjustment': 'Adjust',
  'transfers.no': 'No.',
  'common.actions': 'Action',

  'route.notFound': 'Page not found',
  'route.forbidden': 'Your role cannot open this page',
  ...DISASTER_EN,
  ...PLANS_EN,
  ...HOUSEHOLDS_EN,
  ...ADMIN_EN,
  ...APPLICATIONS_EN,
  ...OFFLINE_EN,
  ...WINTERSPRING_EN,
  ...REBUILD_EN,
  ...CASES_EN,
  ...CHECKS_EN,
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

/** The table's name for a value (`label('hazard', 'flood')` → 洪涝), else `fallback`, else the value itself. */
export function label(prefix: string, value: string | null | undefined, fallback?: string): string {
  if (!value) return fallback ?? '';
  const key = `${prefix}.${value}` as MsgKey;
  const s = t(key);
  return s === key ? (fallback ?? value) : s;
}

/** A message of the table with its parameters. */
export interface KeyedMsg {
  key: MsgKey;
  params?: Params;
}

/** A message to show: a table key (re-translated on a language switch) or the server's text. */
export type Msg = KeyedMsg | { text: string };

export function msgText(m: Msg): string {
  return 'key' in m ? t(m.key, m.params) : m.text;
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
