//! Checks on a plan's steps that need no store: what a receipt may say about a shipment.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use utoipa::ToSchema;

use super::{PlanLine, Shipment};
use crate::error::FieldError;

/// One item of a shipment as it arrived.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptLine {
    pub item: String,
    pub quantity: i64,
}

/// What arrived per item: each line names an item the shipment carried, with 0 up to the
/// quantity shipped (a shortfall stays on record; more than was shipped cannot arrive).
pub fn received_quantities(
    shipment: &Shipment,
    lines: &[ReceiptLine],
) -> Result<BTreeMap<String, i64>, Vec<FieldError>> {
    let mut received = BTreeMap::new();
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match shipment.lines.iter().find(|l| l.item == line.item) {
            None => problems.push(FieldError::new(
                format!("lines[{i}].item"),
                crate::said!("not_shipped", "{item} was not shipped", item = &line.item),
            )),
            Some(shipped) if line.quantity < 0 || line.quantity > shipped.quantity => problems.push(FieldError::new(
                format!("lines[{i}].quantity"),
                crate::said!("received_range", "between 0 and the {shipped} shipped", shipped = shipped.quantity),
            )),
            Some(_) => {
                received.insert(line.item.clone(), line.quantity);
            }
        }
    }
    if problems.is_empty() { Ok(received) } else { Err(problems) }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransportInput {
    pub vehicle_plate: String,
    pub driver_name: String,
    pub driver_phone: String,
}

/// A shipment's vehicle and driver, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Transport {
    pub vehicle_plate: String,
    pub driver_name: String,
    pub driver_phone: String,
}

/// A waybill's vehicle and driver, trimmed and checked: a plate of 2–16 characters, a name, and a
/// phone of 5–20 digits or dashes.
pub fn transport(input: &TransportInput) -> Result<Transport, Vec<FieldError>> {
    let (plate, name, phone) = (input.vehicle_plate.trim(), input.driver_name.trim(), input.driver_phone.trim());
    let mut problems = Vec::new();
    if !(2..=16).contains(&plate.chars().count()) {
        problems.push(FieldError::new("vehicle_plate", crate::said!("plate_length", "2 to 16 characters")));
    }
    if name.is_empty() || name.chars().count() > 50 {
        problems.push(FieldError::new(
            "driver_name",
            crate::said!("text_required", "required, at most {max} characters", max = 50),
        ));
    }
    if !(5..=20).contains(&phone.len()) || !phone.chars().all(|c| c.is_ascii_digit() || c == '-') {
        problems.push(FieldError::new("driver_phone", crate::said!("phone_digits", "5 to 20 digits or dashes")));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Transport { vehicle_plate: plate.to_owned(), driver_name: name.to_owned(), driver_phone: phone.to_owned() })
}

/// The lines a change of a draft touches: the old versions of those removed or changed, and the
/// new versions of those added or changed. Only these are rewritten and audited: a re-plan at city
/// scale keeps most of its 15,000 lines.
#[derive(Debug, Default, PartialEq)]
pub struct LinesDelta {
    pub before: Vec<PlanLine>,
    pub after: Vec<PlanLine>,
}

impl LinesDelta {
    pub fn between(before: &[PlanLine], after: &[PlanLine]) -> Self {
        let kept: HashSet<&PlanLine> = before.iter().collect();
        let made: HashSet<&PlanLine> = after.iter().collect();
        Self {
            before: before.iter().filter(|l| !made.contains(l)).cloned().collect(),
            after: after.iter().filter(|l| !kept.contains(l)).cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plans::ShipmentLine;

    fn shipment() -> Shipment {
        Shipment {
            id: 1,
            plan_id: 1,
            depot_id: 1,
            area_code: "360425100".into(),
            status: "dispatched".into(),
            dispatched_at: chrono::Utc::now(),
            dispatched_by: "keeper".into(),
            received_at: None,
            received_by: None,
            vehicle_plate: None,
            driver_name: None,
            driver_phone: None,
            received_signer: None,
            lines: vec![ShipmentLine { item: "tent".into(), quantity: 10, received: None }],
        }
    }

    #[test]
    fn a_waybill_needs_a_plate_a_driver_and_a_phone() {
        let input = |plate: &str, name: &str, phone: &str| TransportInput {
            vehicle_plate: plate.into(),
            driver_name: name.into(),
            driver_phone: phone.into(),
        };
        let ok = transport(&input(" 赣G·12345 ", "李师傅", "139-0000-0000")).unwrap();
        assert_eq!(ok.vehicle_plate, "赣G·12345");
        let fields: Vec<String> =
            transport(&input("赣", " ", "call")).unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["vehicle_plate", "driver_name", "driver_phone"]);
    }

    fn line(item: &str, quantity: i64) -> ReceiptLine {
        ReceiptLine { item: item.into(), quantity }
    }

    #[test]
    fn a_receipt_names_shipped_items_up_to_the_quantity_shipped() {
        assert_eq!(received_quantities(&shipment(), &[line("tent", 8)]).unwrap()["tent"], 8, "a shortfall is allowed");
        let fields = |lines: &[ReceiptLine]| -> Vec<String> {
            received_quantities(&shipment(), lines).unwrap_err().into_iter().map(|p| p.field).collect()
        };
        assert_eq!(fields(&[line("quilt", 1)]), ["lines[0].item"]);
        assert_eq!(fields(&[line("tent", 11)]), ["lines[0].quantity"]);
        assert_eq!(fields(&[line("tent", 1), line("tent", -1)]), ["lines[1].quantity"]);
    }

    /// Lines with keys from a small space, so that before and after share many of them.
    fn lines() -> impl proptest::strategy::Strategy<Value = Vec<PlanLine>> {
        use proptest::prelude::*;
        proptest::collection::btree_map((1..4i64, 0..3u8, 0..2u8), (1..4i64, 0..3i64, any::<bool>()), 0..18).prop_map(
            |lines| {
                lines
                    .into_iter()
                    .map(|((depot_id, area, item), (quantity, travel_minutes, late))| PlanLine {
                        depot_id,
                        area_code: format!("36042510{area}").as_str().into(),
                        item: format!("item-{item}"),
                        quantity,
                        travel_minutes,
                        late,
                    })
                    .collect()
            },
        )
    }

    proptest::proptest! {
        /// Deleting the delta's old lines by key and inserting its new ones turns the stored lines
        /// into the new plan's, never inserting a key that is still there.
        #[test]
        fn the_delta_rewrites_the_lines_into_the_new_ones(before in lines(), after in lines()) {
            let key = |l: &PlanLine| (l.depot_id, l.area_code.clone(), l.item.clone());
            let delta = LinesDelta::between(&before, &after);
            let mut stored: BTreeMap<_, PlanLine> = before.iter().map(|l| (key(l), l.clone())).collect();
            for line in &delta.before {
                proptest::prop_assert!(stored.remove(&key(line)).is_some());
            }
            for line in &delta.after {
                proptest::prop_assert!(stored.insert(key(line), line.clone()).is_none());
            }
            let wanted: BTreeMap<_, PlanLine> = after.iter().map(|l| (key(l), l.clone())).collect();
            proptest::prop_assert_eq!(stored, wanted);
            proptest::prop_assert!(delta.before.len() <= before.len() && delta.after.len() <= after.len());
        }
    }
}
