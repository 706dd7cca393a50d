//! Photos attached to loss reports: checked by their first bytes, stored on disk under their
//! SHA-256, readable by whoever may read the report's area.

use std::path::{Path, PathBuf};

use chrono::Utc;
use sha2::{Digest, Sha256};

use super::EventStatus;
use super::LossReport;
use super::service::event_or_404;
use super::store::{DisasterStore, Photo, PhotoFile};
use crate::auth::Actor;
use crate::config::Settings;
use crate::error::{AppError, AppResult};

/// The image type told by the file's first bytes (the declared Content-Type must agree).
fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// A report of the event whose area is in the caller's scope.
pub async fn report_in_event<S: DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    event_id: i64,
    report_id: i64,
) -> AppResult<LossReport> {
    let report = store
        .get_report(report_id)
        .await?
        .filter(|r| r.event_id == event_id)
        .ok_or_else(|| AppError::NotFound(format!("no report {report_id} in event {event_id}")))?;
    actor.require_area(&report.area_code)?;
    Ok(report)
}

/// Attaches a JPEG, PNG or WebP photo (sent with its own Content-Type, up to the configured
/// size) to a report of an open event.
pub async fn attach<S: DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    (event_id, report_id): (i64, i64),
    declared_type: &str,
    bytes: &[u8],
) -> AppResult<Photo> {
    let event = event_or_404(store, event_id).await?;
    report_in_event(store, actor, event_id, report_id).await?;
    if event.status.0 == EventStatus::Closed {
        return Err(AppError::conflict(crate::disasters::service::event_closed()));
    }
    let dir = PathBuf::from(event_id.to_string()).join(report_id.to_string());
    let file = store_image(settings, &dir, declared_type, bytes, &actor.user.username).await?;
    let audit = actor
        .audit("report_photo.upload", "report_photo", "")
        .with_after(serde_json::json!({"report_id": report_id, "sha256": file.sha256, "bytes": file.bytes}));
    let id = store.add_photo(report_id, &file, &audit).await?;
    Ok(Photo { id, report_id, file })
}

/// Checks a photo (JPEG, PNG or WebP by its first bytes, agreeing with the declared type, up to
/// the configured size) and stores it under `dir` in the photo folder, named by its SHA-256.
pub async fn store_image(
    settings: &Settings,
    dir: &Path,
    declared_type: &str,
    bytes: &[u8],
    uploaded_by: &str,
) -> AppResult<PhotoFile> {
    if bytes.len() > settings.max_photo_bytes {
        return Err(AppError::PayloadTooLarge);
    }
    let Some(content_type) = sniff_image(bytes).filter(|sniffed| declared_type.starts_with(sniffed)) else {
        return Err(AppError::UnsupportedMediaType(
            "a photo must be a JPEG, PNG or WebP image sent with its own Content-Type".into(),
        ));
    };
    let sha256 = hex::encode(Sha256::digest(bytes));
    let extension = content_type.trim_start_matches("image/");
    let dir = settings.photo_dir.join(dir);
    let path = dir.join(format!("{sha256}.{extension}"));
    tokio::fs::create_dir_all(&dir).await.map_err(|e| AppError::Internal(e.into()))?;
    tokio::fs::write(&path, bytes).await.map_err(|e| AppError::Internal(e.into()))?;
    Ok(PhotoFile {
        content_type: content_type.into(),
        bytes: bytes.len() as i64,
        sha256,
        path: path.display().to_string(),
        uploaded_by: uploaded_by.into(),
        uploaded_at: Utc::now(),
    })
}

/// A stored image's bytes (404 when the file is gone).
pub async fn read_image(path: &str) -> AppResult<Vec<u8>> {
    tokio::fs::read(path).await.map_err(|_| AppError::NotFound("the photo file is missing".into()))
}

/// One photo and its image, if the caller may read its report's area; a photo of an area outside
/// the caller's scope answers as one that does not exist.
pub async fn image<S: DisasterStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<(Photo, Vec<u8>)> {
    let not_found = || AppError::NotFound(format!("no photo {id}"));
    let photo = store.get_photo(id).await?.ok_or_else(not_found)?;
    let report = store.get_report(photo.report_id).await?.ok_or_else(not_found)?;
    if !actor.user.can_reach(&report.area_code) {
        return Err(not_found());
    }
    let bytes = read_image(&photo.file.path).await?;
    Ok((photo, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_told_by_their_first_bytes() {
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
    }
}
