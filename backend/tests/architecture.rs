//! The dependency rule of ARCHITECTURE.md, checked on the source: which module may import which.
//!
//! Layers, from top to bottom: the entry points (`main.rs`, `server.rs`, `demo/`, the router in
//! `http/`); each domain's HTTP modules (`http.rs`, or any module that declares `routes()`); the
//! application state (`state.rs`, `store.rs`); the domains' services, stores, rules and models, in
//! the order of `DOMAINS`; the shared leaves. A module may import only what lies below it, a domain
//! only the domains below it, and nothing but the router imports another domain's HTTP module.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The domains, bottom first: each may import only those before it (and the leaves).
const DOMAINS: &[&str] = &[
    "audit",
    "areas",
    "auth",
    "depots",
    "disasters",
    "funds",
    "households",
    "plans",
    "grants",
    "applications",
    "winterspring",
    "insurance",
    "rebuild",
    "cases",
    "checks",
];
/// Shared modules that know no domain.
const LEAVES: &[&str] = &[
    "error",
    "clock",
    "config",
    "text_enum",
    "money",
    "export",
    "extract",
    "idempotency",
    "db",
    "planner",
    "routing",
    "upload",
    "ratelimit",
];
/// Crate-root macros and the module that defines them.
const MACROS: &[(&str, &str)] = &[("text_column", "text_enum"), ("for_both_backends", "db")];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Module {
    path: Vec<String>,
    /// Handlers: a module named `http`, or one that declares `routes()`.
    http: bool,
}

impl Module {
    fn top(&self) -> &str {
        self.path.first().map_or("", String::as_str)
    }
    fn name(&self) -> String {
        self.path.join("::")
    }
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("under src").with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The code without comments, string and character literals (their text names no module).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !is_ident(chars.get(i.wrapping_sub(1))) {
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            out.push_str("' '");
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Every module path a file names through `crate::`, `super::` or a `use` group, resolved from the
/// file's own module; only the first two segments matter to the rule.
fn imports(module: &[String], code: &str) -> Imports {
    let mut found = BTreeSet::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = !is_ident(chars.get(i.wrapping_sub(1))) && chars.get(i.wrapping_sub(1)) != Some(&':');
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let base: Option<(Vec<String>, usize)> = if starts_word && rest.starts_with("crate::") {
            Some((Vec::new(), 7))
        } else if starts_word && rest.starts_with("super::") {
            let mut parent = module.to_vec();
            let mut skip = 0;
            while chars[i + skip..].iter().collect::<String>().starts_with("super::") {
                parent.pop();
                skip += 7;
            }
            Some((parent, skip))
        } else {
            None
        };
        let Some((base, skip)) = base else {
            i += 1;
            continue;
        };
        i += skip;
        for path in paths_at(&chars, &mut i) {
            let mut full = base.clone();
            full.extend(path);
            found.insert(full.into_iter().take(2).collect());
        }
    }
    found
}

/// The path (or the paths of a `{…}` group, one level deep) starting at `i`.
fn paths_at(chars: &[char], i: &mut usize) -> Vec<Vec<String>> {
    let mut prefix = Vec::new();
    loop {
        if chars.get(*i) == Some(&'{') {
            let mut depth = 0;
            let start = *i + 1;
            let mut group = Vec::new();
            let mut item_start = start;
            while *i < chars.len() {
                match chars[*i] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            group.push(chars[item_start..*i].iter().collect::<String>());
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        group.push(chars[item_start..*i].iter().collect::<String>());
                        item_start = *i + 1;
                    }
                    _ => {}
                }
                *i += 1;
            }
            return group
                .iter()
                .filter_map(|item| {
                    let first: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let second: String = item
                        .trim()
                        .strip_prefix(&first)
                        .and_then(|r| r.strip_prefix("::"))
                        .map(|r| r.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
                        .unwrap_or_default();
                    (!first.is_empty()).then(|| {
                        let mut path = prefix.clone();
                        path.push(first);
                        if !second.is_empty() {
                            path.push(second);
                        }
                        path
                    })
                })
                .collect();
        }
        let word: String = chars[*i..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').collect();
        if word.is_empty() {
            return if prefix.is_empty() { vec![] } else { vec![prefix] };
        }
        *i += word.chars().count();
        prefix.push(word);
        if chars.get(*i) == Some(&':') && chars.get(*i + 1) == Some(&':') {
            *i += 2;
        } else {
            return vec![prefix];
        }
    }
}

/// Module paths (their first two segments) a file names.
type Imports = BTreeSet<Vec<String>>;

fn load() -> Vec<(Module, Imports)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    let mut modules = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("main.rs")) {
        let text = std::fs::read_to_string(file).expect("readable source");
        let code = code_only(&text);
        let path = module_path(&src, file);
        let http = path.last().is_some_and(|p| p == "http") || code.contains("fn routes()");
        let module = Module { path: path.clone(), http };
        let found = imports(&path, &code);
        modules.push((module, found));
    }
    modules
}

/// The module an imported path lands in (the longest known module that prefixes it).
fn target<'a>(all: &'a [Module], path: &[String]) -> Option<&'a Module> {
    let mut path = path.to_vec();
    if let Some((_, owner)) = MACROS.iter().find(|(name, _)| path.first().is_some_and(|p| p == name)) {
        path = vec![owner.to_string()];
    }
    all.iter().filter(|m| path.starts_with(&m.path) && !m.path.is_empty()).max_by_key(|m| m.path.len())
}

fn rank(domain: &str) -> Option<usize> {
    DOMAINS.iter().position(|d| *d == domain)
}

/// Why `from` may not import `to`, if it may not.
fn violation(from: &Module, to: &Module) -> Option<&'static str> {
    let (f, t) = (from.top(), to.top());
    if f == t && (from.http || !to.http) {
        return None;
    }
    if to.http && !matches!(f, "http" | "server") {
        return Some("only the router imports a domain's HTTP module");
    }
    if LEAVES.contains(&f) {
        return (!LEAVES.contains(&t)).then_some("a shared leaf imports no domain, state or entry point");
    }
    if let Some(from_rank) = rank(f) {
        if LEAVES.contains(&t) {
            return None;
        }
        if from.http {
            return (!(rank(t).is_some() || t == "state" || t == "store"))
                .then_some("a handler imports only domains, the state and the leaves");
        }
        return match rank(t) {
            Some(to_rank) if to_rank < from_rank => None,
            Some(_) => Some("a domain imports only the domains below it"),
            None => Some("a domain's services, stores and rules import no state, HTTP or entry point"),
        };
    }
    match f {
        "state" | "store" => (!(LEAVES.contains(&t) || rank(t).is_some() || t == "store"))
            .then_some("the state imports only domains and leaves"),
        "demo" => {
            matches!(t, "http" | "state" | "server").then_some("the demo calls services, never handlers or the state")
        }
        _ => None,
    }
}

#[test]
fn imports_point_one_way() {
    let modules = load();
    let all: Vec<Module> = modules.iter().map(|(m, _)| m.clone()).collect();
    let mut problems = Vec::new();
    for (module, found) in &modules {
        for path in found {
            let Some(to) = target(&all, path) else { continue };
            if let Some(why) = violation(module, to) {
                problems.push(format!("{} imports {}: {why}", module.name(), to.name()));
            }
        }
    }
    assert!(problems.is_empty(), "{} imports break ARCHITECTURE.md's rule:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_command_line_calls_no_handler() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).expect("main.rs");
    let code = code_only(&main);
    for domain in DOMAINS {
        assert!(!code.contains(&format!("jiuzai::{domain}::http")), "main.rs calls jiuzai::{domain}::http");
    }
    assert!(!code.contains("jiuzai::http"), "main.rs uses the router directly instead of server::serve");
}

#[test]
fn the_scanner_sees_groups_super_and_skips_comments() {
    let module = vec!["plans".to_owned(), "store".to_owned()];
    let code = code_only(
        "// use crate::http::x;\nuse crate::{auth::Actor, depots::store::DepotStore};\nuse super::http::y;\nlet s = \"crate::demo\";",
    );
    let found = imports(&module, &code);
    let expected: BTreeSet<Vec<String>> = [["auth", "Actor"], ["depots", "store"], ["plans", "http"]]
        .iter()
        .map(|p| p.iter().map(|s| s.to_string()).collect())
        .collect();
    assert_eq!(found, expected);
    let from = Module { path: module, http: false };
    let handler = Module { path: vec!["plans".into(), "http".into()], http: true };
    assert!(violation(&from, &handler).is_some(), "a store importing its handlers is refused");
    let higher = Module { path: vec!["households".into()], http: false };
    assert!(violation(&from, &higher).is_none(), "plans sits above households");
    let lower = Module { path: vec!["depots".into(), "store".into()], http: false };
    assert!(violation(&higher, &Module { path: vec!["plans".into()], http: false }).is_some());
    assert!(violation(&from, &lower).is_none());
}
