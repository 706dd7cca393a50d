//! The loss indicators of the statistics system (自然灾害情况统计调查制度), in snake_case. People,
//! rooms and households are whole numbers; hectares and 万元 allow two decimals and are kept as
//! integer hundredths, so sums are exact.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Affected,
    Dead,
    Missing,
    Injured,
    SeriouslyInjured,
    PreEvacuated,
    Relocated,
    RelocatedCentral,
    RelocatedDispersed,
    NeedingEmergencyAid,
    NeedingTransitionalAid,
    DroughtAidNeeded,
    CollapsedRooms,
    CollapsedHouseholds,
    SevereRooms,
    SevereHouseholds,
    GeneralRooms,
    GeneralHouseholds,
    CropsAffectedHa,
    CropsDamagedHa,
    CropsLostHa,
    DirectLossWan,
    LossHousingWan,
    LossAgricultureWan,
    LossIndustryWan,
    LossInfrastructureWan,
    LossPublicServicesWan,
    LossOtherWan,
}

/// Indicator values, scaled per [`Indicator::scale`]. A missing key means "not reported".
pub type Figures = BTreeMap<Indicator, i64>;

impl Indicator {
    pub const ALL: [Indicator; 28] = [
        Self::Affected,
        Self::Dead,
        Self::Missing,
        Self::Injured,
        Self::SeriouslyInjured,
        Self::PreEvacuated,
        Self::Relocated,
        Self::RelocatedCentral,
        Self::RelocatedDispersed,
        Self::NeedingEmergencyAid,
        Self::NeedingTransitionalAid,
        Self::DroughtAidNeeded,
        Self::CollapsedRooms,
        Self::CollapsedHouseholds,
        Self::SevereRooms,
        Self::SevereHouseholds,
        Self::GeneralRooms,
        Self::GeneralHouseholds,
        Self::CropsAffectedHa,
        Self::CropsDamagedHa,
        Self::CropsLostHa,
        Self::DirectLossWan,
        Self::LossHousingWan,
        Self::LossAgricultureWan,
        Self::LossIndustryWan,
        Self::LossInfrastructureWan,
        Self::LossPublicServicesWan,
        Self::LossOtherWan,
    ];

    pub const SECTOR_LOSSES: [Indicator; 6] = [
        Self::LossHousingWan,
        Self::LossAgricultureWan,
        Self::LossIndustryWan,
        Self::LossInfrastructureWan,
        Self::LossPublicServicesWan,
        Self::LossOtherWan,
    ];

    pub fn name(self) -> String {
        crate::text_enum::enum_text(self)
    }

    /// Stored units per unit shown: 100 for hectares and 万元 (two decimals), else 1.
    pub fn scale(self) -> i64 {
        let name = self.name();
        if name.ends_with("_ha") || name.ends_with("_wan") { 100 } else { 1 }
    }

    /// Chinese label with its unit, for exports and the printable summary.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Affected => "受灾人口(人)",
            Self::Dead => "死亡人口(人)",
            Self::Missing => "失踪人口(人)",
            Self::Injured => "受伤人口(人)",
            Self::SeriouslyInjured => "其中重伤(人)",
            Self::PreEvacuated => "紧急避险转移(人)",
            Self::Relocated => "紧急转移安置(人)",
            Self::RelocatedCentral => "其中集中安置(人)",
            Self::RelocatedDispersed => "其中分散安置(人)",
            Self::NeedingEmergencyAid => "需紧急生活救助(人)",
            Self::NeedingTransitionalAid => "需过渡期生活救助(人)",
            Self::DroughtAidNeeded => "因旱需生活救助(人)",
            Self::CollapsedRooms => "倒塌房屋(间)",
            Self::CollapsedHouseholds => "倒塌房屋(户)",
            Self::SevereRooms => "严重损坏房屋(间)",
            Self::SevereHouseholds => "严重损坏房屋(户)",
            Self::GeneralRooms => "一般损坏房屋(间)",
            Self::GeneralHouseholds => "一般损坏房屋(户)",
            Self::CropsAffectedHa => "农作物受灾面积(公顷)",
            Self::CropsDamagedHa => "农作物成灾面积(公顷)",
            Self::CropsLostHa => "农作物绝收面积(公顷)",
            Self::DirectLossWan => "直接经济损失(万元)",
            Self::LossHousingWan => "住房及居民家庭财产损失(万元)",
            Self::LossAgricultureWan => "农林牧渔业损失(万元)",
            Self::LossIndustryWan => "工矿商贸业损失(万元)",
            Self::LossInfrastructureWan => "基础设施损失(万元)",
            Self::LossPublicServicesWan => "公共服务损失(万元)",
            Self::LossOtherWan => "其他损失(万元)",
        }
    }

    /// The value as shown (decimal for hectares and 万元).
    pub fn display(self, stored: i64) -> String {
        match self.scale() {
            1 => stored.to_string(),
            scale => format!("{:.2}", stored as f64 / scale as f64),
        }
    }
}

/// Reads API figures (JSON numbers) into stored values; errors name each bad field.
pub fn parse_figures(value: &serde_json::Value) -> Result<Figures, Vec<crate::error::FieldError>> {
    use crate::error::FieldError;
    let Some(object) = value.as_object() else {
        return Err(vec![FieldError::new(
            "indicators",
            crate::said!("figures_not_object", "must be an object of indicator: number"),
        )]);
    };
    let mut figures = Figures::new();
    let mut problems = Vec::new();
    for (key, raw) in object {
        let field = format!("indicators.{key}");
        let Ok(indicator) = crate::text_enum::parse_enum::<Indicator>(key.clone()) else {
            problems.push(FieldError::new(field, crate::said!("indicator_unknown", "unknown indicator")));
            continue;
        };
        if raw.is_null() {
            continue; // not reported
        }
        let Some(number) = raw.as_f64() else {
            problems.push(FieldError::new(field, crate::said!("not_a_number", "must be a number")));
            continue;
        };
        let scaled = number * indicator.scale() as f64;
        if !number.is_finite() || number < 0.0 {
            problems.push(FieldError::new(field, crate::said!("negative", "cannot be negative")));
        } else if (scaled - scaled.round()).abs() > 1e-6 || scaled > 1e15 {
            let rule = if indicator.scale() == 1 {
                crate::said!("not_whole", "must be a whole number")
            } else {
                crate::said!("two_decimals", "at most two decimals")
            };
            problems.push(FieldError::new(field, rule));
        } else {
            figures.insert(indicator, scaled.round() as i64);
        }
    }
    if problems.is_empty() { Ok(figures) } else { Err(problems) }
}

/// Serialises stored figures as the API shows them: numbers in their display units.
pub mod as_decimals {
    use serde::Serializer;
    use serde::ser::SerializeMap;

    use super::Figures;

    pub fn serialize<S: Serializer>(figures: &sqlx::types::Json<Figures>, serializer: S) -> Result<S::Ok, S::Error> {
        plain::serialize(&figures.0, serializer)
    }

    /// The same for figures not wrapped for the database.
    pub mod plain {
        use super::*;

        pub fn serialize<S: Serializer>(figures: &Figures, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(figures.len()))?;
            for (indicator, value) in figures {
                match indicator.scale() {
                    1 => map.serialize_entry(&indicator.name(), value)?,
                    scale => map.serialize_entry(&indicator.name(), &(*value as f64 / scale as f64))?,
                }
            }
            map.end()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_parse_with_their_units() {
        let figures =
            parse_figures(&serde_json::json!({"affected": 1200, "crops_affected_ha": 35.5, "direct_loss_wan": null}))
                .unwrap();
        assert_eq!(figures[&Indicator::Affected], 1200);
        assert_eq!(figures[&Indicator::CropsAffectedHa], 3550);
        assert!(!figures.contains_key(&Indicator::DirectLossWan));
        let errors =
            parse_figures(&serde_json::json!({"dead": -1, "affected": 1.5, "crops_lost_ha": 0.125, "zombies": 3}))
                .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["indicators.affected", "indicators.crops_lost_ha", "indicators.dead", "indicators.zombies"]
        );
    }

    #[test]
    fn every_indicator_is_listed_once_with_a_label() {
        let mut names: Vec<String> = Indicator::ALL.iter().map(|i| i.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Indicator::ALL.len());
        assert_eq!(Indicator::DirectLossWan.display(12345), "123.45");
        assert_eq!(Indicator::Dead.display(3), "3");
    }
}
