//! Clipping in tile units against the buffered tile square `[lo, hi]²`.

use geo::Coord;

/// Clips a polyline; returns the runs that lie inside (a line leaving and re-entering gives two).
/// Liang–Barsky per segment, joining consecutive inside pieces.
pub fn clip_line(points: &[Coord<f64>], lo: f64, hi: f64) -> Vec<Vec<Coord<f64>>> {
    let mut out: Vec<Vec<Coord<f64>>> = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    for w in points.windows(2) {
        match clip_segment(w[0], w[1], lo, hi) {
            Some((a, b, b_is_end)) => {
                if current.last() != Some(&a) {
                    if current.len() >= 2 {
                        out.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
                if !b_is_end {
                    // The segment leaves the square: the run ends here.
                    if current.len() >= 2 {
                        out.push(std::mem::take(&mut current));
                    }
                    current.clear();
                }
            }
            None => {
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    if points.len() == 1 && inside(points[0], lo, hi) {
        out.push(vec![points[0]]);
    }
    out
}

/// One edge of the clip square: whether a point is on the inner side of the line at the value,
/// the line's value, and whether the line is vertical.
type ClipEdge = (fn(Coord<f64>, f64) -> bool, f64, bool);

fn inside(p: Coord<f64>, lo: f64, hi: f64) -> bool {
    p.x >= lo && p.x <= hi && p.y >= lo && p.y <= hi
}

/// The part of segment `a→b` inside the square, and whether it ends at `b` itself.
fn clip_segment(a: Coord<f64>, b: Coord<f64>, lo: f64, hi: f64) -> Option<(Coord<f64>, Coord<f64>, bool)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.x - lo), (dx, hi - a.x), (-dy, a.y - lo), (dy, hi - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            Coord { x: a.x + t * dx, y: a.y + t * dy }
        }
    };
    Some((at(t0), at(t1), t1 == 1.0))
}

/// Clips a closed ring (first point = last point or not) with Sutherland–Hodgman; the result is
/// open (no repeated closing point) and may be empty. Area inside the square is preserved exactly.
pub fn clip_ring(ring: &[Coord<f64>], lo: f64, hi: f64) -> Vec<Coord<f64>> {
    let mut pts: Vec<Coord<f64>> = ring.to_vec();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.iter().all(|&p| inside(p, lo, hi)) {
        return pts;
    }
    // Each edge of the square: (is the point inside, intersection of a→b with the edge line).
    let edges: [ClipEdge; 4] = [
        (|p, v| p.x >= v, lo, true),
        (|p, v| p.x <= v, hi, true),
        (|p, v| p.y >= v, lo, false),
        (|p, v| p.y <= v, hi, false),
    ];
    for (keep, v, vertical) in edges {
        if pts.is_empty() {
            break;
        }
        let input = std::mem::take(&mut pts);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            let (cin, pin) = (keep(cur, v), keep(prev, v));
            if cin {
                if !pin {
                    pts.push(cross(prev, cur, v, vertical));
                }
                pts.push(cur);
            } else if pin {
                pts.push(cross(prev, cur, v, vertical));
            }
            prev = cur;
        }
    }
    pts
}

fn cross(a: Coord<f64>, b: Coord<f64>, v: f64, vertical: bool) -> Coord<f64> {
    if vertical {
        let t = (v - a.x) / (b.x - a.x);
        Coord { x: v, y: a.y + t * (b.y - a.y) }
    } else {
        let t = (v - a.y) / (b.y - a.y);
        Coord { x: a.x + t * (b.x - a.x), y: v }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, BooleanOps, LineString, Polygon, Rect};
    use rand::{Rng, SeedableRng};

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn line_leaving_and_reentering_gives_two_runs() {
        let runs = clip_line(&[c(-5.0, 5.0), c(5.0, 5.0), c(5.0, 20.0), c(8.0, 20.0), c(8.0, 2.0)], 0.0, 10.0);
        assert_eq!(runs, vec![vec![c(0.0, 5.0), c(5.0, 5.0), c(5.0, 10.0)], vec![c(8.0, 10.0), c(8.0, 2.0)]]);
        assert!(clip_line(&[c(-5.0, -5.0), c(-1.0, 20.0)], 0.0, 10.0).is_empty());
    }

    /// Oracle: geo's boolean intersection (i_overlay) of random polygons with the square.
    #[test]
    fn ring_clipping_keeps_the_area_of_a_boolean_intersection() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let square = Rect::new(c(0.0, 0.0), c(100.0, 100.0)).to_polygon();
        for _ in 0..300 {
            // A star-shaped (simple) polygon around a random centre.
            let (cx, cy) = (rng.random_range(-60.0..160.0), rng.random_range(-60.0..160.0));
            let n = rng.random_range(3..12);
            let ring: Vec<Coord<f64>> = (0..n)
                .map(|i| {
                    let a = std::f64::consts::TAU * (i as f64 + rng.random_range(0.0..0.8)) / n as f64;
                    let r = rng.random_range(5.0..90.0);
                    c(cx + r * a.cos(), cy + r * a.sin())
                })
                .collect();
            let poly = Polygon::new(LineString::from(ring.clone()), vec![]);
            let expected = poly.intersection(&square).unsigned_area();
            let clipped = clip_ring(&ring, 0.0, 100.0);
            let got =
                if clipped.len() >= 3 { Polygon::new(LineString::from(clipped), vec![]).unsigned_area() } else { 0.0 };
            assert!((got - expected).abs() < 1e-6 * expected.max(1.0), "area {got} vs {expected} for {ring:?}");
        }
    }
}
