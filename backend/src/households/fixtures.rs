//! Writes the household import fixtures of the API tests (`tests/fixtures/households/`):
//!
//! ```sh
//! cargo test -p jiuzai --lib households::fixtures -- --ignored
//! ```
//!
//! All names and ID numbers are made up (birth years 1935, which the demo never uses); the ID
//! numbers carry valid check digits except where a file tests a wrong one.

use chrono::NaiveDate;

use super::idnumber::compose;

/// (name, birth day in January 1935, members, area, address, type, programmes, account, lon, lat)
type Row = (
    &'static str,
    u32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub const UTF8_ROWS: &[Row] = &[
    (
        "张测甲",
        1,
        "3",
        "360425105",
        "滩溪镇测试村1号",
        "低保",
        "低保@2020-01-01;医疗救助",
        "6217000000000001",
        "115.70",
        "29.10",
    ),
    ("李测乙", 2, "4", "360425105", "滩溪镇测试村2号", "一般户", "", "6217000000000002", "", ""),
    ("欧阳测丙", 3, "2", "360425106", "白槎镇测试村3号", "残疾", "", "", "", ""),
];
pub const GBK_ROWS: &[Row] = &[
    ("王测丁", 4, "5", "360425105", "滩溪镇测试村4号", "特困", "特困供养", "6217000000000004", "115.71", "29.11"),
    ("赵测戊", 5, "1", "360425106", "白槎镇测试村5号", "优抚", "", "6217000000000005", "", ""),
];
pub const XLSX_ROWS: &[Row] = &[
    ("孙测己", 6, "3", "360425105", "滩溪镇测试村6号", "一般户", "", "6217000000000006", "", ""),
    ("周测庚", 7, "2", "360425106", "白槎镇测试村7号", "低保", "低保", "", "", ""),
];

pub fn id_of(day: u32) -> String {
    compose("360425", NaiveDate::from_ymd_opt(1935, 1, day).expect("January day"), 10 + day).as_str().to_owned()
}

fn line(row: &Row, id: &str) -> Vec<String> {
    let (name, _, members, area, address, kind, programmes, account, lon, lat) = *row;
    [name, id, members, area, address, kind, programmes, account, lon, lat].iter().map(|s| (*s).to_owned()).collect()
}

const ENGLISH: [&str; 10] = [
    "head_name",
    "head_id_number",
    "members",
    "area_code",
    "address",
    "household_type",
    "programmes",
    "bank_account",
    "lon",
    "lat",
];
const CHINESE: [&str; 10] =
    ["户主姓名", "身份证号", "家庭人口", "区划代码", "家庭住址", "家庭类型", "救助项目", "一卡通账号", "经度", "纬度"];

fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// The mixed file: rows 2 and 4 are good; 3 has a wrong check digit, 5 an unknown area, 6 a
/// negative member count, and 7 repeats row 2's ID number.
pub fn mixed() -> String {
    let good_a = id_of(8);
    let mut wrong = id_of(9);
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let rows = vec![
        line(&("吴测辛", 8, "3", "360425105", "滩溪镇测试村8号", "", "", "", "", ""), &good_a),
        line(&("郑测壬", 9, "3", "360425105", "滩溪镇测试村9号", "", "", "", "", ""), &wrong),
        line(&("冯测癸", 10, "2", "360425106", "白槎镇测试村10号", "低保", "", "", "", ""), &id_of(10)),
        line(&("陈测子", 11, "2", "360425999", "不存在的乡镇", "", "", "", "", ""), &id_of(11)),
        line(&("褚测丑", 12, "-2", "360425105", "滩溪镇测试村12号", "", "", "", "", ""), &id_of(12)),
        line(&("卫测寅", 13, "2", "360425105", "滩溪镇测试村13号", "", "", "", "", ""), &good_a),
    ];
    csv(&ENGLISH, &rows)
}

#[test]
#[ignore = "writes tests/fixtures/households; run on purpose"]
fn write_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/households");
    std::fs::create_dir_all(&dir).unwrap();
    let rows = |set: &[Row]| set.iter().map(|r| line(r, &id_of(r.1))).collect::<Vec<_>>();

    let mut utf8 = vec![0xEF, 0xBB, 0xBF];
    utf8.extend(csv(&ENGLISH, &rows(UTF8_ROWS)).into_bytes());
    std::fs::write(dir.join("households-utf8.csv"), utf8).unwrap();

    let text = csv(&CHINESE, &rows(GBK_ROWS));
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    std::fs::write(dir.join("households-gbk.csv"), gbk).unwrap();

    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in CHINESE.iter().enumerate() {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    for (r, row) in rows(XLSX_ROWS).iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if c == 2 {
                sheet.write_number(r as u32 + 1, c as u16, value.parse::<f64>().unwrap()).unwrap();
            } else if !value.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, value).unwrap();
            }
        }
    }
    std::fs::write(dir.join("households.xlsx"), workbook.save_to_buffer().unwrap()).unwrap();

    std::fs::write(dir.join("households-mixed.csv"), mixed()).unwrap();
    std::fs::write(dir.join("households-wrong-columns.csv"), "name,id,people,area,addr\n张测甲,1,3,360425105,某村\n")
        .unwrap();
    let mut bad = b"head_name,head_id_number,members,area_code,address\n".to_vec();
    bad.extend([0xFF, 0xFE, 0x80, b',', b'1', b'\n']);
    std::fs::write(dir.join("households-bad-encoding.csv"), bad).unwrap();
}

/// The committed CSV fixtures are what this generator writes.
#[test]
fn committed_csv_fixtures_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/households");
    let Ok(mixed) = std::fs::read_to_string(dir.join("households-mixed.csv")) else { return };
    assert_eq!(mixed, self::mixed(), "regenerate: cargo test -p jiuzai --lib households::fixtures -- --ignored");
    let utf8 = std::fs::read(dir.join("households-utf8.csv")).unwrap();
    let rows = crate::upload::read_rows(&utf8, crate::upload::FileKind::Csv, super::import::COLUMNS).unwrap();
    assert_eq!(rows.len(), UTF8_ROWS.len());
    for (row, expected) in rows.iter().zip(UTF8_ROWS) {
        assert_eq!(row.values["head_id_number"], id_of(expected.1));
        assert!(super::idnumber::IdNumber::parse(&id_of(expected.1)).is_ok());
    }
}
