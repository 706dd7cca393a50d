//! The dashboard's copy of the API document (`frontend/openapi.json`, from which its API types are
//! generated) is the server's document: a change to the API fails here until the copy is renewed
//! with `JIUZAI_WRITE_OPENAPI=1 cargo test -p jiuzai --test openapi` and `npm run gen:api`.

use std::path::Path;

#[test]
fn the_dashboard_reads_the_servers_api_document() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/openapi.json");
    let live = serde_json::to_value(jiuzai::http::openapi()).expect("the document serialises");
    if std::env::var_os("JIUZAI_WRITE_OPENAPI").is_some() {
        let text = serde_json::to_string_pretty(&sorted(&live)).expect("serialises");
        std::fs::write(&file, text + "\n").expect("frontend/openapi.json is writable");
    }
    let copy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("frontend/openapi.json exists"))
            .expect("frontend/openapi.json is JSON");
    assert!(
        copy == live,
        "frontend/openapi.json differs from the server's document: renew it with \
         JIUZAI_WRITE_OPENAPI=1 cargo test -p jiuzai --test openapi, then `npm run gen:api` in frontend/"
    );
}

/// Keys in order, so a renewed copy differs from the last one only where the API did.
fn sorted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            serde_json::Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&map[k]))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
