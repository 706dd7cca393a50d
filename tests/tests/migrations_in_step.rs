//! The SQLite and PostgreSQL migrations must describe the same tables and columns.

mod common;

use std::collections::BTreeMap;

/// table → column names, from the `CREATE TABLE`, `DROP TABLE` and `ALTER TABLE` statements of every
/// migration in `dir`.
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
            } else if let Some(rest) = line.strip_prefix("DROP TABLE ") {
                tables.remove(rest.trim_end_matches(';'));
            } else if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                let words: Vec<&str> = rest.split_whitespace().map(|w| w.trim_end_matches(';')).collect();
                match words.as_slice() {
                    // SQLite changes a table by building its replacement and renaming it.
                    [from, "RENAME", "TO", to] => {
                        let columns = tables.remove(*from).unwrap();
                        tables.insert((*to).to_owned(), columns);
                    }
                    [_, "ADD", "CONSTRAINT", ..] | [_, "DROP", "CONSTRAINT", ..] => {}
                    [table, "ADD", "COLUMN", column, ..] | [table, "ADD", column, ..] => {
                        tables.get_mut(*table).unwrap().push((*column).to_owned());
                    }
                    _ => {}
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
