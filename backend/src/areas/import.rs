//! Parsing and validation of area files (pure: no I/O). Accepts a GeoJSON FeatureCollection, a
//! single Feature, or a bare geometry object carrying `properties.adcode` (the format of the
//! county files fetched at set-up). Every problem is reported with the feature it belongs to, and
//! nothing is stored unless the whole file is valid.

use geo::orient::{Direction, Orient};
use geo::{Geometry, InteriorPoint, Validation};
use geojson::GeometryValue;
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{LatLng, Resolution};
use serde_json::{Map, Value};

use super::AreaCode;
use super::{Crs, Level, PreparedArea, gcj02};
use crate::error::{FieldError, Said};
use crate::said;

/// Validates a parsed GeoJSON document and prepares its areas for storage (parents are checked
/// against the database by the caller). `Err` carries every problem found, each naming its feature.
pub fn prepare_areas(root: &Value, crs: Crs, resolution: Resolution) -> Result<Vec<PreparedArea>, Vec<FieldError>> {
    let features = features_of(root)?;
    let mut areas = Vec::with_capacity(features.len());
    let mut errors = Vec::new();
    for (path, properties, geometry) in features {
        match prepare(&path, properties, geometry, crs, resolution) {
            Ok(area) => areas.push(area),
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    let mut seen = std::collections::HashSet::new();
    for area in &areas {
        if !seen.insert(area.code.as_str()) {
            errors.push(FieldError::new(
                format!("code {}", area.code),
                said!("area_twice", "appears more than once in the file"),
            ));
        }
    }
    if errors.is_empty() { Ok(areas) } else { Err(errors) }
}

type RawFeature<'a> = (String, Map<String, Value>, Option<&'a Value>);

/// Splits the document into (path for messages, properties, geometry) per feature.
fn features_of(root: &Value) -> Result<Vec<RawFeature<'_>>, Vec<FieldError>> {
    let kind = root.get("type").and_then(Value::as_str).unwrap_or_default();
    let properties_of = |v: &Value| v.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    match kind {
        "FeatureCollection" => {
            let Some(features) = root.get("features").and_then(Value::as_array) else {
                return Err(vec![FieldError::new(
                    "features",
                    said!("geojson_shape", "a FeatureCollection needs a features array"),
                )]);
            };
            Ok(features
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("features[{i}]"), properties_of(f), f.get("geometry").filter(|g| !g.is_null())))
                .collect())
        }
        "Feature" => Ok(vec![("feature".into(), properties_of(root), root.get("geometry").filter(|g| !g.is_null()))]),
        "Polygon" | "MultiPolygon" | "Point" => Ok(vec![("geometry".into(), properties_of(root), Some(root))]),
        other => Err(vec![FieldError::new(
            "type",
            said!(
                "geojson_shape",
                "expected a FeatureCollection, a Feature or a geometry with properties.adcode, got {other:?}",
                other = other
            ),
        )]),
    }
}

fn text_property(properties: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| match properties.get(*name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn prepare(
    path: &str,
    properties: Map<String, Value>,
    geometry: Option<&Value>,
    crs: Crs,
    resolution: Resolution,
) -> Result<PreparedArea, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(code) = text_property(&properties, &["code", "adcode"]) else {
        return Err(vec![FieldError::new(format!("{path}.properties.code"), said!("required", "required"))]);
    };
    let path = format!("{path} ({code})");
    let code = match AreaCode::parse(&code) {
        Ok(code) => code,
        Err(reason) => return Err(vec![FieldError::new(format!("{path}.properties.code"), reason)]),
    };
    let implied_level = code.level();
    let level = match text_property(&properties, &["level"]) {
        None => implied_level,
        Some(text) => match Level::parse(&text) {
            Some(level) if level == implied_level => level,
            Some(level) => {
                errors.push(FieldError::new(
                    format!("{path}.properties.level"),
                    said!(
                        "level_mismatch",
                        "level {level} does not match the code, which is a {implied}",
                        level = level.as_str(),
                        implied = implied_level.as_str()
                    ),
                ));
                level
            }
            None => {
                errors.push(FieldError::new(
                    format!("{path}.properties.level"),
                    said!("level_unknown", "unknown level {text:?}", text = &text),
                ));
                implied_level
            }
        },
    };
    let parent_code = match text_property(&properties, &["parent_code", "parent"]) {
        None => code.parent(),
        Some(parent) => AreaCode::parse(&parent)
            .map_err(|_| {
                errors.push(FieldError::new(
                    format!("{path}.properties.parent_code"),
                    said!("parent_malformed", "malformed parent code {parent:?}", parent = &parent),
                ))
            })
            .ok(),
    };
    // Bare geometry files carry no name: an existing area keeps its own (checked when storing).
    let name = text_property(&properties, &["name"]).unwrap_or_default();
    let population = match properties.get("population") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().filter(|p| *p >= 0) {
            Some(p) => Some(p),
            None => {
                errors.push(FieldError::new(
                    format!("{path}.properties.population"),
                    said!("population_whole", "must be a non-negative integer"),
                ));
                None
            }
        },
    };

    let geometry = match geometry {
        None if level.needs_polygon() => {
            errors.push(FieldError::new(
                format!("{path}.geometry"),
                said!("polygon_needed", "a {level} needs a polygon", level = level.as_str()),
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                format!("{path}.geometry"),
                said!("geometry_missing", "missing geometry (a point or polygon is needed)"),
            ));
            None
        }
        Some(value) => match read_geometry(&format!("{path}.geometry"), value, level, crs) {
            Ok(g) => Some(g),
            Err(mut errs) => {
                errors.append(&mut errs);
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let geometry = geometry.expect("checked above");
    let point = geometry.interior_point().expect("validated geometries are non-empty");
    let rep_cell = cell_of(point.x(), point.y(), resolution)
        .map_err(|reason| vec![FieldError::new(format!("{path}.geometry"), reason)])?;
    let cells = coverage(&geometry, resolution);
    let stored = match &geometry {
        Geometry::Point(_) => None,
        other => Some(geojson::Geometry::from(other).to_string()),
    };
    Ok(PreparedArea {
        code,
        name,
        level,
        parent_code,
        population,
        geometry: stored,
        lon: point.x(),
        lat: point.y(),
        rep_cell,
        point_approximate: false,
        cells,
    })
}

/// Reads one geometry: checks type, ranges, closed rings and validity; converts from GCJ-02 if
/// asked; orients rings as RFC 7946 wants (exterior counter-clockwise).
fn read_geometry(field: &str, value: &Value, level: Level, crs: Crs) -> Result<Geometry, Vec<FieldError>> {
    let mut parsed: geojson::Geometry = serde_json::from_value(value.clone())
        .map_err(|e| vec![FieldError::new(field, geometry_invalid(format!("invalid GeoJSON geometry: {e}")))])?;
    let type_name = parsed.value.type_name();
    let polygons: Vec<&mut Vec<Vec<geojson::Position>>> = match &mut parsed.value {
        GeometryValue::Polygon { coordinates } => vec![coordinates],
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter_mut().collect(),
        GeometryValue::Point { .. } if !level.needs_polygon() => vec![],
        _ => {
            let expected =
                if level.needs_polygon() { "a Polygon or MultiPolygon" } else { "a Point, Polygon or MultiPolygon" };
            return Err(vec![FieldError::new(
                field,
                said!(
                    "geometry_type",
                    "a {level} needs {expected}, got {type_name}",
                    level = level.as_str(),
                    expected = expected,
                    type_name = type_name
                ),
            )]);
        }
    };
    let mut errors = Vec::new();
    for (p, polygon) in polygons.into_iter().enumerate() {
        if polygon.is_empty() {
            errors.push(FieldError::new(field, geometry_invalid(format!("polygon {p} has no rings"))));
        }
        for (r, ring) in polygon.iter_mut().enumerate() {
            if ring.len() < 4 {
                errors.push(FieldError::new(
                    field,
                    geometry_invalid(format!(
                        "polygon {p} ring {r} has {} positions; at least 4 are needed",
                        ring.len()
                    )),
                ));
            } else if ring.first() != ring.last() {
                errors.push(FieldError::new(
                    field,
                    geometry_invalid(format!("polygon {p} ring {r} is not closed (first and last positions differ)")),
                ));
            }
            for position in ring.iter_mut() {
                if let Err(reason) = check_and_convert(position, crs) {
                    errors.push(FieldError::new(field, geometry_invalid(format!("polygon {p} ring {r}: {reason}"))));
                    break;
                }
            }
        }
    }
    if let GeometryValue::Point { coordinates } = &mut parsed.value
        && let Err(reason) = check_and_convert(coordinates, crs)
    {
        errors.push(FieldError::new(field, geometry_invalid(reason)));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let geometry: Geometry = Geometry::try_from(&parsed.value)
        .map_err(|e| vec![FieldError::new(field, geometry_invalid(format!("invalid geometry: {e}")))])?;
    let geometry = match geometry {
        Geometry::Polygon(p) => Geometry::MultiPolygon(geo::MultiPolygon::new(vec![p])),
        other => other,
    };
    if let Geometry::MultiPolygon(mp) = &geometry {
        if let Err(problem) = mp.check_validation() {
            return Err(vec![FieldError::new(field, geometry_invalid(format!("invalid polygon: {problem}")))]);
        }
        return Ok(Geometry::MultiPolygon(mp.orient(Direction::Default)));
    }
    Ok(geometry)
}

/// The refusal of a geometry that is not a valid shape; `detail` says why (in English, from the
/// geometry's checks: the dashboard says only that the shape is invalid).
fn geometry_invalid(detail: String) -> Said {
    said!("geometry_invalid", "{detail}", detail = detail)
}

/// A polygon drawn by a user (e.g. a blocked zone): same checks as area polygons, WGS84.
pub fn read_polygon(field: &str, value: &Value) -> Result<geo::MultiPolygon, Vec<FieldError>> {
    match read_geometry(field, value, Level::County, Crs::Wgs84)? {
        Geometry::MultiPolygon(mp) => Ok(mp),
        _ => Err(vec![FieldError::new(field, said!("polygon_needed", "a {level} needs a polygon", level = "zone"))]),
    }
}

fn check_and_convert(position: &mut geojson::Position, crs: Crs) -> Result<(), String> {
    let coords = position.as_slice_mut();
    if coords.len() < 2 {
        return Err("a position needs longitude and latitude".into());
    }
    let (lon, lat) = (coords[0], coords[1]);
    if !lon.is_finite() || !lat.is_finite() || !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("coordinates out of range: [{lon}, {lat}] (longitude −180…180, latitude −90…90)"));
    }
    if crs == Crs::Gcj02 {
        let (lon, lat) = gcj02::gcj02_to_wgs84(lon, lat);
        coords[0] = lon;
        coords[1] = lat;
    }
    Ok(())
}

pub fn cell_of(lon: f64, lat: f64, resolution: Resolution) -> Result<i64, Said> {
    let latlng = LatLng::new(lat, lon)
        .map_err(|e| crate::said!("point_invalid", "invalid point: {detail}", detail = e.to_string()))?;
    Ok(u64::from(latlng.to_cell(resolution)) as i64)
}

/// The cells whose centre lies inside the polygon: each cell belongs to exactly one of a set of
/// adjacent areas, so point-in-area lookups and hexagon aggregation agree with the boundaries.
fn coverage(geometry: &Geometry, resolution: Resolution) -> Vec<i64> {
    let Geometry::MultiPolygon(mp) = geometry else { return Vec::new() };
    let mut tiler = TilerBuilder::new(resolution).containment_mode(ContainmentMode::ContainsCentroid).build();
    for polygon in mp.iter() {
        // Validated above; a polygon the tiler still rejects simply contributes no cells.
        let _ = tiler.add(polygon.clone());
    }
    let mut cells: Vec<i64> = tiler.into_coverage().map(|c| u64::from(c) as i64).collect();
    cells.sort_unstable();
    cells.dedup();
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    const RES: Resolution = Resolution::Seven;

    fn square(code: &str, lon: f64, lat: f64, d: f64) -> Value {
        serde_json::json!({
            "type": "Feature",
            "properties": {"code": code, "name": format!("area {code}")},
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}
        })
    }

    fn collection(features: Vec<Value>) -> Value {
        serde_json::json!({"type": "FeatureCollection", "features": features})
    }

    fn parse(root: &Value, crs: Crs, resolution: Resolution) -> Result<Vec<PreparedArea>, Vec<FieldError>> {
        prepare_areas(root, crs, resolution)
    }

    fn errors_of(root: &Value) -> Vec<FieldError> {
        match parse(root, Crs::Wgs84, RES) {
            Ok(_) => panic!("expected errors"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_valid_county_gets_a_point_inside_and_a_coverage() {
        let parsed = parse(&collection(vec![square("360402", 115.9, 29.6, 0.2)]), Crs::Wgs84, RES).unwrap();
        let area = &parsed[0];
        assert_eq!(area.level, Level::County);
        assert_eq!(area.parent_code.as_deref(), Some("360400"));
        assert!(area.lon > 115.9 && area.lon < 116.1 && area.lat > 29.6 && area.lat < 29.8);
        // ~0.2° square ≈ 425 km²; a res-7 cell is ≈ 5.2 km²
        assert!((50..150).contains(&area.cells.len()), "{} cells", area.cells.len());
        assert!(area.geometry.as_deref().unwrap().contains("MultiPolygon"));
    }

    #[test]
    fn an_unclosed_ring_is_named() {
        let mut f = square("360402", 115.9, 29.6, 0.2);
        f["geometry"]["coordinates"][0].as_array_mut().unwrap().pop();
        let errors = errors_of(&collection(vec![square("360403", 116.2, 29.6, 0.1), f]));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].field.starts_with("features[1] (360402)"), "{errors:?}");
        assert!(errors[0].reason.contains("not closed"));
    }

    #[test]
    fn a_bow_tie_is_invalid() {
        let mut f = square("360402", 115.9, 29.6, 0.2);
        f["geometry"]["coordinates"] =
            serde_json::json!([[[115.9, 29.6], [116.1, 29.8], [116.1, 29.6], [115.9, 29.8], [115.9, 29.6]]]);
        let errors = errors_of(&collection(vec![f]));
        assert!(errors[0].reason.contains("invalid polygon"), "{errors:?}");
    }

    #[test]
    fn out_of_range_malformed_codes_and_wrong_types_are_reported() {
        let far = square("360402", 200.0, 29.6, 0.1);
        let mut bad_code = square("360403", 115.0, 29.0, 0.1);
        bad_code["properties"]["code"] = "36A403".into();
        let mut line = square("360404", 115.0, 29.0, 0.1);
        line["geometry"] = serde_json::json!({"type": "LineString", "coordinates": [[115.0, 29.0], [115.1, 29.1]]});
        let errors = errors_of(&collection(vec![far, bad_code, line]));
        let text = format!("{errors:?}");
        assert!(text.contains("out of range"), "{text}");
        assert!(text.contains("digits only"), "{text}");
        assert!(text.contains("got LineString"), "{text}");
    }

    #[test]
    fn gcj02_input_is_moved_to_wgs84() {
        let wgs = parse(&collection(vec![square("360402", 115.9, 29.6, 0.2)]), Crs::Wgs84, RES).unwrap();
        let gcj = parse(&collection(vec![square("360402", 115.9, 29.6, 0.2)]), Crs::Gcj02, RES).unwrap();
        let d_lon = wgs[0].lon - gcj[0].lon;
        assert!((0.004..0.006).contains(&d_lon), "shift {d_lon}");
    }

    #[test]
    fn bare_geometry_files_with_an_adcode_are_read() {
        let bare = serde_json::json!({"type": "MultiPolygon", "properties": {"adcode": 360402, "name": "濂溪区"},
            "coordinates": [[[[115.9, 29.6], [115.9, 29.7], [116.0, 29.7], [116.0, 29.6], [115.9, 29.6]]]]});
        let parsed = parse(&bare, Crs::Wgs84, RES).unwrap();
        assert_eq!(parsed[0].code, "360402");
        // clockwise input is oriented counter-clockwise on output (RFC 7946)
        assert!(parsed[0].geometry.as_deref().unwrap().contains("[115.9,29.6],[116.0,29.6]"));
    }

    #[test]
    fn townships_may_be_points_and_duplicates_are_refused() {
        let point = serde_json::json!({"type": "Feature", "properties": {"code": "360402100", "name": "t"},
            "geometry": {"type": "Point", "coordinates": [115.95, 29.65]}});
        let parsed = parse(&collection(vec![point.clone()]), Crs::Wgs84, RES).unwrap();
        assert!(parsed[0].geometry.is_none());
        assert_eq!(parsed[0].parent_code.as_deref(), Some("360402"));
        let errors = errors_of(&collection(vec![point.clone(), point]));
        assert!(errors[0].reason.contains("more than once"));
    }

    #[test]
    fn other_documents_are_refused() {
        let errors = errors_of(&serde_json::json!({"type": "Topology"}));
        assert_eq!(errors[0].field, "type");
    }
}
