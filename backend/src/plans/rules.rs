//! Checks on a plan's steps that need no store: what a receipt may say about a shipment.

use std::collections::BTreeMap;

use serde::Deserialize;
use utoipa::ToSchema;

use super::Shipment;
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
            None => {
                problems.push(FieldError::new(format!("lines[{i}].item"), format!("{} was not shipped", line.item)))
            }
            Some(shipped) if line.quantity < 0 || line.quantity > shipped.quantity => problems.push(FieldError::new(
                format!("lines[{i}].quantity"),
                format!("between 0 and the {} shipped", shipped.quantity),
            )),
            Some(_) => {
                received.insert(line.item.clone(), line.quantity);
            }
        }
    }
    if problems.is_empty() { Ok(received) } else { Err(problems) }
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
            lines: vec![ShipmentLine { item: "tent".into(), quantity: 10, received: None }],
        }
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
}
