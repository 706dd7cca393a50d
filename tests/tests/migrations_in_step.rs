//! The SQLite and PostgreSQL migrations must describe the same tables and columns.

mod common;

use std::collections::BTreeMap;

/// table → column names, from the `CREATE TABLE` statements of every migration in `dir`.
fn schema(dir: &str) -> BTreeMap<String, Vec<String>> {
    let mut files: Vec<_> = std::fs::read_dir(common::repo_root().join("migrations").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut tables = BTreeMap::new();
    for file in &files {
        let sql = std::fs::read_to_string(file).unwrap();
        let mut current: Option<String> = None;
        for line in sql.lines().map(|l| l.split("--").next().unwrap().trim()) {
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let name = rest.split_whitespace().next().unwrap().to_owned();
                tables.insert(name.clone(), Vec::new());
                current = Some(name);
            } else if line.starts_with(')') {
                current = None;
            } else if let Some(table) = &current {
                let first = line.split_whitespace().next().unwrap_or_default();
                let constraint = ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT"].contains(&first);
                if !first.is_empty() && !constraint {
                    tables.get_mut(table).unwrap().push(first.trim_end_matches(',').to_owned());
                }
            } else if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                let mut words = rest.split_whitespace();
                let table = words.next().unwrap().to_owned();
                if words.next() == Some("ADD") {
                    let column = words.find(|w| *w != "COLUMN").unwrap().to_owned();
                    tables.get_mut(&table).unwrap().push(column);
                }
            }
        }
    }
    tables
}

#[test]
fn sqlite_and_postgres_schemas_stay_in_step() {
    let sqlite = schema("sqlite");
    let postgres = schema("postgres");
    assert!(sqlite.contains_key("areas") && sqlite.contains_key("audit_log"));
    assert_eq!(sqlite, postgres);
    let names = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(common::repo_root().join("migrations").join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"), "migration files must pair up");
}
