//! Applications, their steps, village notices and objections in SQL. A household holds one open
//! application per event and aid item (the partial unique index `applications_open`); every step
//! locks the application's row first and commits with its history row and its audit record.

use chrono::{DateTime, Utc};
use macro_rules_attribute::apply;
use serde_json::Value;
use sqlx::types::Json;

use super::{
    ApplicationObjection, ApplicationRow, ApplicationStatus, DisclosureRow, Step, StepRecord, WinterSpringClaim,
};
use crate::areas::{AreaCode, Level};
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::{Backend, for_both_backends};
use crate::funds::AidType;
use crate::grants::store::{NewGrant, NewGrantList};
use crate::money::Fen;
use crate::text_enum::enum_text;

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub event_id: i64,
    pub household_id: i64,
    pub aid_type: AidType,
    pub area_code: AreaCode,
    pub persons: i64,
    pub reason: String,
    pub phone: Option<String>,
    pub attachments: Vec<String>,
    pub filed_by_id: i64,
    pub filed_by_name: String,
    pub standard_fen: Fen,
    /// Set for a winter–spring need filed in a campaign.
    pub winter_spring: Option<WinterSpringClaim>,
}

/// A need record's new claim (its persons, reason, class and needs), the standard recomputed.
#[derive(Debug, Clone)]
pub struct Revision {
    pub persons: i64,
    pub reason: String,
    pub claim: WinterSpringClaim,
    pub standard_fen: Fen,
}

/// A step as the history records it.
#[derive(Debug, Clone)]
pub struct StepTaken {
    pub step: Step,
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub details: Value,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub acting_for: Option<Level>,
}

/// What a step changes on the application besides its history.
#[derive(Debug, Clone)]
pub struct Transition {
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    pub outcome_reason: Option<String>,
    /// The township review waits for the village notice to end with every objection answered.
    pub after_notice: bool,
}

#[derive(Debug, Clone)]
pub struct NewNotice {
    pub event_id: i64,
    pub aid_type: AidType,
    pub area_code: AreaCode,
    pub location: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub published_by: String,
}

/// Which applications a listing returns; every filter given narrows it.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub event_id: Option<i64>,
    /// `LIKE` pattern of the areas (a scope's subtree).
    pub area_pattern: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub disclosure_id: Option<i64>,
    pub campaign_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("the application is {}", enum_text(*.0))]
    WrongState(ApplicationStatus),
    #[error("the household already has an open application for this aid in this event")]
    AlreadyOpen,
    #[error("the household already has a need record in this campaign; edit that one")]
    AlreadyInCampaign,
    #[error("the household already has this aid for this event")]
    AlreadyGranted,
    #[error("not found")]
    NotFound,
    #[error("the village notice (审核公示) runs until {0}; the township reviews after it ends")]
    NoticeRunning(DateTime<Utc>),
    #[error("{0} objection(s) to the application are still open; answer them first")]
    OpenObjections(i64),
    #[error("the village notice (审核公示) ended at {0}; it takes no more objections")]
    NoticeEnded(DateTime<Utc>),
    #[error("the objection has already been answered")]
    Answered,
    #[error("no recommended application of the area waits for a village notice")]
    NothingToPost,
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for ApplicationError {
    fn from(error: sqlx::Error) -> Self {
        Self::Db(error)
    }
}

#[async_trait::async_trait]
pub trait ApplicationStore {
    async fn create_application(
        &self,
        application: &NewApplication,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<i64, ApplicationError>;
    /// Edits an open need record before the village assesses it; the step records before and after.
    async fn revise(
        &self,
        id: i64,
        revision: &Revision,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(), ApplicationError>;
    async fn get_application(&self, id: i64) -> sqlx::Result<Option<ApplicationRow>>;
    async fn list_applications(&self, filter: &ApplicationFilter) -> sqlx::Result<Vec<ApplicationRow>>;
    async fn steps_of(&self, application_id: i64) -> sqlx::Result<Vec<StepRecord>>;
    /// Takes a step: the application must be in `transition.from`.
    async fn advance(
        &self,
        id: i64,
        transition: &Transition,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(), ApplicationError>;
    /// The county's approval: the application joins the county's collecting grant list for the event
    /// and aid item (created approved by the decider when there is none); answers the list's id.
    async fn approve_into_list(
        &self,
        id: i64,
        list: &NewGrantList,
        grant: &NewGrant,
        above_standard: bool,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<i64, ApplicationError>;
    /// The county's approval of a winter–spring need: the amount is decided, the money follows in
    /// the campaign's payment phases.
    async fn approve_for_phases(
        &self,
        id: i64,
        amount: Fen,
        above_standard: bool,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(), ApplicationError>;
    /// Posts the recommended applications of an area not yet posted; answers the notice's id and
    /// how many applications it holds.
    async fn post_notice(
        &self,
        notice: &NewNotice,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(i64, i64), ApplicationError>;
    async fn notices(&self, event_id: Option<i64>, area_pattern: &str) -> sqlx::Result<Vec<DisclosureRow>>;
    async fn get_notice(&self, id: i64) -> sqlx::Result<Option<DisclosureRow>>;
    /// A public objection while the notice runs, naming one of its applications or none.
    async fn object_to_notice(
        &self,
        notice_id: i64,
        application_id: Option<i64>,
        text: &str,
        contact: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, ApplicationError>;
    async fn notice_objections(&self, notice_id: Option<i64>) -> sqlx::Result<Vec<ApplicationObjection>>;
    async fn get_notice_objection(&self, id: i64) -> sqlx::Result<Option<ApplicationObjection>>;
    /// Answers an open objection; upheld, the applications it names (every one of the notice when it
    /// names none) go back to the village for a new assessment.
    async fn answer_notice_objection(
        &self,
        id: i64,
        upheld: bool,
        answer: &str,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<ApplicationObjection, ApplicationError>;
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.event_id, a.household_id, a.aid_type, a.area_code, a.persons, a.reason, \
     a.phone, a.attachments, a.status, a.filed_by_name, a.disclosure_id, a.standard_fen, a.amount_fen, \
     a.above_standard, a.outcome_reason, a.grant_list_id, a.created_at, a.step_at, a.updated_at, \
     h.name_masked, h.id_masked, h.members, d.disclosure_end, \
     (SELECT COUNT(*) FROM application_objections o WHERE o.status = 'open' AND o.disclosure_id = a.disclosure_id \
         AND (o.application_id IS NULL OR o.application_id = a.id)) AS open_objections, \
     a.campaign_id, a.hardship_class, a.needs \
     FROM applications a JOIN households h ON h.id = a.household_id \
     LEFT JOIN application_disclosures d ON d.id = a.disclosure_id";

const NOTICE_SELECT: &str = "SELECT d.id, d.event_id, d.aid_type, d.area_code, d.location, d.disclosure_start, \
     d.disclosure_end, d.published_by, d.created_at, \
     (SELECT COUNT(*) FROM applications a WHERE a.disclosure_id = d.id) AS applications \
     FROM application_disclosures d";

const OBJECTION_COLUMNS: &str = "id, disclosure_id, application_id, text, contact, status, decision, answer, \
     answered_by, answered_at, created_at";

#[apply(for_both_backends!)]
impl ApplicationStore for Backends {
    async fn create_application(
        &self,
        application: &NewApplication,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<i64, ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (event_id, household_id, aid_type, area_code, persons, reason, phone, attachments,
                 status, filed_by_id, filed_by_name, standard_fen, above_standard, created_at, step_at, updated_at,
                 campaign_id, hardship_class, needs)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'applied', $9, $10, $11, FALSE, $12, $12, $12, $13, $14, $15)
             RETURNING id",
        )
        .bind(application.event_id)
        .bind(application.household_id)
        .bind(enum_text(application.aid_type))
        .bind(&application.area_code)
        .bind(application.persons)
        .bind(&application.reason)
        .bind(&application.phone)
        .bind(Json(&application.attachments))
        .bind(application.filed_by_id)
        .bind(&application.filed_by_name)
        .bind(application.standard_fen)
        .bind(now)
        .bind(application.winter_spring.map(|c| c.campaign_id))
        .bind(application.winter_spring.map(|c| enum_text(c.class)))
        .bind(application.winter_spring.map(|c| Json(c.needs)))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => match application.winter_spring {
                Some(_) => ApplicationError::AlreadyInCampaign,
                None => ApplicationError::AlreadyOpen,
            },
            _ => ApplicationError::Db(e),
        })?;
        Self::record_steps(&mut tx, &[id], step, now).await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn revise(
        &self,
        id: i64,
        revision: &Revision,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(), ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let unchanged = Transition {
            from: ApplicationStatus::Applied,
            to: ApplicationStatus::Applied,
            outcome_reason: None,
            after_notice: false,
        };
        Self::lock_application(&mut tx, id, &unchanged, now).await?;
        sqlx::query(
            "UPDATE applications SET persons = $2, reason = $3, hardship_class = $4, needs = $5, standard_fen = $6,
                 updated_at = $7 WHERE id = $1",
        )
        .bind(id)
        .bind(revision.persons)
        .bind(&revision.reason)
        .bind(enum_text(revision.claim.class))
        .bind(Json(revision.claim.needs))
        .bind(revision.standard_fen)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::record_steps(&mut tx, &[id], step, now).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn get_application(&self, id: i64) -> sqlx::Result<Option<ApplicationRow>> {
        let sql = format!("{APPLICATION_SELECT} WHERE a.id = $1");
        sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn list_applications(&self, filter: &ApplicationFilter) -> sqlx::Result<Vec<ApplicationRow>> {
        let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(APPLICATION_SELECT);
        builder.push(" WHERE 1 = 1");
        if let Some(event_id) = filter.event_id {
            builder.push(" AND a.event_id = ").push_bind(event_id);
        }
        if let Some(pattern) = &filter.area_pattern {
            builder.push(" AND a.area_code LIKE ").push_bind(pattern.clone());
        }
        if let Some(status) = filter.status {
            builder.push(" AND a.status = ").push_bind(enum_text(status));
        }
        if let Some(disclosure_id) = filter.disclosure_id {
            builder.push(" AND a.disclosure_id = ").push_bind(disclosure_id);
        }
        if let Some(campaign_id) = filter.campaign_id {
            builder.push(" AND a.campaign_id = ").push_bind(campaign_id);
        }
        builder.push(" ORDER BY a.area_code, a.id");
        builder.build_query_as::<ApplicationRow>().fetch_all(self.reader()).await
    }

    async fn steps_of(&self, application_id: i64) -> sqlx::Result<Vec<StepRecord>> {
        sqlx::query_as::<_, StepRecord>(
            "SELECT step, decision, reason, details, actor_id, actor_name, acting_for, at FROM application_steps
             WHERE application_id = $1 ORDER BY id",
        )
        .bind(application_id)
        .fetch_all(self.reader())
        .await
    }

    async fn advance(
        &self,
        id: i64,
        transition: &Transition,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(), ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        Self::lock_application(&mut tx, id, transition, now).await?;
        sqlx::query(
            "UPDATE applications SET status = $2, outcome_reason = $3, step_at = $4, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(enum_text(transition.to))
        .bind(&transition.outcome_reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::record_steps(&mut tx, &[id], step, now).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn approve_into_list(
        &self,
        id: i64,
        list: &NewGrantList,
        grant: &NewGrant,
        above_standard: bool,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<i64, ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let transition = Transition {
            from: ApplicationStatus::TownshipApproved,
            to: ApplicationStatus::Approved,
            outcome_reason: None,
            after_notice: false,
        };
        Self::lock_application(&mut tx, id, &transition, now).await?;
        sqlx::query(
            "INSERT INTO grant_lists (event_id, aid_type, area_code, status, source, author_id, author_name, reviewer_name,
                 total_fen, households, created_at, updated_at, approved_at)
             VALUES ($1, $2, $3, 'approved', 'applications', $4, $5, $5, 0, 0, $6, $6, $6)
             ON CONFLICT (event_id, aid_type, area_code) WHERE source = 'applications' AND status = 'approved' DO NOTHING",
        )
        .bind(list.event_id)
        .bind(&list.aid_type)
        .bind(&list.area_code)
        .bind(list.author_id)
        .bind(&list.author_name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Locks the collecting list, so two approvals at once number their lines one after the other.
        let (list_id, lines): (i64, i64) = sqlx::query_as(
            "UPDATE grant_lists SET updated_at = $4, total_fen = total_fen + $5, households = households + 1
             WHERE event_id = $1 AND aid_type = $2 AND area_code = $3 AND source = 'applications' AND status = 'approved'
             RETURNING id, households",
        )
        .bind(list.event_id)
        .bind(&list.aid_type)
        .bind(&list.area_code)
        .bind(now)
        .bind(grant.amount_fen)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO grants (list_id, event_id, aid_type, household_id, amount_fen, reason, priority, line_no, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'listed')",
        )
        .bind(list_id)
        .bind(list.event_id)
        .bind(&list.aid_type)
        .bind(grant.household_id)
        .bind(grant.amount_fen)
        .bind(&grant.reason)
        .bind(grant.priority)
        .bind(lines)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => ApplicationError::AlreadyGranted,
            _ => ApplicationError::Db(e),
        })?;
        sqlx::query(
            "UPDATE applications SET status = 'approved', amount_fen = $2, above_standard = $3, grant_list_id = $4,
                 step_at = $5, updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(grant.amount_fen)
        .bind(above_standard)
        .bind(list_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::record_steps(&mut tx, &[id], step, now).await?;
        let mut audit = audit.clone();
        if let Some(after) = audit.after.as_mut().and_then(Value::as_object_mut) {
            after.insert("grant_list_id".into(), list_id.into());
        }
        Self::commit_audited(tx, &audit).await?;
        Ok(list_id)
    }

    async fn approve_for_phases(
        &self,
        id: i64,
        amount: Fen,
        above_standard: bool,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(), ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let transition = Transition {
            from: ApplicationStatus::TownshipApproved,
            to: ApplicationStatus::Approved,
            outcome_reason: None,
            after_notice: false,
        };
        Self::lock_application(&mut tx, id, &transition, now).await?;
        sqlx::query(
            "UPDATE applications SET status = 'approved', amount_fen = $2, above_standard = $3, step_at = $4, updated_at = $4
             WHERE id = $1",
        )
        .bind(id)
        .bind(amount)
        .bind(above_standard)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::record_steps(&mut tx, &[id], step, now).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn post_notice(
        &self,
        notice: &NewNotice,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<(i64, i64), ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let aid_type = enum_text(notice.aid_type);
        let notice_id: i64 = sqlx::query_scalar(
            "INSERT INTO application_disclosures (event_id, aid_type, area_code, location, disclosure_start, disclosure_end,
                 published_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(notice.event_id)
        .bind(&aid_type)
        .bind(&notice.area_code)
        .bind(&notice.location)
        .bind(notice.start)
        .bind(notice.end)
        .bind(&notice.published_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let posted: Vec<i64> = sqlx::query_scalar(
            "UPDATE applications SET disclosure_id = $1, updated_at = $2
             WHERE event_id = $3 AND aid_type = $4 AND area_code LIKE $5 AND status = 'recommended' AND disclosure_id IS NULL
             RETURNING id",
        )
        .bind(notice_id)
        .bind(now)
        .bind(notice.event_id)
        .bind(&aid_type)
        .bind(crate::areas::code::subtree_pattern(&notice.area_code))
        .fetch_all(&mut *tx)
        .await?;
        if posted.is_empty() {
            return Err(ApplicationError::NothingToPost);
        }
        Self::record_steps(&mut tx, &posted, step, now).await?;
        let mut audit = audit.clone();
        if let Some(after) = audit.after.as_mut().and_then(Value::as_object_mut) {
            after.insert("applications".into(), posted.clone().into());
        }
        Self::write_audit_created(&mut tx, &audit, notice_id).await?;
        tx.commit().await?;
        Ok((notice_id, posted.len() as i64))
    }

    async fn notices(&self, event_id: Option<i64>, area_pattern: &str) -> sqlx::Result<Vec<DisclosureRow>> {
        let sql =
            format!("{NOTICE_SELECT} WHERE ($1 IS NULL OR d.event_id = $1) AND d.area_code LIKE $2 ORDER BY d.id DESC");
        sqlx::query_as::<_, DisclosureRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .bind(area_pattern)
            .fetch_all(self.reader())
            .await
    }

    async fn get_notice(&self, id: i64) -> sqlx::Result<Option<DisclosureRow>> {
        let sql = format!("{NOTICE_SELECT} WHERE d.id = $1");
        sqlx::query_as::<_, DisclosureRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn object_to_notice(
        &self,
        notice_id: i64,
        application_id: Option<i64>,
        text: &str,
        contact: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let end: DateTime<Utc> = sqlx::query_scalar("SELECT disclosure_end FROM application_disclosures WHERE id = $1")
            .bind(notice_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(ApplicationError::NotFound)?;
        if end <= now {
            return Err(ApplicationError::NoticeEnded(end));
        }
        if let Some(application_id) = application_id {
            let posted: Option<i64> =
                sqlx::query_scalar("SELECT id FROM applications WHERE id = $1 AND disclosure_id = $2")
                    .bind(application_id)
                    .bind(notice_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            posted.ok_or(ApplicationError::NotFound)?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO application_objections (disclosure_id, application_id, text, contact, status, created_at)
             VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
        )
        .bind(notice_id)
        .bind(application_id)
        .bind(text)
        .bind(contact)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn notice_objections(&self, notice_id: Option<i64>) -> sqlx::Result<Vec<ApplicationObjection>> {
        let sql = format!(
            "SELECT {OBJECTION_COLUMNS} FROM application_objections WHERE ($1 IS NULL OR disclosure_id = $1) ORDER BY id"
        );
        sqlx::query_as::<_, ApplicationObjection>(sqlx::AssertSqlSafe(sql))
            .bind(notice_id)
            .fetch_all(self.reader())
            .await
    }

    async fn get_notice_objection(&self, id: i64) -> sqlx::Result<Option<ApplicationObjection>> {
        let sql = format!("SELECT {OBJECTION_COLUMNS} FROM application_objections WHERE id = $1");
        sqlx::query_as::<_, ApplicationObjection>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn answer_notice_objection(
        &self,
        id: i64,
        upheld: bool,
        answer: &str,
        step: &StepTaken,
        audit: &AuditEntry,
    ) -> Result<ApplicationObjection, ApplicationError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let sql = format!(
            "UPDATE application_objections SET status = 'answered', decision = $2, answer = $3, answered_by = $4,
                 answered_at = $5 WHERE id = $1 AND status = 'open' RETURNING {OBJECTION_COLUMNS}"
        );
        let objection = sqlx::query_as::<_, ApplicationObjection>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(if upheld { "upheld" } else { "dismissed" })
            .bind(answer)
            .bind(&step.actor_name)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(objection) = objection else {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM application_objections WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(if exists.is_some() { ApplicationError::Answered } else { ApplicationError::NotFound });
        };
        if upheld {
            let reopened: Vec<i64> = sqlx::query_scalar(
                "UPDATE applications SET status = 'applied', disclosure_id = NULL, step_at = $3, updated_at = $3
                 WHERE disclosure_id = $1 AND status = 'recommended' AND ($2 IS NULL OR id = $2) RETURNING id",
            )
            .bind(objection.disclosure_id)
            .bind(objection.application_id)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
            Self::record_steps(&mut tx, &reopened, step, now).await?;
        }
        Self::commit_audited(tx, audit).await?;
        Ok(objection)
    }
}

#[apply(for_both_backends!)]
impl Backends {
    /// Locks the application's row for the rest of the transaction and checks that `transition`
    /// may start from where it stands (and, for the township review, that its notice is over).
    async fn lock_application(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        id: i64,
        transition: &Transition,
        now: DateTime<Utc>,
    ) -> Result<(), ApplicationError> {
        let status: String =
            sqlx::query_scalar("UPDATE applications SET updated_at = updated_at WHERE id = $1 RETURNING status")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(ApplicationError::NotFound)?;
        let status =
            ApplicationStatus::try_from(status).map_err(|e| ApplicationError::Db(sqlx::Error::Decode(e.into())))?;
        if status != transition.from {
            return Err(ApplicationError::WrongState(status));
        }
        if transition.after_notice {
            let sql = format!("{APPLICATION_SELECT} WHERE a.id = $1");
            let row =
                sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut **tx).await?;
            match row.disclosure_end {
                None => return Err(ApplicationError::WrongState(status)),
                Some(end) if end > now => return Err(ApplicationError::NoticeRunning(end)),
                Some(_) if row.open_objections > 0 => {
                    return Err(ApplicationError::OpenObjections(row.open_objections));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    async fn record_steps(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        application_ids: &[i64],
        step: &StepTaken,
        now: DateTime<Utc>,
    ) -> sqlx::Result<()> {
        for chunk in application_ids.chunks(crate::db::BATCH) {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(
                "INSERT INTO application_steps (application_id, step, decision, reason, details, actor_id, actor_name, acting_for, at) ",
            );
            builder.push_values(chunk, |mut b, id| {
                b.push_bind(*id)
                    .push_bind(enum_text(step.step))
                    .push_bind(step.decision.clone())
                    .push_bind(step.reason.clone())
                    .push_bind(Json(step.details.clone()))
                    .push_bind(step.actor_id)
                    .push_bind(step.actor_name.clone())
                    .push_bind(step.acting_for.map(|l| l.as_str().to_owned()))
                    .push_bind(now);
            });
            builder.build().execute(&mut **tx).await?;
        }
        Ok(())
    }
}
