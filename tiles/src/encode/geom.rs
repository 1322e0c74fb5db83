//! Geometry → MVT 2.1 command stream: project to tile units, clip to the buffered tile, simplify,
//! quantise to integers without degenerate parts, orient rings, and encode commands.

use super::clip::{clip_line, clip_ring};
use crate::coord::{lonlat_to_world, TileCoord};
use geo::{Coord, Geometry, LineString, Simplify};
use geozero::mvt::tile::GeomType;

/// How a geometry is placed in one tile.
#[derive(Debug, Clone, Copy)]
pub struct TileFrame {
    pub tile: TileCoord,
    /// Tile units per side (4096).
    pub extent: u32,
    /// Tile units kept around the tile (64).
    pub buffer: u32,
    /// Douglas–Peucker tolerance in tile units; 0 keeps every vertex.
    pub tolerance: f64,
}

impl TileFrame {
    /// EPSG:4326 degrees → tile units (x right, y down), unclamped.
    pub fn project(&self, lon: f64, lat: f64) -> Coord<f64> {
        let (wx, wy) = lonlat_to_world(lon, lat);
        let n = self.tile.matrix_size();
        let e = f64::from(self.extent);
        Coord { x: (wx * n - f64::from(self.tile.x)) * e, y: (wy * n - f64::from(self.tile.y)) * e }
    }

    fn lo(&self) -> f64 {
        -f64::from(self.buffer)
    }

    fn hi(&self) -> f64 {
        f64::from(self.extent + self.buffer)
    }

    fn inside(&self, p: Coord<f64>) -> bool {
        p.x >= self.lo() && p.x <= self.hi() && p.y >= self.lo() && p.y <= self.hi()
    }

    /// Whether a quantised run lies entirely on one edge of the buffered tile (what is left of a
    /// line that only touches the buffer's edge; clipping drops it, as GEOS does).
    fn along_edge(&self, q: &[(i32, i32)]) -> bool {
        let (lo, hi) = (-(self.buffer as i32), (self.extent + self.buffer) as i32);
        [lo, hi].iter().any(|&e| q.iter().all(|p| p.0 == e) || q.iter().all(|p| p.1 == e))
    }

    fn line(&self, ls: &LineString<f64>) -> Vec<Coord<f64>> {
        ls.0.iter().map(|c| self.project(c.x, c.y)).collect()
    }
}

/// An encoded geometry: its type and command integers.
pub type Encoded = (GeomType, Vec<u32>);

/// Encodes `g` (EPSG:4326 degrees) for `frame`; `None` when nothing of it is left in the tile.
pub fn encode(g: &Geometry<f64>, frame: &TileFrame) -> Option<Encoded> {
    let mut enc = Encoder::default();
    match g {
        Geometry::Point(p) => enc.points(&[frame.project(p.x(), p.y())], frame),
        Geometry::MultiPoint(mp) => {
            let pts: Vec<_> = mp.0.iter().map(|p| frame.project(p.x(), p.y())).collect();
            enc.points(&pts, frame)
        }
        Geometry::LineString(ls) => enc.line(&frame.line(ls), frame),
        Geometry::MultiLineString(mls) => mls.0.iter().for_each(|ls| enc.line(&frame.line(ls), frame)),
        Geometry::Polygon(p) => enc.polygon(p, frame),
        Geometry::MultiPolygon(mp) => mp.0.iter().for_each(|p| enc.polygon(p, frame)),
        _ => return None,
    }
    enc.finish()
}

/// Encodes a point already in tile units (clusters).
pub fn encode_point(p: Coord<f64>, frame: &TileFrame) -> Option<Encoded> {
    let mut enc = Encoder::default();
    enc.points(&[p], frame);
    enc.finish()
}

#[derive(Default)]
struct Encoder {
    kind: Option<GeomType>,
    cmds: Vec<u32>,
    cursor: (i32, i32),
}

fn command(id: u32, count: usize) -> u32 {
    (id & 7) | ((count as u32) << 3)
}

fn zigzag(n: i32) -> u32 {
    ((n << 1) ^ (n >> 31)) as u32
}

fn quantise(points: impl IntoIterator<Item = Coord<f64>>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for p in points {
        let q = (p.x.round() as i32, p.y.round() as i32);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    out
}

fn simplify(points: Vec<Coord<f64>>, tolerance: f64) -> Vec<Coord<f64>> {
    if tolerance <= 0.0 || points.len() < 3 {
        return points;
    }
    LineString::from(points).simplify(tolerance).0
}

/// Twice the signed area by the surveyor's formula, in tile units (y down: positive = clockwise on screen).
fn area2(ring: &[(i32, i32)]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i64::from(a.0) * i64::from(b.1) - i64::from(b.0) * i64::from(a.1)
        })
        .sum()
}

impl Encoder {
    fn set_kind(&mut self, k: GeomType) {
        self.kind.get_or_insert(k);
    }

    fn delta(&mut self, p: (i32, i32)) {
        self.cmds.push(zigzag(p.0 - self.cursor.0));
        self.cmds.push(zigzag(p.1 - self.cursor.1));
        self.cursor = p;
    }

    fn points(&mut self, pts: &[Coord<f64>], frame: &TileFrame) {
        let kept: Vec<(i32, i32)> =
            pts.iter().filter(|p| frame.inside(**p)).map(|p| (p.x.round() as i32, p.y.round() as i32)).collect();
        if kept.is_empty() {
            return;
        }
        self.set_kind(GeomType::Point);
        self.cmds.push(command(1, kept.len()));
        for p in kept {
            self.delta(p);
        }
    }

    fn line(&mut self, pts: &[Coord<f64>], frame: &TileFrame) {
        for run in clip_line(pts, frame.lo(), frame.hi()) {
            let q = quantise(simplify(run, frame.tolerance));
            if q.len() < 2 || frame.along_edge(&q) {
                continue;
            }
            self.set_kind(GeomType::Linestring);
            self.cmds.push(command(1, 1));
            self.delta(q[0]);
            self.cmds.push(command(2, q.len() - 1));
            for &p in &q[1..] {
                self.delta(p);
            }
        }
    }

    /// A ring after clipping, simplification and quantisation; `None` when degenerate.
    fn ring(ls: &LineString<f64>, frame: &TileFrame) -> Option<Vec<(i32, i32)>> {
        let clipped = clip_ring(&frame.line(ls), frame.lo(), frame.hi());
        if clipped.len() < 3 {
            return None;
        }
        let mut closed = clipped;
        closed.push(closed[0]);
        let mut q = quantise(simplify(closed, frame.tolerance));
        if q.len() > 1 && q.first() == q.last() {
            q.pop();
        }
        (q.len() >= 3 && area2(&q) != 0).then_some(q)
    }

    fn polygon(&mut self, p: &geo::Polygon<f64>, frame: &TileFrame) {
        let Some(mut outer) = Self::ring(p.exterior(), frame) else { return };
        if area2(&outer) < 0 {
            outer.reverse();
        }
        self.set_kind(GeomType::Polygon);
        self.emit_ring(&outer);
        for hole in p.interiors() {
            if let Some(mut h) = Self::ring(hole, frame) {
                if area2(&h) > 0 {
                    h.reverse();
                }
                self.emit_ring(&h);
            }
        }
    }

    fn emit_ring(&mut self, ring: &[(i32, i32)]) {
        self.cmds.push(command(1, 1));
        self.delta(ring[0]);
        self.cmds.push(command(2, ring.len() - 1));
        for &p in &ring[1..] {
            self.delta(p);
        }
        self.cmds.push(command(7, 1));
    }

    fn finish(self) -> Option<Encoded> {
        self.kind.map(|k| (k, self.cmds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon, Geometry};

    fn frame(z: u8, x: u32, y: u32) -> TileFrame {
        TileFrame { tile: TileCoord { z, x, y }, extent: 4096, buffer: 64, tolerance: 0.0 }
    }

    #[test]
    fn point_encoding_matches_the_spec_example() {
        // MVT spec 4.3.5: a point at (25, 17) is [9, 50, 34].
        let mut e = Encoder::default();
        e.points(&[Coord { x: 25.0, y: 17.0 }], &frame(0, 0, 0));
        assert_eq!(e.finish(), Some((GeomType::Point, vec![9, 50, 34])));
    }

    #[test]
    fn polygons_are_clockwise_and_holes_counter_clockwise_in_tile_units() {
        let f = frame(0, 0, 0);
        // A lon/lat polygon listed counter-clockwise on the globe (clockwise once y points down… or not).
        let g: Geometry<f64> = polygon!(
            exterior: [(x: -90.0, y: -45.0), (x: 90.0, y: -45.0), (x: 90.0, y: 45.0), (x: -90.0, y: 45.0)],
            interiors: [[(x: -10.0, y: -10.0), (x: -10.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: -10.0)]],
        )
        .into();
        let (kind, cmds) = encode(&g, &f).expect("encoded");
        assert_eq!(kind, GeomType::Polygon);
        let rings = crate::decode::parts(&cmds);
        assert_eq!(rings.len(), 2);
        assert!(area2(&rings[0]) > 0, "exterior must have positive area: {:?}", rings[0]);
        assert!(area2(&rings[1]) < 0, "hole must have negative area: {:?}", rings[1]);
    }

    #[test]
    fn a_line_touching_only_the_buffer_edge_vanishes() {
        let f = frame(0, 0, 0);
        assert!(f.along_edge(&[(-64, 10), (-64, 20)]) && f.along_edge(&[(5, 4160), (9, 4160)]));
        assert!(!f.along_edge(&[(-64, 10), (-63, 20)]));
    }

    #[test]
    fn points_outside_the_buffer_and_slivers_vanish() {
        let f = frame(10, 843, 388);
        assert!(encode(&point!(x: 0.0, y: 0.0).into(), &f).is_none());
        // A polygon thinner than half a tile unit quantises to nothing.
        let sliver: Geometry<f64> =
            polygon![(x: 116.3, y: 39.9), (x: 116.4, y: 39.9), (x: 116.4, y: 39.900_000_1), (x: 116.3, y: 39.900_000_1)].into();
        assert!(encode(&sliver, &f).is_none());
    }
}
