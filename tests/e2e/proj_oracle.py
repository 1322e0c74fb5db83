"""Projects CGCS2000 lon/lat (EPSG:4490, degrees) to the Gauss-Kruger CRS of each point with PROJ
(through pyproj) and back, as the oracle for onemap's own transverse Mercator.
stdin: [{"epsg": 4527, "lon": 117.2, "lat": 31.8}, ...]; stdout: [{"e": .., "n": .., "lon": .., "lat": ..}]
where lon/lat is the inverse of (e, n)."""
import json
import sys

from pyproj import Transformer

points = json.load(sys.stdin)
cache = {}
out = []
for p in points:
    code = p["epsg"]
    if code not in cache:
        cache[code] = (
            Transformer.from_crs("EPSG:4490", f"EPSG:{code}", always_xy=True),
            Transformer.from_crs(f"EPSG:{code}", "EPSG:4490", always_xy=True),
        )
    fwd, inv = cache[code]
    e, n = fwd.transform(p["lon"], p["lat"])
    lon, lat = inv.transform(p["e_in"], p["n_in"]) if "e_in" in p else (None, None)
    out.append({"e": e, "n": n, "lon": lon, "lat": lat})
json.dump(out, sys.stdout)
