//! Runtime settings. Every number a deployment might want to change lives here, with the
//! command-line flag or environment variable that sets it.

use std::path::PathBuf;
use std::time::Duration;

use h3o::Resolution;

/// The built-in keys for personal data, for development only: the server warns loudly while
/// either is in use (`households::pii::warn_if_default_keys`).
pub const DEV_HASH_KEY: &str = "jiuzai-development-id-hash-key--do-not-use-in-production";
pub const DEV_ENCRYPTION_KEY: &str = "6a69757a61692d646576656c6f706d656e742d6b65792d6e6f742d736563726574";

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Hours a login token stays valid.
    #[arg(long, env = "JIUZAI_TOKEN_TTL_HOURS", default_value_t = 12)]
    pub token_ttl_hours: u32,
    /// Failed logins allowed per username within the throttle window (an address gets 4×).
    #[arg(long, env = "JIUZAI_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,
    /// Length of the login throttle window, in minutes.
    #[arg(long, env = "JIUZAI_LOGIN_WINDOW_MINUTES", default_value_t = 15)]
    pub login_window_minutes: u64,
    /// Largest accepted request body, in bytes (larger requests get 413).
    #[arg(long, env = "JIUZAI_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// H3 resolution of area coverages (7 ≈ 5 km² cells).
    #[arg(long, env = "JIUZAI_COVERAGE_RESOLUTION", default_value_t = 7, value_parser = clap::value_parser!(u8).range(0..=15))]
    pub coverage_resolution: u8,
    /// Seconds a validated session is remembered, sparing each request its session (and depot)
    /// reads. Logout and depot assignment take effect at once in this process; another server
    /// process may honour a revoked token for up to this long. 0 turns the cache off.
    #[arg(long, env = "JIUZAI_SESSION_CACHE_SECONDS", default_value_t = 10)]
    pub session_cache_seconds: u64,
    /// Items and depots are remembered this many seconds for the stock endpoints; another server
    /// process sees an edit to them after at most this long. 0 turns the cache off.
    #[arg(long, env = "JIUZAI_REFERENCE_CACHE_SECONDS", default_value_t = 10)]
    pub reference_cache_seconds: u64,
    /// Stock lots expiring within this many days are flagged (GET /api/v1/stock/alerts).
    #[arg(long, env = "JIUZAI_EXPIRY_ALERT_DAYS", default_value_t = 90)]
    pub expiry_alert_days: i64,
    /// Average persons per household, to turn per-household norms into people (Jiujiang 2022: 3.15).
    #[arg(long, env = "JIUZAI_PERSONS_PER_HOUSEHOLD", default_value_t = 3.15)]
    pub persons_per_household: f64,
    /// A reported figure that rises more than this many times over the previous report needs an explanation.
    #[arg(long, env = "JIUZAI_REPORT_JUMP_FACTOR", default_value_t = 3.0)]
    pub report_jump_factor: f64,
    /// Hours after onset within which each affected county's initial report is due.
    #[arg(long, env = "JIUZAI_INITIAL_REPORT_HOURS", default_value_t = 2)]
    pub initial_report_hours: i64,
    /// Beijing-time hour by which the daily update is due during a response.
    #[arg(long, env = "JIUZAI_DAILY_UPDATE_HOUR", default_value_t = 9, value_parser = clap::value_parser!(u32).range(0..=23))]
    pub daily_update_hour: u32,
    /// H3 resolution of the travel-time grid (8 ≈ 0.74 km² cells).
    #[arg(long, env = "JIUZAI_ROUTING_RESOLUTION", default_value_t = 8, value_parser = clap::value_parser!(u8).range(0..=15))]
    pub routing_resolution: u8,
    /// Travel speed over open ground, km/h, for the grid model.
    #[arg(long, env = "JIUZAI_TRAVEL_SPEED_KMH", default_value_t = 30.0)]
    pub travel_speed_kmh: f64,
    /// Plan lines arriving later than this many minutes are flagged late (basic relief within 12 h).
    #[arg(long, env = "JIUZAI_PLAN_DEADLINE_MINUTES", default_value_t = 720)]
    pub plan_deadline_minutes: u32,
    /// Key of the keyed hash (HMAC-SHA256) under which household ID numbers are matched and
    /// deduplicated. Changing it orphans the stored hashes. The default is for development only.
    #[arg(long, env = "JIUZAI_ID_HASH_KEY", default_value = DEV_HASH_KEY, hide_default_value = true)]
    pub id_hash_key: String,
    /// Key (32 bytes as 64 hex digits; other text is stretched with SHA-256) encrypting full ID
    /// numbers and bank accounts for the payment file. The default is for development only.
    #[arg(long, env = "JIUZAI_ID_ENCRYPTION_KEY", default_value = DEV_ENCRYPTION_KEY, hide_default_value = true)]
    pub id_encryption_key: String,
    /// Minimum length of a grant list's public disclosure (公示), in days ("至少一周").
    #[arg(long, env = "JIUZAI_DISCLOSURE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=60))]
    pub disclosure_days: i64,
    /// Share (%) of each item a materials plan leaves in a depot whose own area has no relief
    /// response in force, so the counties the disaster spared keep a floor for their own next one
    /// (docs/domain/reserves.md#reserve-floor). A plan may set its own.
    #[arg(long, env = "JIUZAI_RESERVE_FLOOR_PERCENT", default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=100))]
    pub reserve_floor_percent: i64,
    /// How a materials plan weighs areas when stock is short, unless the plan chooses
    /// (docs/domain/planning.md#policy): strict_tiers (the most severe response first) or
    /// weighted (fill ÷ the response level's weight raised evenly over all areas).
    #[arg(long, env = "JIUZAI_PLAN_POLICY", default_value = "strict_tiers", value_parser = ["strict_tiers", "weighted"])]
    pub plan_policy: String,
    /// The weighted policy's weights by response level, Ⅰ, Ⅱ, Ⅲ, Ⅳ and none, each in (0, 1].
    #[arg(long, env = "JIUZAI_FILL_WEIGHTS", default_value = "1.0,0.9,0.8,0.7,0.6")]
    pub fill_weights: FillWeights,
    /// Days the village has to assess an application (村评), from the day it was filed.
    #[arg(long, env = "JIUZAI_APPLICATION_ASSESS_DAYS", default_value_t = 3, value_parser = clap::value_parser!(i64).range(1..=60))]
    pub application_assess_days: i64,
    /// Days the township has to review an application (乡审), from the end of its village notice.
    #[arg(long, env = "JIUZAI_APPLICATION_REVIEW_DAYS", default_value_t = 5, value_parser = clap::value_parser!(i64).range(1..=60))]
    pub application_review_days: i64,
    /// Days the county has to decide an application (县定), from the township's approval.
    #[arg(long, env = "JIUZAI_APPLICATION_DECIDE_DAYS", default_value_t = 5, value_parser = clap::value_parser!(i64).range(1..=60))]
    pub application_decide_days: i64,
    /// Winter–spring calendar (docs/domain/winter-spring.md), as month-day in the campaign's year:
    /// the household survey starts, then the county, city and province need figures are due.
    #[arg(long, env = "JIUZAI_WINTER_SPRING_SURVEY_START", default_value = "09-20")]
    pub winter_spring_survey_start: MonthDay,
    #[arg(long, env = "JIUZAI_WINTER_SPRING_COUNTY_DUE", default_value = "10-15")]
    pub winter_spring_county_due: MonthDay,
    #[arg(long, env = "JIUZAI_WINTER_SPRING_CITY_DUE", default_value = "10-20")]
    pub winter_spring_city_due: MonthDay,
    #[arg(long, env = "JIUZAI_WINTER_SPRING_PROVINCE_DUE", default_value = "10-25")]
    pub winter_spring_province_due: MonthDay,
    /// The relief period runs from this day of the campaign's year to the last day of the month
    /// below in the next year (May; July in counties with one harvest a year).
    #[arg(long, env = "JIUZAI_WINTER_SPRING_RELIEF_START", default_value = "12-01")]
    pub winter_spring_relief_start: MonthDay,
    #[arg(long, env = "JIUZAI_WINTER_SPRING_RELIEF_END_MONTH", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=12))]
    pub winter_spring_relief_end_month: u32,
    /// Counties with a single harvest a year, whose relief period runs to July (comma-separated codes).
    #[arg(long, env = "JIUZAI_WINTER_SPRING_SINGLE_CROP_COUNTIES", value_delimiter = ',')]
    pub winter_spring_single_crop_counties: Vec<String>,
    /// A rebuild case's target dates, in days after the county approved it: work started, the
    /// structure up (rebuilds), the house completed (docs/domain/rebuild.md).
    #[arg(long, env = "JIUZAI_REBUILD_START_DAYS", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=730))]
    pub rebuild_start_days: i64,
    #[arg(long, env = "JIUZAI_REBUILD_STRUCTURE_DAYS", default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=730))]
    pub rebuild_structure_days: i64,
    #[arg(long, env = "JIUZAI_REBUILD_COMPLETE_DAYS", default_value_t = 180, value_parser = clap::value_parser!(i64).range(1..=730))]
    pub rebuild_complete_days: i64,
    /// Percent of a rebuild subsidy paid when work starts, when the structure is up (a repair:
    /// when completed) and after acceptance, unless the county sets its own; adds up to 100.
    #[arg(long, env = "JIUZAI_REBUILD_STAGE_PERCENTS", value_delimiter = ',', default_value = "30,40,30")]
    pub rebuild_stage_percents: Vec<i64>,
    /// Percent of a paid housing-insurance claim a county counts against the rebuild subsidy unless
    /// it sets its own (0: the payout complements the subsidy; docs/domain/rebuild.md#insurance).
    #[arg(long, env = "JIUZAI_INSURANCE_COUNTED_PERCENT", default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..=100))]
    pub insurance_counted_percent: i64,
    /// The payment phases a county splits its winter–spring money into unless it sets its own:
    /// name:percent:MM-DD (when the phase starts), comma-separated; the shares add up to 100.
    #[arg(
        long,
        env = "JIUZAI_WINTER_SPRING_PHASES",
        value_delimiter = ',',
        default_value = "冬令:50:12-01,春荒:50:03-01"
    )]
    pub winter_spring_phases: Vec<PhaseSpec>,
    /// How long each step of a one-window case may take (docs/domain/one-window.md): `refer` (the
    /// township refers a case), `urgent` (an urgent case's whole answer) and one per programme (the
    /// department's answer), as name=Nh or name=Nd, comma-separated.
    #[arg(long, env = "JIUZAI_CASE_DEADLINES", value_delimiter = ',', default_value = DEFAULT_CASE_DEADLINES)]
    pub case_deadlines: Vec<CaseDeadline>,
    /// Hours between detection runs over every open event's damage records (救急难 主动发现,
    /// docs/domain/one-window.md); a damage record runs it at once for its household. 0: off.
    #[arg(long, env = "JIUZAI_DETECTION_EVERY_HOURS", default_value_t = 24)]
    pub detection_every_hours: u64,
    /// Objections one client address may file per hour on the public disclosure pages.
    #[arg(long, env = "JIUZAI_OBJECTIONS_PER_HOUR", default_value_t = 5)]
    pub objections_per_hour: u32,
    /// Where report photos are stored.
    #[arg(long, env = "JIUZAI_PHOTO_DIR", default_value = "data/photos")]
    pub photo_dir: PathBuf,
    /// Largest accepted report photo, in bytes.
    #[arg(long, env = "JIUZAI_MAX_PHOTO_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_photo_bytes: usize,
    /// Directory of the built dashboard, served at `/`.
    #[arg(long, env = "JIUZAI_STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
}

impl Settings {
    pub fn token_ttl(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.token_ttl_hours))
    }

    pub fn login_window(&self) -> Duration {
        Duration::from_secs(self.login_window_minutes * 60)
    }

    pub fn routing_resolution(&self) -> Resolution {
        Resolution::try_from(self.routing_resolution).expect("range checked by clap")
    }

    pub fn coverage_resolution(&self) -> Resolution {
        Resolution::try_from(self.coverage_resolution).expect("range checked by clap")
    }
}

impl Default for Settings {
    fn default() -> Self {
        <Self as clap::FromArgMatches>::from_arg_matches(
            &<Self as clap::Args>::augment_args(clap::Command::new("defaults")).get_matches_from(["defaults"]),
        )
        .expect("defaults parse")
    }
}

/// A day of the year as `MM-DD`, for calendars that repeat every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    /// The day in `year` (29 February falls back to the 28th in other years).
    pub fn in_year(self, year: i32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| chrono::NaiveDate::from_ymd_opt(year, self.month, self.day - 1))
            .expect("checked when parsed")
    }
}

impl std::str::FromStr for MonthDay {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (month, day) = text.split_once('-').ok_or_else(|| format!("{text}: not MM-DD"))?;
        let (month, day): (u32, u32) = (
            month.parse().map_err(|_| format!("{text}: not MM-DD"))?,
            day.parse().map_err(|_| format!("{text}: not MM-DD"))?,
        );
        // A leap year accepts every real month-day.
        chrono::NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(|| format!("{text}: no such day"))?;
        Ok(Self { month, day })
    }
}

/// The weighted policy's weight of each response level: an area's fill counts as fill ÷ weight,
/// so an area at weight 0.6 is as well served at 60 % as a Ⅰ-level area at 100 %.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FillWeights {
    pub level_1: f64,
    pub level_2: f64,
    pub level_3: f64,
    pub level_4: f64,
    pub none: f64,
}

impl FillWeights {
    /// The weights with their field names, from Ⅰ to none.
    pub fn named(&self) -> [(&'static str, f64); 5] {
        [
            ("level_1", self.level_1),
            ("level_2", self.level_2),
            ("level_3", self.level_3),
            ("level_4", self.level_4),
            ("none", self.none),
        ]
    }

    /// The fields outside (0, 1], by name.
    pub fn out_of_range(&self) -> Vec<&'static str> {
        self.named().into_iter().filter(|(_, w)| !(*w > 0.0 && *w <= 1.0)).map(|(name, _)| name).collect()
    }

    /// The weight of a plan's tier (4 for a Ⅰ-level response … 1 for Ⅳ, 0 without one) in
    /// thousandths, the planner's unit.
    pub fn thousandths(&self, tier: u8) -> i64 {
        let weight = match tier {
            4.. => self.level_1,
            3 => self.level_2,
            2 => self.level_3,
            1 => self.level_4,
            0 => self.none,
        };
        ((weight * 1000.0).round() as i64).clamp(1, 1000)
    }
}

impl std::str::FromStr for FillWeights {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let values: Vec<f64> = text
            .split(',')
            .map(|v| v.trim().parse().map_err(|_| format!("{text}: {v} is not a number")))
            .collect::<Result<_, _>>()?;
        let [level_1, level_2, level_3, level_4, none] = values[..] else {
            return Err(format!("{text}: five weights, for Ⅰ, Ⅱ, Ⅲ, Ⅳ and none"));
        };
        let weights = Self { level_1, level_2, level_3, level_4, none };
        match weights.out_of_range().first() {
            Some(name) => Err(format!("{text}: the weight for {name} is outside (0, 1]")),
            None => Ok(weights),
        }
    }
}

/// Illustrative defaults: the sources give no per-programme deadlines (docs/domain/one-window.md).
pub const DEFAULT_CASE_DEADLINES: &str = "refer=48h,urgent=24h,dibao=30d,tekun=30d,medical=15d,education=15d,housing=30d,employment=15d,temporary=7d,disease_emergency=1d";

/// One deadline of a case's steps: its name and its length in hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDeadline {
    pub name: String,
    pub hours: i64,
}

impl std::str::FromStr for CaseDeadline {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (name, length) = text.split_once('=').ok_or_else(|| format!("{text}: not name=Nh or name=Nd"))?;
        let (number, unit) = length.trim().split_at(length.trim().len().saturating_sub(1));
        let number: i64 = number.parse().map_err(|_| format!("{text}: the length is not a number"))?;
        let hours = match unit {
            "h" => number,
            "d" => number * 24,
            _ => return Err(format!("{text}: the length ends in h (hours) or d (days)")),
        };
        if hours <= 0 {
            return Err(format!("{text}: the length must be positive"));
        }
        Ok(Self { name: name.trim().to_owned(), hours })
    }
}

/// A payment phase as the settings name it: `冬令:50:12-01` (name, percent of the money, start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseSpec {
    pub name: String,
    pub percent: i64,
    pub starts: MonthDay,
}

impl std::str::FromStr for PhaseSpec {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let mut parts = text.splitn(3, ':');
        let (Some(name), Some(percent), Some(starts)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("{text}: not name:percent:MM-DD"));
        };
        let percent = percent.parse().map_err(|_| format!("{text}: the percent is not a number"))?;
        Ok(Self { name: name.trim().to_owned(), percent, starts: starts.parse()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_weights_parse_from_the_setting_and_refuse_what_is_outside_zero_to_one() {
        let weights: FillWeights = "1.0, 0.9,0.8,0.7,0.6".parse().expect("the default parses");
        assert_eq!(weights, Settings::default().fill_weights);
        assert_eq!([4, 3, 2, 1, 0].map(|tier| weights.thousandths(tier)), [1000, 900, 800, 700, 600]);
        assert!("1.0,0.9,0.8,0.7".parse::<FillWeights>().unwrap_err().contains("five weights"));
        assert!("1.0,0.9,0.8,0.7,0".parse::<FillWeights>().unwrap_err().contains("none"));
        assert!("1.2,0.9,0.8,0.7,0.6".parse::<FillWeights>().unwrap_err().contains("level_1"));
        assert!("1.0,x,0.8,0.7,0.6".parse::<FillWeights>().unwrap_err().contains("not a number"));
        let odd = FillWeights { level_2: f64::NAN, ..weights };
        assert_eq!(odd.out_of_range(), ["level_2"]);
    }
}
