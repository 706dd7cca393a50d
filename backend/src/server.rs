//! Running the HTTP server: logging, metrics recorder, graceful shutdown.

use std::net::SocketAddr;

use anyhow::Context;
use metrics_exporter_prometheus::PrometheusBuilder;
use tokio::net::TcpListener;

use crate::http::router;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // A log line that cannot be written (its disk is full) is dropped: by default the subscriber
    // reports that with eprintln!, which panics on the same full disk and took the server down.
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).log_internal_errors(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
}

/// Serves until SIGINT or SIGTERM; in-flight requests finish, then the database pools close.
pub async fn serve(state: AppState, addr: &str) -> anyhow::Result<()> {
    // Listen for the signals before the socket opens: a signal that arrived once the server
    // answered but before a lazily registered handler existed killed the process outright.
    let shutdown = shutdown_signal()?;
    let metrics = PrometheusBuilder::new().install_recorder().context("installing the metrics recorder")?;
    let listener = TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    state.follow_changes();
    spawn_detection(&state);
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, backend = state.store.backend_name(), "listening on http://{local}");
    let app = router(state.clone(), metrics).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await?;
    tracing::info!("shutting down: closing the database");
    state.store.close().await;
    Ok(())
}

/// Detection over every open event's damage records every `detection_every_hours`, the first run
/// one period after start (a damage record already runs it for its household). Several servers
/// may all run it: an alert is raised once per event, household and need.
fn spawn_detection(state: &AppState) {
    let hours = state.settings.detection_every_hours;
    if hours == 0 {
        return;
    }
    let store = state.store.clone();
    tokio::spawn(async move {
        let period = std::time::Duration::from_secs(hours * 3600);
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            every.tick().await;
            let audit = crate::audit::AuditEntry::system("assistance_alert.scan", "event", "");
            match crate::cases::alerts::scan(&*store, None, &audit).await {
                Ok(outcome) => tracing::info!(?outcome, "periodic detection done"),
                Err(e) => tracing::warn!(error = %e, "periodic detection failed"),
            }
        }
    });
}

/// Resolves at the first SIGINT or SIGTERM; both are registered when this is called.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutdown signal received");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown signal received");
    })
}
