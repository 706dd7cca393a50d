//! The HTTP surface: application state, the router with its middleware, and the few endpoints
//! that belong to no domain (health, metrics, OpenAPI). Domain endpoints live in `<domain>/http.rs`.

mod middleware;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Serialize;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "jiuzai (救灾) API", description = "Disaster relief logistics and reserve management. \
        All endpoints except health, login and public disclosure need a bearer token from /api/v1/auth/login."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail, crate::error::FieldError)),
    tags(
        (name = "system", description = "Health, metrics and this document"),
        (name = "auth", description = "Login, tokens and users"),
        (name = "areas", description = "Administrative areas and the map"),
        (name = "audit", description = "The audit trail"),
        (name = "depots", description = "Items, reserve depots, the stock ledger, alerts and exports"),
        (name = "households", description = "Household records, damage, grant lists, public disclosure (公示) and hand-offs"),
        (name = "disasters", description = "Events, loss reports, verification, summaries, response levels, blocked zones"),
        (name = "plans", description = "Allocation plans, approval, dispatch, shipments and receipt"),
        (name = "cases", description = "One window and urgent help (一门受理 / 救急难): cases, referrals to departments, outcomes, the applicant's receipt"),
        (name = "checks", description = "Cross-programme checks (交叉比对): one person in two households, shared bank accounts, aid paid twice, grants above the standard or without a loss, stock against the people served"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        let department = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("a department's read-only hand-off token (jzh_…) from POST /api/v1/handoff-tokens"))
            .build();
        components.add_security_scheme("department_token", SecurityScheme::Http(department));
    }
}

/// The API's routes and their OpenAPI description, collected from every domain.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .merge(crate::auth::http::routes())
        .merge(crate::areas::http::routes())
        .merge(crate::audit::http::routes())
        .merge(crate::depots::http::routes())
        .merge(crate::disasters::http::routes())
        .merge(crate::funds::http::routes())
        .merge(crate::households::http::routes())
        .merge(crate::grants::http::routes())
        .merge(crate::grants::department_http::routes())
        .merge(crate::applications::http::routes())
        .merge(crate::plans::http::routes())
        .merge(crate::winterspring::http::routes())
        .merge(crate::rebuild::http::routes())
        .merge(crate::insurance::http::routes())
        .merge(crate::cases::http::routes())
        .merge(crate::checks::http::routes())
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut openapi = api().into_openapi();
    document_common_errors(&mut openapi);
    openapi
}

/// Declares, on every operation, the error responses that come from outside its handler: 401 from
/// the `Actor` extractor on secured operations, 400/404/422 for path and query parameters that do not
/// parse or name nothing, 400/413/415/422 from the body extractors and the body limit, and 503 when
/// the database is unreachable. Every error response gets the JSON error envelope as its body (the
/// `json_errors` middleware guarantees it), and every response a description where its annotation
/// gave none (OpenAPI requires one).
fn document_common_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response};

    let error_body = RefOr::T(ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build());
    for item in openapi.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let mut statuses = vec!["503"];
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                statuses.push("401");
            }
            let has_path_or_query =
                operation.parameters.iter().flatten().any(
                    |p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query)),
                );
            if has_path_or_query {
                statuses.extend(["400", "404", "422"]);
            }
            if operation.request_body.is_some() {
                statuses.extend(["400", "413", "415", "422"]);
            }
            let responses = &mut operation.responses.responses;
            for status in statuses {
                responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(Response::new("")));
            }
            for (status, response) in responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                let code = status.parse().ok().and_then(|s| StatusCode::from_u16(s).ok());
                if code.is_some_and(|c| c.is_client_error() || c.is_server_error()) && response.content.is_empty() {
                    response.content.insert("application/json".to_owned(), error_body.clone());
                }
                if response.description.is_empty() {
                    response.description = code.and_then(|c| c.canonical_reason()).unwrap_or("response").to_owned();
                }
            }
        }
    }
}

pub fn router(state: AppState, metrics: PrometheusHandle) -> Router {
    let (api, mut openapi) = api().split_for_parts();
    document_common_errors(&mut openapi);
    let static_dir = state.settings.static_dir.clone();
    let dashboard = ServeDir::new(&static_dir).fallback(ServeFile::new(static_dir.join("index.html")));
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    let scraped = state.clone();
    Router::new()
        .merge(api.with_state(state.clone()))
        .route("/api/{*rest}", axum::routing::any(unknown_api_path))
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", openapi))
        .route("/metrics", get(move || prometheus(scraped.clone(), metrics.clone())))
        .fallback_service(dashboard)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(axum::middleware::from_fn(middleware::security_headers))
                .layer(axum::middleware::from_fn(middleware::record_metrics))
                .layer(axum::middleware::from_fn(middleware::json_errors)),
        )
}

/// The Prometheus text: request counts and durations per route and status (errors included), and,
/// read at each scrape, whether the database answers and how its pools are used.
async fn prometheus(state: AppState, metrics: PrometheusHandle) -> String {
    let up = tokio::time::timeout(std::time::Duration::from_secs(2), state.store.ping()).await;
    metrics::gauge!("db_up").set(if matches!(up, Ok(Ok(()))) { 1.0 } else { 0.0 });
    for pool in state.store.pools() {
        let busy = pool.open.saturating_sub(pool.idle);
        metrics::gauge!("db_pool_connections", "pool" => pool.name, "state" => "busy").set(f64::from(busy));
        metrics::gauge!("db_pool_connections", "pool" => pool.name, "state" => "idle").set(f64::from(pool.idle));
        metrics::gauge!("db_pool_max_connections", "pool" => pool.name).set(f64::from(pool.max));
    }
    metrics.render()
}

async fn unknown_api_path() -> AppError {
    AppError::NotFound("no such API endpoint".into())
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
    database: &'static str,
    backend: &'static str,
    version: &'static str,
}

/// Liveness and database check.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, description = "database unreachable")))]
async fn health(State(state): State<AppState>) -> AppResult<impl IntoResponse> {
    state.store.ping().await.map_err(|_| AppError::Unavailable("database unreachable".into()))?;
    let body = Health {
        status: "ok",
        database: "ok",
        backend: state.store.backend_name(),
        version: env!("CARGO_PKG_VERSION"),
    };
    Ok((StatusCode::OK, axum::Json(body)))
}
