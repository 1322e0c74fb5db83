//! Shared helpers: resident memory, percentiles, wrk.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// This process's resident memory, MiB.
pub fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Resident memory of another process, MiB.
pub fn rss_of(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Result of one wrk run.
pub struct Wrk {
    pub rps: f64,
    pub p50: String,
    pub p99: String,
    pub non2xx: bool,
}

/// Runs `wrk -t1 -c16 -d{secs}s --latency` cycling through `paths` on `url`.
pub fn wrk(url: &str, paths: &[String], dir: &Path, secs: u32) -> Wrk {
    let script = dir.join("paths.lua");
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    std::fs::write(
        &script,
        format!("local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n", list.join(",\n")),
    )
    .expect("lua");
    let out = Command::new("wrk")
        .args(["-t1", "-c16", &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&script)
        .arg(url)
        .output()
        .expect("run wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let rps =
        text.lines().find_map(|l| l.strip_prefix("Requests/sec:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0.0);
    let pct =
        |p: &str| text.lines().find_map(|l| l.trim().strip_prefix(p).map(|v| v.trim().to_owned())).unwrap_or_default();
    if text.contains("Non-2xx") {
        eprintln!("wrk saw errors:\n{text}");
    }
    Wrk { rps, p50: pct("50%"), p99: pct("99%"), non2xx: text.contains("Non-2xx") }
}
