//! The table that sets Coffer's figures beside the peers' (measured on the
//! same machine, from the project's issue).

use std::time::Duration;

use crate::workload::{Figures, Sizes, Timed};

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn times(ours: f64, theirs: f64) -> String {
    format!("{:.1}x", ours / theirs)
}

pub fn print_table(backend: &str, f: &Figures, sizes: Sizes) {
    // Client, server and database share the machine: a busy one shows.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!();
    println!(
        "sync bench on {backend} (load average after: {})",
        load.split(' ').take(3).collect::<Vec<_>>().join(" ")
    );
    println!(
        "  {:<34} {:>16} {:>10} {:>10}   {:<28} coffer/peer",
        "workload", "coffer", "p50", "p99", "peer"
    );
    let row = |name: String, ours: String, timed: &Timed, peer: &str, ratio: String| {
        println!(
            "  {:<34} {:>16} {:>10} {:>10}   {:<28} {}",
            name,
            ours,
            ms(timed.percentile(50)),
            ms(timed.percentile(99)),
            peer,
            ratio
        );
    };
    let s = &f.sequential;
    row(
        format!("{} sequential single writes", sizes.sequential),
        format!("{:.0} writes/s", s.per_second()),
        s,
        "vaultwarden 743 writes/s",
        times(s.per_second(), 743.0),
    );
    let c = &f.concurrent;
    row(
        format!("{} clients x {} writes", sizes.clients, sizes.per_client),
        format!("{:.0} writes/s", c.per_second()),
        c,
        "vaultwarden 1,379 writes/s",
        times(c.per_second(), 1379.0),
    );
    let b = &f.bulk;
    row(
        format!("bulk {} in batches of {}", sizes.bulk_records, sizes.batch),
        format!("{:.0} records/s", b.per_second()),
        b,
        "Actual 14,182 records/s",
        times(b.per_second(), 14182.0),
    );
    // The peers' pull figures are for 10,000 records; scale a quick run's.
    let scale = 10_000.0 / sizes.bulk_records as f64;
    let cold = f.cold_pull.as_secs_f64();
    println!(
        "  {:<34} {:>16} {:>10} {:>10}   {:<28} {}",
        format!("cold pull of {}", sizes.bulk_records),
        format!("{:.3} s", cold),
        "",
        "",
        "vaultwarden 0.40 s",
        times(0.40, cold * scale)
    );
    println!(
        "  {:<34} {:>16} {:>10} {:>10}   {:<28} {}",
        format!(
            "  ({} pages, {:.1} MB)",
            f.cold_pull_pages,
            f.cold_pull_bytes as f64 / 1e6
        ),
        "",
        "",
        "",
        "Actual 0.076 s",
        times(0.076, cold * scale)
    );
    let d = &f.delta;
    row(
        format!("delta pull of 1 ({} B)", f.delta_bytes),
        ms(d.percentile(50)),
        d,
        "Actual 0.87 ms",
        times(0.87, d.percentile(50).as_secs_f64() * 1000.0),
    );
    println!("  (coffer/peer: how many times better Coffer is; above 1 is faster)");
}
