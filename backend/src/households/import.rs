//! Household files' columns and checking household fields — pure (no database, no keys). The
//! files themselves are read by [`crate::upload`] with [`COLUMNS`].

use std::collections::HashMap;

use chrono::NaiveDate;
use h3o::Resolution;

use super::idnumber::{IdNumber, mask_account, mask_name};
use super::pii::Pii;
use super::{Enrolment, HouseholdType, Member, Programme};
use crate::areas::{AreaCode, Level};
use crate::error::{FieldError, Said};
use crate::said;
pub use crate::upload::RowError;
use crate::upload::{Columns, RawRow};

/// Canonical column → accepted headers. The first five are required.
pub const COLUMNS: Columns = Columns { all: HOUSEHOLD_COLUMNS, required: 5 };
const HOUSEHOLD_COLUMNS: &[(&str, &[&str])] = &[
    ("head_name", &["head_name", "户主姓名", "户主"]),
    ("head_id_number", &["head_id_number", "身份证号", "户主身份证号", "身份证号码", "户主身份证号码"]),
    ("members", &["members", "家庭人口", "家庭人口数", "人口"]),
    ("area_code", &["area_code", "区划代码", "行政区划代码"]),
    ("address", &["address", "家庭住址", "住址"]),
    ("household_type", &["household_type", "家庭类型"]),
    ("programmes", &["programmes", "programs", "救助项目"]),
    ("bank_account", &["bank_account", "一卡通账号", "一卡通帐号", "银行账号"]),
    ("lon", &["lon", "经度"]),
    ("lat", &["lat", "纬度"]),
];

/// A household's fields, checked and normalized, before the ID number is sealed.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdInput {
    pub head_name: String,
    /// Never logged (its Debug form is masked).
    pub id_number: IdNumber,
    pub members: i64,
    pub member_list: Vec<Member>,
    pub address: String,
    pub area_code: AreaCode,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cell: Option<i64>,
    pub household_type: HouseholdType,
    pub programmes: Vec<Enrolment>,
    pub bank_account: Option<String>,
}

/// A household ready to store: the ID number and bank account as hash, mask and ciphertext.
#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub head_name: String,
    pub name_masked: String,
    pub id_hash: String,
    pub id_masked: String,
    pub id_encrypted: String,
    pub members: i64,
    pub member_list: Vec<Member>,
    pub address: String,
    pub area_code: AreaCode,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cell: Option<i64>,
    pub household_type: String,
    pub programmes: Vec<Enrolment>,
    pub bank_masked: Option<String>,
    pub bank_encrypted: Option<String>,
}

impl HouseholdInput {
    pub fn seal(&self, pii: &Pii) -> NewHousehold {
        NewHousehold {
            head_name: self.head_name.clone(),
            name_masked: mask_name(&self.head_name),
            id_hash: pii.id_hash(self.id_number.as_str()),
            id_masked: self.id_number.masked(),
            id_encrypted: pii.encrypt(self.id_number.as_str()),
            members: self.members,
            member_list: self.member_list.clone(),
            address: self.address.clone(),
            area_code: self.area_code.clone(),
            lon: self.lon,
            lat: self.lat,
            cell: self.cell,
            household_type: self.household_type.code(),
            programmes: self.programmes.clone(),
            bank_masked: self.bank_account.as_deref().map(mask_account),
            bank_encrypted: self.bank_account.as_deref().map(|a| pii.encrypt(a)),
        }
    }
}

/// What field checks need from outside: the areas and the caller's scope.
pub struct Checker<'a> {
    /// area code → level
    pub areas: &'a HashMap<AreaCode, Level>,
    /// Whether the caller may register households in an area.
    pub can_reach: &'a (dyn Fn(&str) -> bool + Sync),
    pub resolution: Resolution,
    pub today: NaiveDate,
}

impl Checker<'_> {
    pub fn name(&self, name: &str, problems: &mut Vec<FieldError>) -> String {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            problems.push(FieldError::new(
                "head_name",
                said!("text_required", "required, at most {max} characters", max = 50),
            ));
        } else if name.chars().any(|c| c.is_ascii_digit() || c.is_control()) {
            problems.push(FieldError::new("head_name", said!("name_digits", "a name has no digits")));
        }
        name.to_owned()
    }

    pub fn id_number(&self, text: &str, problems: &mut Vec<FieldError>) -> Option<IdNumber> {
        if text.trim().is_empty() {
            problems.push(FieldError::new("head_id_number", said!("required", "required")));
            return None;
        }
        IdNumber::parse(text).map_err(|e| problems.push(FieldError::new("head_id_number", e))).ok()
    }

    pub fn members(&self, members: i64, problems: &mut Vec<FieldError>) {
        if members < 1 {
            problems.push(FieldError::new("members", said!("members_min", "a household has at least 1 member")));
        } else if members > 50 {
            problems.push(FieldError::new("members", said!("members_max", "at most {max} members", max = 50)));
        }
    }

    pub fn member_list(&self, list: &[Member], members: i64, problems: &mut Vec<FieldError>) {
        if list.len() as i64 > members.max(0) {
            problems.push(FieldError::new(
                "member_list",
                said!("member_list_long", "lists more members than the household has"),
            ));
        }
        if list.iter().any(|m| m.relation.trim().is_empty() || m.relation.chars().count() > 20) {
            problems.push(FieldError::new(
                "member_list",
                said!("member_relation", "each member needs a relation (at most 20 characters)"),
            ));
        }
    }

    pub fn address(&self, address: &str, problems: &mut Vec<FieldError>) -> String {
        let address = address.trim();
        if address.is_empty() || address.chars().count() > 200 {
            problems.push(FieldError::new(
                "address",
                said!("text_required", "required, at most {max} characters", max = 200),
            ));
        }
        address.to_owned()
    }

    pub fn area(&self, code: &str, problems: &mut Vec<FieldError>) -> Option<AreaCode> {
        let code = code.trim();
        let mut refuse = |reason: Said| {
            problems.push(FieldError::new("area_code", reason));
            None
        };
        match self.areas.get_key_value(code) {
            None if code.is_empty() => refuse(said!("required", "required")),
            None => refuse(said!("area_unknown", "unknown area {area}", area = code)),
            Some((_, Level::Township | Level::Village)) if !(self.can_reach)(code) => {
                refuse(said!("area_out_of_scope", "area {area} is outside your scope", area = code))
            }
            Some((known, Level::Township | Level::Village)) => Some(known.clone()),
            Some(_) => refuse(said!("household_area_level", "households belong to a township or village")),
        }
    }

    /// Both coordinates or neither; a located household gets its H3 cell.
    pub fn location(&self, lon: Option<f64>, lat: Option<f64>, problems: &mut Vec<FieldError>) -> Option<i64> {
        match (lon, lat) {
            (None, None) => None,
            (Some(lon), Some(lat)) if (73.0..=136.0).contains(&lon) && (3.0..=54.0).contains(&lat) => {
                match crate::areas::import::cell_of(lon, lat, self.resolution) {
                    Ok(cell) => Some(cell),
                    Err(e) => {
                        problems.push(FieldError::new("lon", e));
                        None
                    }
                }
            }
            (Some(_), Some(_)) => {
                problems.push(FieldError::new(
                    "lon",
                    said!("location_outside", "the location must lie in China (WGS84 longitude 73–136, latitude 3–54)"),
                ));
                None
            }
            _ => {
                problems.push(FieldError::new(
                    if lon.is_none() { "lon" } else { "lat" },
                    said!("location_half", "give both longitude and latitude, or neither"),
                ));
                None
            }
        }
    }

    pub fn bank_account(&self, text: Option<&str>, problems: &mut Vec<FieldError>) -> Option<String> {
        let account: String = text?.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if account.is_empty() {
            return None;
        }
        if !account.chars().all(|c| c.is_ascii_digit()) || !(10..=30).contains(&account.len()) {
            problems.push(FieldError::new(
                "bank_account",
                said!("bank_account_digits", "an account number has 10 to 30 digits"),
            ));
        }
        Some(account)
    }

    pub fn programmes(&self, list: &[Enrolment], problems: &mut Vec<FieldError>) {
        if list.iter().any(|e| e.until.is_some_and(|u| u < e.since)) {
            problems.push(FieldError::new(
                "programmes",
                said!("enrolment_ends_first", "an enrolment cannot end before it starts"),
            ));
        }
        if list.iter().any(|e| e.since > self.today) {
            problems.push(FieldError::new(
                "programmes",
                said!("enrolment_future", "an enrolment cannot start in the future"),
            ));
        }
    }

    /// Checks one row of a file.
    pub fn row(&self, row: &RawRow) -> Result<HouseholdInput, Vec<FieldError>> {
        let mut problems = Vec::new();
        let head_name = self.name(row.get("head_name"), &mut problems);
        let id_number = self.id_number(row.get("head_id_number"), &mut problems);
        let members = match row.get("members") {
            "" => {
                problems.push(FieldError::new("members", said!("required", "required")));
                0
            }
            text => match parse_whole(text) {
                Some(n) => {
                    self.members(n, &mut problems);
                    n
                }
                None => {
                    problems.push(FieldError::new("members", said!("not_whole", "must be a whole number")));
                    0
                }
            },
        };
        let area_code = self.area(row.get("area_code"), &mut problems);
        let address = self.address(row.get("address"), &mut problems);
        let household_type = match row.get("household_type") {
            "" => HouseholdType::General,
            text => HouseholdType::parse(text).unwrap_or_else(|| {
                let known: Vec<&str> = HouseholdType::ALL.iter().map(|t| t.label_zh()).collect();
                problems.push(FieldError::new(
                    "household_type",
                    said!(
                        "household_type_unknown",
                        "unknown household type {text:?}; one of {choices}",
                        text = text,
                        choices = known.join(", ")
                    ),
                ));
                HouseholdType::General
            }),
        };
        let programmes = parse_programmes(row.get("programmes"), self.today).unwrap_or_else(|reason| {
            problems.push(FieldError::new("programmes", reason));
            Vec::new()
        });
        self.programmes(&programmes, &mut problems);
        let bank_account = self.bank_account(Some(row.get("bank_account")), &mut problems);
        let coordinate = |column: &'static str, problems: &mut Vec<FieldError>| match row.get(column) {
            "" => None,
            text => text.parse::<f64>().ok().filter(|v| v.is_finite()).or_else(|| {
                problems.push(FieldError::new(column, said!("degrees", "a decimal number of degrees (WGS84)")));
                None
            }),
        };
        let (lon, lat) = (coordinate("lon", &mut problems), coordinate("lat", &mut problems));
        let cell = if problems.iter().any(|p| p.field == "lon" || p.field == "lat") {
            None
        } else {
            self.location(lon, lat, &mut problems)
        };
        let (Some(id_number), Some(area_code), true) = (id_number, area_code, problems.is_empty()) else {
            return Err(problems);
        };
        Ok(HouseholdInput {
            head_name,
            id_number,
            members,
            member_list: Vec::new(),
            address,
            area_code,
            lon,
            lat,
            cell,
            household_type,
            programmes,
            bank_account,
        })
    }
}

/// `3`, ` 3 `, `3.0` (spreadsheets) → 3; `-1` → -1; `2.5`, `three` → None.
fn parse_whole(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>()
        .ok()
        .or_else(|| text.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 1e9).map(|f| f as i64))
}

/// `低保;医疗救助@2023-05-01` — programme names (Chinese or codes) separated by semicolons,
/// each optionally with its start date after `@` or `:` (default: today).
pub fn parse_programmes(text: &str, today: NaiveDate) -> Result<Vec<Enrolment>, Said> {
    let mut list: Vec<Enrolment> = Vec::new();
    for item in text.split([';', '；', '、']).map(str::trim).filter(|s| !s.is_empty()) {
        let (name, since) = match item.split_once(['@', ':', '：']) {
            Some((name, date)) => {
                let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                    .map_err(|_| crate::said!("programme_date", "{item:?}: the date is YYYY-MM-DD", item = item))?;
                (name.trim(), date)
            }
            None => (item, today),
        };
        let programme = Programme::parse(name).ok_or_else(|| {
            let known: Vec<&str> = Programme::ALL.iter().map(|p| p.label_zh()).collect();
            crate::said!(
                "programme_unknown",
                "unknown programme {name:?}; one of {known}",
                name = name,
                known = known.join("、")
            )
        })?;
        if list.iter().any(|e| e.programme == programme) {
            return Err(crate::said!(
                "programme_twice",
                "{programme} is listed twice",
                programme = crate::text_enum::enum_text(programme)
            ));
        }
        list.push(Enrolment { programme, since, until: None });
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::{FileError, FileKind, decode_text};

    fn read_rows(bytes: &[u8], kind: FileKind) -> Result<Vec<RawRow>, FileError> {
        crate::upload::read_rows(bytes, kind, COLUMNS)
    }

    fn areas() -> HashMap<AreaCode, Level> {
        [
            ("360425100", Level::Township),
            ("360425100201", Level::Village),
            ("360425", Level::County),
            ("360428100", Level::Township),
        ]
        .into_iter()
        .map(|(c, l)| (c.into(), l))
        .collect()
    }

    fn checker<'a>(areas: &'a HashMap<AreaCode, Level>, reach: &'a (dyn Fn(&str) -> bool + Sync)) -> Checker<'a> {
        Checker {
            areas,
            can_reach: reach,
            resolution: Resolution::Seven,
            today: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        }
    }

    const HEADER: &str =
        "head_name,head_id_number,members,area_code,address,household_type,programmes,bank_account,lon,lat\n";

    #[test]
    fn utf8_with_bom_and_gbk_decode_to_the_same_text() {
        let text = "户主姓名,身份证号\n张某甲,11010519491231002X\n";
        let mut utf8 = vec![0xEF, 0xBB, 0xBF];
        utf8.extend(text.as_bytes());
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable);
        assert_ne!(gbk.as_ref(), text.as_bytes());
        assert_eq!(decode_text(&utf8).unwrap(), text);
        assert_eq!(decode_text(&gbk).unwrap(), text);
        assert_eq!(decode_text(&[0x41, 0xFF, 0xFF, 0x0A]).unwrap_err().field, "encoding");
    }

    #[test]
    fn headers_in_either_language_map_to_columns() {
        let chinese =
            "户主姓名,身份证号,家庭人口,区划代码,家庭住址,备注\n张某甲,11010519491231002X,3,360425100,某村1号,x\n";
        let rows = read_rows(chinese.as_bytes(), FileKind::Csv).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].get("head_name"), "张某甲");
        assert_eq!(rows[0].get("members"), "3");
        assert_eq!(rows[0].get("lon"), "", "absent optional columns read as empty");
        let wrong = "name,id,members\n张某甲,1,3\n";
        let error = read_rows(wrong.as_bytes(), FileKind::Csv).unwrap_err();
        assert_eq!(error.field, "header");
        let said = &error.reason.text;
        assert!(said.contains("head_name") && said.contains("area_code"), "{said}");
        assert_eq!(error.reason.code, "columns_missing");
        assert_eq!(read_rows(b"", FileKind::Csv).unwrap_err().field, "file");
        let twice = "head_name,户主姓名,head_id_number,members,area_code,address\n";
        assert_eq!(read_rows(twice.as_bytes(), FileKind::Csv).unwrap_err().field, "header");
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let areas = areas();
        let reach = |code: &str| code.starts_with("360425");
        let checker = checker(&areas, &reach);
        let text = format!(
            "{HEADER}\
             张某甲,11010519491231002x,3,360425100,永修县某村1号,低保,低保@2020-03-01;医疗救助,6217 0012 3456 7890,115.8,29.03\n\
             李某乙,110105194912310021,-2,360499999,,外星户,扶贫,12ab,115.8,\n\
             王某丙,11010519491231002X,2,360428100,都昌县某村,,,,,\n\
             赵某丁,11010519491231002X,2,360425,永修县,,,,,\n\
             \n"
        );
        let rows = read_rows(text.as_bytes(), FileKind::Csv).unwrap();
        assert_eq!(rows.len(), 4, "blank lines are skipped");
        let good = checker.row(&rows[0]).unwrap();
        assert_eq!(good.id_number.as_str(), "11010519491231002X");
        assert_eq!(good.household_type, HouseholdType::Dibao);
        assert_eq!(good.programmes.len(), 2);
        assert_eq!(good.programmes[0].since, NaiveDate::from_ymd_opt(2020, 3, 1).unwrap());
        assert_eq!(good.programmes[1].since, checker.today);
        assert_eq!(good.bank_account.as_deref(), Some("6217001234567890"));
        assert!(good.cell.is_some());
        let bad = checker.row(&rows[1]).unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|p| p.field.as_str()).collect();
        for field in
            ["head_id_number", "members", "area_code", "address", "household_type", "programmes", "bank_account", "lat"]
        {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        assert!(bad.iter().all(|p| !p.reason.contains("110105194912310021")), "reasons never repeat the ID number");
        assert_eq!(checker.row(&rows[2]).unwrap_err()[0].reason, "area 360428100 is outside your scope");
        assert_eq!(checker.row(&rows[3]).unwrap_err()[0].reason, "households belong to a township or village");
    }

    #[test]
    fn programme_lists() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(parse_programmes("", today).unwrap(), vec![]);
        let list = parse_programmes("dibao；临时救助：2025-12-01", today).unwrap();
        assert_eq!(list.iter().map(|e| e.programme).collect::<Vec<_>>(), vec![Programme::Dibao, Programme::Temporary]);
        assert!(parse_programmes("低保;低保", today).is_err());
        assert!(parse_programmes("低保@2025-13-01", today).is_err());
        assert_eq!(parse_whole("3.0"), Some(3));
        assert_eq!(parse_whole("-1"), Some(-1));
        assert_eq!(parse_whole("2.5"), None);
    }

    #[test]
    fn xlsx_files_are_read_from_the_first_sheet() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (c, h) in ["户主姓名", "身份证号", "家庭人口", "区划代码", "家庭住址"].iter().enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "张某甲").unwrap();
        sheet.write_string(1, 1, "11010519491231002X").unwrap();
        sheet.write_number(1, 2, 3.0).unwrap();
        sheet.write_string(1, 3, "360425100").unwrap();
        sheet.write_string(1, 4, "某村").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let rows = read_rows(&bytes, FileKind::Xlsx).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].get("members"), "3");
        assert_eq!(rows[0].get("head_id_number"), "11010519491231002X");
        assert_eq!(read_rows(b"PK not really", FileKind::Xlsx).unwrap_err().field, "file");
    }
}
