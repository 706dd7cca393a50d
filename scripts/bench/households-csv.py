#!/usr/bin/env python3
"""Writes N clearly synthetic households as an import CSV (UTF-8, English headers) to stdout.

Deterministic: the same N gives the same bytes. ID numbers are valid (GB 11643 check digit) and
unique: address code 360400, birth dates from 1930-01-01 on (999 per day), so they never meet the
demo's households (county address codes). Townships come from geodata/jiujiang_divisions.json.
A household lives in its township: its location is drawn around the township's point
(geodata/jiujiang_township_points.csv, or the mean of its county's points where the township has
none), normally spread with a standard deviation of about 4 km, so the households fall into a few
thousand H3 cells, each mostly of one township, as in real registers. (Until session 3 the
locations were uniform over the city's extent regardless of township, which no real register
looks like: every township then touched almost every cell.)

    scripts/bench/households-csv.py 1000000 > households-1m.csv
"""
import csv
import datetime
import json
import pathlib
import random
import sys

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
STEMS = "测试甲乙丙丁戊己庚辛壬癸"
TYPES = ["一般户"] * 14 + ["低保", "特困", "优抚", "残疾"]


def id_number(i: int) -> str:
    birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=i // 999)
    first17 = f"360400{birth:%Y%m%d}{i % 999 + 1:03d}"
    return first17 + CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    # Optional: in every block of this many rows, the last two share one bank account (prefix 62179,
    # which no other row has), for the cross-programme checks' benchmark (scripts/bench-checks.sh).
    shared_every = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    root = pathlib.Path(__file__).resolve().parents[2]
    divisions = json.loads((root / "geodata/jiujiang_divisions.json").read_text(encoding="utf-8"))
    townships = [(t["code"], t["name"]) for c in divisions["counties"] for t in c["townships"]]
    with open(root / "geodata/jiujiang_township_points.csv", encoding="utf-8") as file:
        points = {r["code"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(file) if r["lon"]}
    by_county = {}
    for code, point in points.items():
        by_county.setdefault(code[:6], []).append(point)
    centre = {}
    for code, _ in townships:
        county = by_county.get(code[:6]) or list(points.values())
        centre[code] = points.get(code) or (sum(p[0] for p in county) / len(county), sum(p[1] for p in county) / len(county))
    rng = random.Random(20260601)
    out = sys.stdout
    out.write("head_name,head_id_number,members,area_code,address,household_type,programmes,bank_account,lon,lat\n")
    for i in range(n):
        code, name = townships[i % len(townships)]
        kind = TYPES[rng.randrange(len(TYPES))]
        programmes = "低保@2020-01-01;医疗救助" if kind == "低保" else ""
        account = f"62170{i:014d}" if rng.random() < 0.8 else ""
        if shared_every and i % shared_every >= shared_every - 2:
            account = f"62179{i // shared_every:014d}"
        located = rng.random() < 0.9
        # 4 km ≈ 0.036° of latitude and 0.041° of longitude at 29.5° N
        lon = f"{rng.gauss(centre[code][0], 0.041):.5f}" if located else ""
        lat = f"{rng.gauss(centre[code][1], 0.036):.5f}" if located else ""
        head = SURNAMES[rng.randrange(len(SURNAMES))] + STEMS[rng.randrange(len(STEMS))] + STEMS[rng.randrange(len(STEMS))]
        out.write(f"{head},{id_number(i)},{rng.randint(1, 8)},{code},{name}某村{i % 97 + 1}组{i % 389 + 1}号（虚构）,{kind},{programmes},{account},{lon},{lat}\n")


if __name__ == "__main__":
    main()
