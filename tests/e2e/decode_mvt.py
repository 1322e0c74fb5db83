"""Decodes MVT files with mapbox-vector-tile (a decoder we did not write) and prints JSON:
{path: {layer: [{"mvt_id", "type", "properties", "coordinates"}]}} with y pointing down (tile units)."""
import json
import sys

import mapbox_vector_tile

out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        tile = mapbox_vector_tile.decode(f.read(), default_options={"y_coord_down": True})
    out[path] = {
        name: [
            {
                "mvt_id": feat.get("id"),
                "type": feat["geometry"]["type"],
                "properties": feat["properties"],
                "coordinates": feat["geometry"]["coordinates"],
            }
            for feat in layer["features"]
        ]
        for name, layer in tile.items()
    }
print(json.dumps(out, ensure_ascii=False))
