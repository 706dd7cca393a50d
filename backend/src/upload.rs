//! Tables users upload (台账 imports): CSV in UTF-8 (with or without a byte-order mark) or GBK —
//! taken as UTF-8 when the bytes are valid UTF-8, else as GBK (GB 18030) — or XLSX (the first
//! sheet), sent as the request body with its content type or as the `file` part of a multipart
//! form. The first non-empty row holds the headers, matched against a domain's [`Columns`] in
//! English or Chinese; unknown columns are ignored. Rows are numbered as a spreadsheet shows them:
//! the header row is 1.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError, Said, error_response};

/// A domain's columns: canonical name → accepted headers (the second one Chinese); the first
/// `required` must be present.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub all: &'static [(&'static str, &'static [&'static str])],
    pub required: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// A file that cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub field: &'static str,
    pub reason: Said,
}

/// A file that is not the table it claims to be; `detail` (in English, from the reader) says why.
fn unreadable(detail: String) -> Said {
    crate::said!("file_unreadable", "{detail}", detail = detail)
}

fn file_error(field: &'static str, reason: Said) -> FileError {
    FileError { field, reason }
}

impl From<FileError> for AppError {
    fn from(error: FileError) -> Self {
        AppError::invalid_field(error.field, error.reason)
    }
}

/// One data row: its number in the file and its values by canonical column.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    pub row: usize,
    pub values: HashMap<&'static str, String>,
    /// How far into the file the row starts, 0–1 (for progress).
    pub read_fraction: f64,
}

impl RawRow {
    pub fn get(&self, column: &str) -> &str {
        self.values.get(column).map(|v| v.trim()).unwrap_or("")
    }
}

/// An error in one row of an import, pointing at the column at fault (with its refusal's code
/// and values, as a field of a 422 has them).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RowError {
    pub row: usize,
    #[serde(flatten)]
    pub error: FieldError,
}

impl RowError {
    pub fn new(row: usize, field: impl Into<String>, reason: impl Into<Said>) -> Self {
        Self { row, error: FieldError::new(field, reason) }
    }

    pub fn of(row: usize, error: FieldError) -> Self {
        Self { row, error }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}: {}: {}", self.row, self.error.field, self.error.reason)
    }
}

/// The answer to an all-or-nothing import with invalid rows: 422, nothing stored, each row's error
/// both in the error's details and as the report's `errors`.
pub fn rows_rejected(errors: &[RowError], skipped: usize) -> Response {
    let details: Vec<FieldError> = errors
        .iter()
        .map(|e| FieldError { field: format!("rows[{}].{}", e.row, e.error.field), ..e.error.clone() })
        .collect();
    let body = json!({
        "error": {"code": "invalid", "message": format!("{} row(s) are invalid; nothing was imported", errors.len()), "details": details},
        "imported": 0, "skipped": skipped, "errors": errors,
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

/// Decodes CSV bytes: UTF-8 when valid (a BOM is dropped), else GBK; neither → an error.
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, FileError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| Cow::Owned(text.into_owned()))
        .ok_or_else(|| file_error("encoding", crate::said!("file_encoding", "the file is neither UTF-8 nor GBK text")))
}

/// Reads a table file (CSV or XLSX) row by row, handing each data row to `visit` as it is
/// read, so a large file is never held as a table. Returns the number of data rows. A file error
/// can come after some rows were visited (a broken line further down); the caller discards them.
pub fn each_row(
    bytes: &[u8],
    kind: FileKind,
    columns: Columns,
    visit: &mut dyn FnMut(RawRow),
) -> Result<usize, FileError> {
    match kind {
        FileKind::Csv => {
            let text = decode_text(bytes)?;
            let length = text.len().max(1) as f64;
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            let mut count = 0;
            let records = reader.records().map(|record| {
                count += 1;
                let record =
                    record.map_err(|e| file_error("file", unreadable(format!("not a readable CSV file: {e}"))))?;
                let line = record.position().map_or(count, |p| p.line() as usize);
                let read = record.position().map_or(0.0, |p| p.byte() as f64 / length);
                Ok(TableRow { line, cells: record.iter().map(str::to_owned).collect(), read_fraction: read })
            });
            visit_table(records, columns, visit)
        }
        FileKind::Xlsx => xlsx_rows(bytes, columns, visit),
    }
}

/// All rows at once (small files: policies, tests and fixtures).
pub fn read_rows(bytes: &[u8], kind: FileKind, columns: Columns) -> Result<Vec<RawRow>, FileError> {
    let mut rows = Vec::new();
    each_row(bytes, kind, columns, &mut |row| rows.push(row))?;
    Ok(rows)
}

/// A row of a file as read: its line (spreadsheet numbering), its cells, and how far into the file it is.
struct TableRow {
    line: usize,
    cells: Vec<String>,
    read_fraction: f64,
}

/// Finds the header row, maps its columns, and visits the data rows after it.
fn visit_table(
    table: impl Iterator<Item = Result<TableRow, FileError>>,
    columns: Columns,
    visit: &mut dyn FnMut(RawRow),
) -> Result<usize, FileError> {
    let mut rows = table.filter(|r| r.as_ref().map_or(true, |row| row.cells.iter().any(|c| !c.trim().is_empty())));
    let Some(TableRow { cells: headers, .. }) = rows.next().transpose()? else {
        return Err(file_error("file", crate::said!("file_empty", "the file is empty")));
    };
    let mut index: Vec<(usize, &'static str)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, header) in headers.iter().enumerate() {
        let header = header.trim().trim_start_matches('\u{feff}').to_lowercase();
        if let Some((column, _)) = columns.all.iter().find(|(_, names)| names.contains(&header.as_str())) {
            if !seen.insert(*column) {
                return Err(file_error(
                    "header",
                    crate::said!("column_twice", "the column {column} appears twice", column = column),
                ));
            }
            index.push((i, column));
        }
    }
    let missing: Vec<&str> = columns.all[..columns.required]
        .iter()
        .map(|(c, names)| (c, names[1]))
        .filter(|(c, _)| !seen.contains(*c))
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        let expected: Vec<String> = columns.all.iter().map(|(c, names)| format!("{c} ({})", names[1])).collect();
        return Err(file_error(
            "header",
            crate::said!(
                "columns_missing",
                "missing column(s): {list}; the columns are {expected}",
                list = missing.join(", "),
                expected = expected.join(", "),
                columns = missing
            ),
        ));
    }
    let mut count = 0;
    for row in rows {
        let TableRow { line, mut cells, read_fraction } = row?;
        let values = index
            .iter()
            .map(|(i, column)| (*column, cells.get_mut(*i).map(std::mem::take).unwrap_or_default()))
            .collect();
        visit(RawRow { row: line, values, read_fraction });
        count += 1;
    }
    Ok(count)
}

fn xlsx_rows(bytes: &[u8], columns: Columns, visit: &mut dyn FnMut(RawRow)) -> Result<usize, FileError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| file_error("file", unreadable(format!("not a readable XLSX file: {e}"))))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| file_error("file", crate::said!("workbook_empty", "the workbook has no sheet")))?
        .map_err(|e| file_error("file", unreadable(format!("the first sheet cannot be read: {e}"))))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let text = |cell: &Data| -> String {
        match cell {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => d.to_string(),
            Data::Error(_) | Data::Empty => String::new(),
        }
    };
    let height = range.height().max(1) as f64;
    let rows = range.rows().enumerate().map(|(i, cells)| {
        let mut row = vec![String::new(); first_col];
        row.extend(cells.iter().map(text));
        Ok(TableRow { line: first_row + i + 1, cells: row, read_fraction: (i + 1) as f64 / height })
    });
    visit_table(rows, columns, visit)
}

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn file_kind(content_type: &str, file_name: Option<&str>, bytes: &[u8]) -> Option<FileKind> {
    let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let name = file_name.unwrap_or("").to_ascii_lowercase();
    match content_type.as_str() {
        "text/csv" | "application/csv" | "text/plain" | "application/vnd.ms-excel" => Some(FileKind::Csv),
        XLSX_TYPE => Some(FileKind::Xlsx),
        _ if name.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") => Some(FileKind::Xlsx),
        _ if name.ends_with(".csv") => Some(FileKind::Csv),
        _ => None,
    }
}

fn unsupported() -> Response {
    error_response(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        &format!("send the file as text/csv, {XLSX_TYPE} or multipart/form-data"),
        None,
    )
}

/// The uploaded file and its kind, from the body (with its content type) or a multipart form's
/// `file` part; the error is the response to send (400, 413, 415 or 422).
pub async fn read_upload<S: Send + Sync>(request: Request, state: &S) -> Result<(Vec<u8>, FileKind), Response> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text()).into_response();
        let mut form = Multipart::from_request(request, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()).into_response())?;
        while let Some(field) = form.next_field().await.map_err(bad)? {
            if field.name() == Some("file") || field.file_name().is_some() {
                let part_type = field.content_type().unwrap_or("").to_owned();
                let name = field.file_name().map(str::to_owned);
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                return match file_kind(&part_type, name.as_deref(), &bytes) {
                    Some(kind) => Ok((bytes, kind)),
                    None => Err(unsupported()),
                };
            }
        }
        return Err(
            AppError::invalid_field("file", crate::said!("no_file_part", "the form has no file part")).into_response()
        );
    }
    let bytes = axum::body::Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?.to_vec();
    match file_kind(&content_type, None, &bytes) {
        Some(kind) => Ok((bytes, kind)),
        None => Err(unsupported()),
    }
}
