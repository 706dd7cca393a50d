//! Backup and restore on both stores: `jiuzai backup` of a live server's database, restored, gives
//! the same row counts and checksums of the key tables (`jiuzai checksum`).

mod common;

use std::process::Command;

use common::{Database, Server, Store, run_cli};
use reqwest::StatusCode;
use serde_json::json;

store_tests! {
    a_backup_restores_to_the_same_key_tables => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (status, _) = server.post("/api/v1/depots/1/movements", &manager, json!({"kind": "issue", "item": "quilt", "quantity": 3})).await;
        assert_eq!(status, StatusCode::CREATED);
        let dir = std::env::temp_dir().join(format!("jiuzai_backup_{}_{}", std::process::id(), store as u8));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(if store == Store::Sqlite { "backup.db" } else { "backup.dump" });
        let _ = std::fs::remove_file(&file);
        // taken while the server runs
        let (ok, out) = run_cli(&server.db, &["backup", file.to_str().unwrap()], &[]);
        assert!(ok, "{out}");
        let (ok, original) = run_cli(&server.db, &["checksum"], &[]);
        assert!(ok, "{original}");

        let restored = match store {
            Store::Sqlite => Database::sqlite_file(&file),
            Store::Postgres => {
                let target = Database::create(Store::Postgres).await;
                let status = Command::new("pg_restore").args(["--no-owner", "--dbname", &target.url, file.to_str().unwrap()]).status().unwrap();
                assert!(status.success(), "pg_restore failed");
                target
            }
        };
        let (ok, copy) = run_cli(&restored, &["checksum"], &[]);
        assert!(ok, "{copy}");
        // the JSON array printed on stdout, among the log lines on stderr
        let parse = |text: &str| -> serde_json::Value {
            let start = text.find("[\n").unwrap();
            let end = start + text[start..].find("\n]").unwrap() + 2;
            serde_json::from_str(&text[start..end]).unwrap()
        };
        let (original, copy) = (parse(&original), parse(&copy));
        assert_eq!(original, copy);
        let movements = original.as_array().unwrap().iter().find(|t| t["table"] == "stock_movements").unwrap();
        assert!(movements["rows"].as_u64().unwrap() > 100, "{movements}");
        // a changed source no longer matches: the comparison can fail
        let (status, _) = server.post("/api/v1/depots/1/movements", &manager, json!({"kind": "issue", "item": "quilt", "quantity": 1})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, changed) = run_cli(&server.db, &["checksum"], &[]);
        assert_ne!(parse(&changed), copy);
        drop(restored);
        let _ = std::fs::remove_dir_all(&dir);
    };
}
