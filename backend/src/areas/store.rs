use std::collections::HashSet;

use super::{Area, AreaCode, Level, PreparedArea};
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::Backend;
use crate::db::for_both_backends;
use macro_rules_attribute::apply;

/// One area as drawn on the map: properties plus its geometry (or point) as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct MapAreaRow {
    pub code: AreaCode,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub level: Level,
    pub parent_code: Option<AreaCode>,
    pub population: Option<i64>,
    pub geometry: Option<String>,
    pub rep_lon: f64,
    pub rep_lat: f64,
    pub point_approximate: bool,
}

#[derive(Debug, Default, Clone)]
pub struct AreaFilter {
    pub level: Option<String>,
    pub parent_code: Option<String>,
    /// `LIKE` pattern restricting the result to a caller's area scope.
    pub scope_pattern: Option<String>,
}

#[async_trait::async_trait]
pub trait AreaStore {
    /// Inserts or replaces the given areas (parents first) and their H3 coverage, in one transaction.
    async fn upsert_areas(&self, areas: &[PreparedArea], audit: &AuditEntry) -> sqlx::Result<()>;
    async fn area_codes(&self) -> sqlx::Result<HashSet<AreaCode>>;
    async fn list_areas(&self, filter: &AreaFilter) -> sqlx::Result<Vec<Area>>;
    async fn get_area(&self, code: &str) -> sqlx::Result<Option<Area>>;
    async fn map_areas(&self, filter: &AreaFilter) -> sqlx::Result<Vec<MapAreaRow>>;
}

const AREA_COLUMNS: &str = "code, name, level, parent_code, population, rep_lon AS lon, rep_lat AS lat, \
     point_approximate, geometry IS NOT NULL AS has_geometry";

#[apply(for_both_backends!)]
impl AreaStore for Backends {
    async fn upsert_areas(&self, areas: &[PreparedArea], audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        let now = chrono::Utc::now();
        for area in areas {
            sqlx::query(
                "INSERT INTO areas (code, name, level, parent_code, population, geometry, rep_lon, rep_lat, rep_cell, point_approximate, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                   parent_code = excluded.parent_code, population = COALESCE(excluded.population, areas.population),
                   geometry = excluded.geometry, rep_lon = excluded.rep_lon, rep_lat = excluded.rep_lat,
                   rep_cell = excluded.rep_cell, point_approximate = excluded.point_approximate,
                   updated_at = excluded.updated_at",
            )
            .bind(&area.code)
            .bind(&area.name)
            .bind(area.level.as_str())
            .bind(&area.parent_code)
            .bind(area.population)
            .bind(&area.geometry)
            .bind(area.lon)
            .bind(area.lat)
            .bind(area.rep_cell)
            .bind(area.point_approximate)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM area_cells WHERE area_code = $1").bind(&area.code).execute(&mut *tx).await?;
            for chunk in area.cells.chunks(2000) {
                let mut insert =
                    sqlx::QueryBuilder::<<Self as Backend>::Db>::new("INSERT INTO area_cells (area_code, cell) ");
                insert.push_values(chunk, |mut row, cell| {
                    row.push_bind(&area.code).push_bind(*cell);
                });
                insert.build().execute(&mut *tx).await?;
            }
        }
        Self::commit_audited(tx, audit).await
    }

    async fn area_codes(&self) -> sqlx::Result<HashSet<AreaCode>> {
        let codes: Vec<AreaCode> = sqlx::query_scalar("SELECT code FROM areas").fetch_all(self.reader()).await?;
        Ok(codes.into_iter().collect())
    }

    async fn list_areas(&self, filter: &AreaFilter) -> sqlx::Result<Vec<Area>> {
        let sql = format!(
            "SELECT {AREA_COLUMNS} FROM areas
             WHERE ($1 IS NULL OR level = $1) AND ($2 IS NULL OR parent_code = $2) AND ($3 IS NULL OR code LIKE $3)
             ORDER BY code"
        );
        sqlx::query_as::<_, Area>(sqlx::AssertSqlSafe(sql))
            .bind(&filter.level)
            .bind(&filter.parent_code)
            .bind(&filter.scope_pattern)
            .fetch_all(self.reader())
            .await
    }

    async fn get_area(&self, code: &str) -> sqlx::Result<Option<Area>> {
        let sql = format!("SELECT {AREA_COLUMNS} FROM areas WHERE code = $1");
        sqlx::query_as::<_, Area>(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(self.reader()).await
    }

    async fn map_areas(&self, filter: &AreaFilter) -> sqlx::Result<Vec<MapAreaRow>> {
        sqlx::query_as::<_, MapAreaRow>(
            "SELECT code, name, level, parent_code, population, geometry, rep_lon, rep_lat, point_approximate
             FROM areas
             WHERE ($1 IS NULL OR level = $1) AND ($2 IS NULL OR parent_code = $2) AND ($3 IS NULL OR code LIKE $3)
             ORDER BY code",
        )
        .bind(&filter.level)
        .bind(&filter.parent_code)
        .bind(&filter.scope_pattern)
        .fetch_all(self.reader())
        .await
    }
}
