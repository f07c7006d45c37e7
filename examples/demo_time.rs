//! Temporary: times the demo seed (deleted before hand-over).
fn main() {
    let mut args = std::env::args().skip(1);
    let path = std::path::PathBuf::from(args.next().expect("path"));
    let orders: u64 = args.next().map_or(1_000_000, |n| n.parse().expect("orders"));
    let _ = std::fs::remove_file(&path);
    let mut store = packline::store::Store::open(&path).expect("open");
    let now = chrono::DateTime::parse_from_rfc3339("2025-06-02T10:00:00Z").expect("now").with_timezone(&chrono::Utc);
    let opts = packline::demo::DemoOptions { orders, seed: 42, now };
    let started = std::time::Instant::now();
    let mut last = std::time::Instant::now();
    let summary = packline::demo::seed(&mut store, &opts, &mut |done, total| {
        if done % 100_000 == 0 {
            eprintln!("{done}/{total} at {:.1}s (+{:.1}s)", started.elapsed().as_secs_f64(), last.elapsed().as_secs_f64());
            last = std::time::Instant::now();
        }
    })
    .expect("seed");
    drop(store);
    println!("{summary}");
    let size = |p: &str| std::fs::metadata(format!("{}{p}", path.display())).map(|m| m.len()).unwrap_or(0);
    println!("file {} MB, wal {} MB", size("") / 1_000_000, size("-wal") / 1_000_000);
}
