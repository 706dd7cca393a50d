//! GCJ-02 ⇄ WGS84. GCJ-02 is the obfuscated datum of Chinese web maps; boundaries taken from them
//! are offset by ~0.5 km and must be converted before use with H3 or any WGS84 basemap.
//! Forward: the public formula. Inverse: fixed-point iteration on the forward formula, which
//! converges to a round-trip error far below a millimetre (the one-step inverse alone leaves ~2 m).

use std::f64::consts::PI;

const SEMI_MAJOR_AXIS: f64 = 6_378_245.0;
const ECCENTRICITY_SQUARED: f64 = 0.006_693_421_622_965_943;

/// GCJ-02 applies only inside (a box around) mainland China; elsewhere it equals WGS84.
fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn shift_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn shift_lon(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - ECCENTRICITY_SQUARED * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = shift_lat(lon - 105.0, lat - 35.0) * 180.0
        / ((SEMI_MAJOR_AXIS * (1.0 - ECCENTRICITY_SQUARED)) / (magic * sqrt_magic) * PI);
    let d_lon = shift_lon(lon - 105.0, lat - 35.0) * 180.0 / (SEMI_MAJOR_AXIS / sqrt_magic * rad_lat.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (mut wgs_lon, mut wgs_lat) = (lon, lat);
    for _ in 0..12 {
        let (gcj_lon, gcj_lat) = wgs84_to_gcj02(wgs_lon, wgs_lat);
        let (d_lon, d_lat) = (gcj_lon - lon, gcj_lat - lat);
        wgs_lon -= d_lon;
        wgs_lat -= d_lat;
        if d_lon.abs() < 1e-12 && d_lat.abs() < 1e-12 {
            break;
        }
    }
    (wgs_lon, wgs_lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_near_jiujiang_matches_the_published_figure() {
        // docs/domain/divisions.md#county-polygons-and-gcj-02: near Jiujiang about +0.0051° lon, −0.0025° lat.
        let (lon, lat) = wgs84_to_gcj02(116.0, 29.7);
        assert!((lon - 116.0 - 0.0051).abs() < 0.0005, "lon offset {}", lon - 116.0);
        assert!((lat - 29.7 + 0.0025).abs() < 0.0005, "lat offset {}", lat - 29.7);
    }

    #[test]
    fn inverse_round_trips_to_well_below_a_millimetre() {
        for &(lon, lat) in &[(113.937, 28.688), (116.895, 30.08), (115.99, 29.71), (121.47, 31.23)] {
            let (g_lon, g_lat) = wgs84_to_gcj02(lon, lat);
            let (w_lon, w_lat) = gcj02_to_wgs84(g_lon, g_lat);
            assert!((w_lon - lon).abs() < 1e-9 && (w_lat - lat).abs() < 1e-9, "{lon},{lat}");
        }
    }

    #[test]
    fn outside_china_nothing_changes() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        assert_eq!(gcj02_to_wgs84(2.35, 48.85), (2.35, 48.85));
    }
}
