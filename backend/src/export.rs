//! Tables as downloadable files (台账): CSV (UTF-8 with a byte-order mark, so spreadsheet programs
//! read the Chinese headers correctly) or XLSX. Every domain's export builds a [`Table`].

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Csv,
    Xlsx,
}

#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    Empty,
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}
impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}
impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Empty, Into::into)
    }
}

pub struct Table {
    /// File name without extension (ASCII, used in Content-Disposition).
    pub name: String,
    /// Sheet title shown in XLSX.
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn csv(&self) -> AppResult<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        writer.write_record(&self.headers).map_err(|e| AppError::Internal(e.into()))?;
        for row in &self.rows {
            let record: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Text(text) => text.clone(),
                    Cell::Int(n) => n.to_string(),
                    Cell::Empty => String::new(),
                })
                .collect();
            writer.write_record(&record).map_err(|e| AppError::Internal(e.into()))?;
        }
        writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    }

    pub fn xlsx(&self) -> AppResult<Vec<u8>> {
        use rust_xlsxwriter::{Format as CellFormat, Workbook};
        let internal = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.title.chars().take(31).collect::<String>()).map_err(internal)?;
        let bold = CellFormat::new().set_bold();
        for (col, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *header, &bold).map_err(internal)?;
            sheet.set_column_width(col as u16, 14).map_err(internal)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(text) => sheet.write_string(r, c as u16, text).map(|_| ()),
                    Cell::Int(n) => sheet.write_number(r, c as u16, *n as f64).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(internal)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(internal)?;
        workbook.save_to_buffer().map_err(internal)
    }

    /// The rows as JSON arrays (text, numbers, null for empty cells), in the order of `headers`.
    pub fn json_rows(&self) -> serde_json::Value {
        let cell = |c: &Cell| match c {
            Cell::Text(text) => serde_json::Value::from(text.as_str()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Empty => serde_json::Value::Null,
        };
        self.rows.iter().map(|row| row.iter().map(cell).collect::<Vec<_>>()).collect()
    }

    /// The table as a download in the requested format.
    pub fn into_response(self, format: Format) -> AppResult<Response> {
        let (bytes, content_type, extension) = match format {
            Format::Csv => (self.csv()?, "text/csv; charset=utf-8", "csv"),
            Format::Xlsx => (self.xlsx()?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        };
        let disposition = format!("attachment; filename=\"{}.{extension}\"", self.name);
        Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
            .into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "t".into(),
            title: "库存卡".into(),
            headers: vec!["物资", "数量"],
            rows: vec![vec!["棉被".into(), 12.into()], vec!["帐篷, 12㎡".into(), Cell::Empty]],
        }
    }

    #[test]
    fn json_rows_keep_numbers_and_empty_cells() {
        assert_eq!(table().json_rows(), serde_json::json!([["棉被", 12], ["帐篷, 12㎡", null]]));
    }

    #[test]
    fn csv_has_a_bom_chinese_headers_and_quotes_commas() {
        let bytes = table().csv().unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "物资,数量\n棉被,12\n\"帐篷, 12㎡\",\n");
    }

    #[test]
    fn xlsx_is_a_zip_file() {
        let bytes = table().xlsx().unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
