"""Convert world-atlas's countries-110m TopoJSON into the small outline file the web pages draw.

Development-time only (nothing is downloaded at run time):

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_world_outlines.py /tmp/package/countries-110m.json

writes `api/web/static/data/world-110m.json`: `{"source", "license", "countries": [{"name",
"rings": [[lon, lat, lon, lat, ...], ...]}]}` with coordinates rounded to 0.01 degree. Rings that
cross the antimeridian are unwrapped (longitudes beyond ±180) so a plain equirectangular
projection draws them without a line across the map.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "api" / "web" / "static" / "data" / "world-110m.json"
SOURCE = (
    "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries, v4.1.0 (public domain, "
    "naturalearthdata.com), via the npm package world-atlas 2.0.2 (countries-110m.json)"
)
LICENSE = (
    "Natural Earth data: public domain. world-atlas: ISC licence, Copyright 2013-2019 Michael "
    "Bostock (permission to use, copy, modify and distribute with this notice)."
)


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute (lon, lat) points (delta decoding plus the transform)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(
    indices: list[int], arcs: list[list[tuple[float, float]]]
) -> list[tuple[float, float]]:
    """Join the arcs of one ring (a negative index is the reversed arc ~i)."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep longitudes continuous along the ring (no jump of more than 180 degrees)."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for lon, lat in points:
        if out:
            previous = out[-1][0]
            while lon + shift - previous > 180:
                shift -= 360
            while lon + shift - previous < -180:
                shift += 360
        out.append((lon + shift, lat))
    return out


def flat(points: list[tuple[float, float]]) -> list[float]:
    """[lon, lat, lon, lat, ...] rounded to 0.01 degree, consecutive duplicates dropped."""
    values: list[float] = []
    last: tuple[float, float] | None = None
    for lon, lat in points:
        point = (round(lon, 2), round(lat, 2))
        if point != last:
            values.extend(point)
            last = point
    return values


def convert(topology: dict[str, Any]) -> dict[str, Any]:
    """The outline document of every country in the topology."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [flat(unwrap(ring_points(ring, arcs))) for polygon in polygons for ring in polygon]
        name = geometry.get("properties", {}).get("name", "")
        countries.append({"name": name, "rings": [r for r in rings if len(r) >= 6]})
    return {"source": SOURCE, "license": LICENSE, "countries": countries}


def main(argv: list[str]) -> int:
    """Read the TopoJSON named on the command line and write the outline file."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    document = convert(json.loads(Path(argv[1]).read_text(encoding="utf-8")))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(document['countries'])} countries)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
