//! Command-line parsing and the commands themselves (DESIGN section 2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, App, Exit};
use crate::config::{self, Loaded};
use crate::domain::Layout;
use crate::errors::{Error, Result};
use crate::store::Store;
use crate::tui;

mod migrate;
mod receipts;
mod sim;
mod sync;

pub use sim::ChannelSimArgs;

/// packline: the pick-pack-ship console.
#[derive(Debug, Parser)]
#[command(name = "packline", version, about, long_about = None)]
pub struct Cli {
    /// Use this SQLite store instead of the configured one.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Read this config file instead of ~/.config/packline/config.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Open the console on the demo warehouse (created and seeded if the store is empty).
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Seed (or top up) a store with a realistic demo warehouse.
    Demo(DemoArgs),
    /// Import orders from a CSV or JSONL file: all of it or, on any bad row, nothing.
    Import(ImportArgs),
    /// Parse barcodes the way the console does; one JSON object per line.
    Scan(ScanArgs),
    /// Print a report (orders, slotting, manifest, returns, audit...) as a table, JSON or CSV.
    Report(ReportArgs),
    /// Expected deliveries: import a CSV, enter one, list the open ones.
    Receipts(receipts::ReceiptsArgs),
    /// Compute the pick route through bins; prints it as JSON.
    Route(RouteArgs),
    /// Run the headline benchmarks, each beside its comparator.
    Bench(BenchArgs),
    /// Print station documents as ZPL (today: the sheet of command barcodes).
    Print(PrintArgs),
    /// Run the background sync headless: pull orders from the configured
    /// channels, push shipments, poll the carrier (for cron or systemd).
    Sync(SyncArgs),
    /// A local demo sales channel speaking the channel API subset (for demos and tests).
    ChannelSim(ChannelSimArgs),
    /// Copy this SQLite store into an empty PostgreSQL database, then check the copy.
    Migrate(migrate::MigrateArgs),
    /// Internal: a child process of `packline bench` and of the concurrency tests.
    #[command(hide = true)]
    Probe {
        #[command(subcommand)]
        kind: crate::bench::Probe,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many orders to add (history and open orders).
    #[arg(long, default_value_t = 5_000)]
    pub orders: u64,
    /// Random seed: the same seed gives the same warehouse.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A .csv file (columns as DESIGN section 9) or a .jsonl file of channel-API orders.
    pub file: PathBuf,
    /// The channel a JSONL file's orders come from (CSV rows name their own).
    #[arg(long, value_name = "CODE")]
    pub channel: Option<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// One pass (pull every channel to its last page, push what is due), then exit;
    /// exit code 1 if a channel is failing.
    #[arg(long)]
    pub once: bool,
    /// With --once: pull every order the channels list, not only changes since the cursor.
    #[arg(long, requires = "once")]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The scanned strings (a GS1 separator may be given as the configured
    /// substitute, or with --gs).
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<String>,
    /// This character stands for GS (0x1D) in DATA (overrides the config).
    #[arg(long, value_name = "CHAR")]
    pub gs: Option<char>,
}

/// `packline report NAME`. Filters belong to one report each (the help
/// names it); giving one to another report is bad usage (exit code 2).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub name: crate::report::ReportName,
    /// How to print it.
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::report::Format,
    /// audit: events from this day on, 00:00 UTC [default: the last 7 days].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<chrono::NaiveDate>,
    /// audit: only events of this kind (e.g. scan_refused, status_changed, order_held).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// audit: only events about this subject: order:12, wave:3, operator:EMP-0004, or an
    /// order or wave number (ORD-000012, WAVE-000003).
    #[arg(long, value_name = "SUBJECT")]
    pub subject: Option<String>,
    /// audit: only events by this operator's badge (e.g. EMP-0004).
    #[arg(long, value_name = "BADGE")]
    pub operator: Option<String>,
    /// orders: orders in this status instead of every open order.
    #[arg(long, value_name = "STATUS", value_parser = clap::builder::TypedValueParser::try_map(
        clap::builder::PossibleValuesParser::new(crate::domain::OrderStatus::ALL.map(|s| s.as_str())),
        |name| name.parse::<crate::domain::OrderStatus>(),
    ))]
    pub status: Option<crate::domain::OrderStatus>,
    /// orders: only orders of this channel (its code, e.g. shop).
    #[arg(long, value_name = "CODE")]
    pub channel: Option<String>,
    /// orders: only open orders past their ship-by time.
    #[arg(long)]
    pub late: bool,
    /// audit, orders: at most this many rows, the first in the report's order [default: 1000].
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

impl ReportArgs {
    /// Refuses a filter the chosen report does not read, the way clap refuses bad usage.
    fn check_filters(&self) {
        use crate::report::ReportName::{Audit, Orders};
        let given = [
            ("--since", self.since.is_some(), &[Audit][..]),
            ("--kind", self.kind.is_some(), &[Audit]),
            ("--subject", self.subject.is_some(), &[Audit]),
            ("--operator", self.operator.is_some(), &[Audit]),
            ("--status", self.status.is_some(), &[Orders]),
            ("--channel", self.channel.is_some(), &[Orders]),
            ("--late", self.late, &[Orders]),
            ("--limit", self.limit.is_some(), &[Audit, Orders]),
        ];
        if let Some((flag, _, _)) = given.iter().find(|(_, given, reports)| *given && !reports.contains(&self.name)) {
            let name =
                clap::ValueEnum::to_possible_value(&self.name).map(|v| v.get_name().to_owned()).unwrap_or_default();
            let message = format!("{flag} is not an option of `packline report {name}` (see `packline report --help`)");
            let mut command = <Cli as clap::CommandFactory>::command();
            command.build();
            let mut report = command.find_subcommand("report").cloned().unwrap_or(command);
            report.error(clap::error::ErrorKind::ArgumentConflict, message).exit();
        }
    }
}

#[derive(Debug, Args)]
pub struct RouteArgs {
    /// The layout file (default: the configured layout, else the bundled demo).
    #[arg(long, value_name = "FILE")]
    pub layout: Option<PathBuf>,
    /// How to route (zone: the optimal walk regrouped by zone A, B, C).
    #[arg(long, default_value = "optimal", value_parser = clap::builder::TypedValueParser::try_map(
        clap::builder::PossibleValuesParser::new(crate::planning::routing::Method::ALL.map(|m| m.as_str())),
        |name| name.parse::<crate::planning::routing::Method>(),
    ))]
    pub method: crate::planning::routing::Method,
    /// Bin codes (AA-BBB-L, e.g. 03-017-B); a bin listed twice is visited once.
    #[arg(value_name = "BIN")]
    pub bins: Vec<String>,
}

impl RouteArgs {
    /// `packline route`: the route as one JSON line; a bad bin is a one-line error.
    fn run(&self, loaded: &Loaded) -> Result<()> {
        let layout = match &self.layout {
            Some(path) => Layout::load(path)?,
            None => crate::cli::layout(loaded)?,
        };
        let bins = self.bins.iter().map(|b| b.parse()).collect::<Result<Vec<_>, String>>().map_err(Error::Other)?;
        let route =
            crate::planning::routing::route(&layout, &bins, self.method).map_err(|e| Error::Other(e.to_string()))?;
        println!("{}", route.to_json());
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    #[command(subcommand)]
    pub what: PrintWhat,
}

#[derive(Debug, Subcommand)]
pub enum PrintWhat {
    /// A ZPL sheet of every command, quantity and carton barcode, to stick at a station.
    Commands {
        /// Write the ZPL to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

impl PrintArgs {
    /// `packline print commands`: the sheet's ZPL to stdout or `--out FILE`.
    fn run(&self, loaded: &Loaded) -> Result<()> {
        let PrintWhat::Commands { out } = &self.what;
        let quantities: Vec<u32> = crate::labels::zpl::SHEET_QUANTITIES.collect();
        let cartons: Vec<String> = loaded.config.packing.cartons.iter().map(|c| c.code.clone()).collect();
        let zpl = crate::labels::command_sheet(&crate::scan::barcode::COMMANDS, &quantities, &cartons);
        if let Some(path) = out {
            return std::fs::write(path, &zpl).map_err(Error::io(format!("cannot write {}", path.display())));
        }
        std::io::Write::write_all(&mut std::io::stdout(), zpl.as_bytes())
            .map_err(Error::io("cannot write the sheet to stdout"))
    }
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Smaller stores (about 100k orders), under a minute.
    #[arg(long)]
    pub quick: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Measure only this figure (e.g. ingest_ratio).
    #[arg(long, value_name = "NAME")]
    pub only: Option<String>,
}

/// The demo store's seed when opened with `--demo`.
pub const DEMO_SEED: u64 = 42;
/// Orders in the `--demo` warehouse.
pub const DEMO_ORDERS: u64 = 5_000;

/// Runs what the command line asked for.
pub fn run(cli: &Cli, loaded: &Loaded) -> Result<()> {
    match &cli.command {
        None => console(cli, loaded),
        Some(Command::Demo(args)) => demo(cli, loaded, args),
        Some(Command::Import(args)) => import(cli, loaded, args),
        Some(Command::Scan(args)) => {
            scan(args, loaded);
            Ok(())
        }
        Some(Command::Report(args)) => {
            args.check_filters();
            crate::report::run(cli.db.as_deref(), loaded, args)
        }
        Some(Command::Receipts(args)) => receipts::run(cli, loaded, args),
        Some(Command::Route(args)) => args.run(loaded),
        Some(Command::Print(args)) => args.run(loaded),
        Some(Command::Sync(args)) => sync::run(cli, loaded, args),
        Some(Command::ChannelSim(args)) => sim::run(cli, loaded, args),
        Some(Command::Migrate(args)) => migrate::run(cli, loaded, args),
        Some(Command::Bench(args)) => crate::bench::run(args.quick, args.json, args.only.as_deref()),
        Some(Command::Probe { kind }) => {
            let db = cli.db.as_deref().ok_or_else(|| Error::Other("probe needs --db".into()))?;
            crate::bench::run_probe(db, kind, loaded.config.allocation.backorders)
        }
    }
}

/// The configured layout: the file named in the config, else the bundled demo.
pub fn layout(loaded: &Loaded) -> Result<Layout> {
    match &loaded.config.layout.file {
        Some(path) => Ok(Layout::load(path)?),
        None => Ok(Layout::demo()),
    }
}

/// Opens the store for a command. With no `--db` and no configured path the
/// platform data dir is created if needed; an explicit directory must exist.
fn open_store(cli: &Cli, loaded: &Loaded) -> Result<Store> {
    let path = loaded.config.store_path(cli.db.as_deref())?;
    if cli.db.is_none() && loaded.config.store.path.is_none() {
        let dir = config::data_dir()?;
        std::fs::create_dir_all(&dir)
            .map_err(Error::io(format!("cannot create the data directory {}", dir.display())))?;
    }
    let mut store = Store::open(&path)?;
    store.set_backorder_policy(loaded.config.allocation.backorders);
    store.set_min_shelf_days(loaded.config.allocation.min_shelf_days);
    Ok(store)
}

fn console(cli: &Cli, loaded: &Loaded) -> Result<()> {
    // Everything that can be wrong in the setup is found before the store is touched.
    let layout = layout(loaded)?;
    let mut store = open_store(cli, loaded)?;
    // Seeded unless the demo already seeded this store (a store with another
    // catalogue, or a half-seeded one, gets the demo's explanation instead).
    if cli.demo && store.meta(crate::demo::META_SEED)?.is_none() {
        eprintln!("Creating the demo warehouse in {} ...", store.path().display());
        seed_demo(&mut store, DEMO_ORDERS, DEMO_SEED)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(Error::io("cannot start the async runtime"))?;
    let exit = runtime.block_on(async {
        let mut terminal = tui::init().map_err(Error::io("cannot set up the terminal (is this a terminal?)"))?;
        let size = terminal.size().map_err(Error::io("cannot read the terminal size"));
        let result = match size {
            Ok(size) => {
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
                tui::spawn_event_sources(&tx);
                let background = sync::start_for_console(cli.demo, &store, loaded, &tx);
                let mut app = App::new(
                    store,
                    loaded.keymap.clone(),
                    &loaded.config.station.name,
                    chrono::Utc::now(),
                    (size.width, size.height),
                );
                let scanner = &loaded.config.scanner;
                app.set_scanner(scanner.wedge(), scanner.gs_substitute());
                app.set_idle_sign_out(loaded.config.session.idle_minutes);
                app.set_rules(loaded.config.rules.clone());
                app.set_planning(layout, loaded.config.waves.clone());
                app.set_shipping(&loaded.config);
                app.set_dashboard(loaded.config.dashboard.clone(), loaded.config.inventory, loaded.config.waves.cutoff);
                app.set_stock(
                    &loaded.config.receiving,
                    loaded.config.counts.clone(),
                    loaded.config.inventory,
                    loaded.config.abc.window_days,
                );
                match background {
                    Ok(background) => {
                        if let Some(background) = &background {
                            app.set_sync(background.handle());
                        }
                        let exit = app::run(&mut terminal, &mut app, &mut rx).await;
                        if let Some(background) = background {
                            background.stop();
                        }
                        exit.map_err(Error::io("drawing the console failed"))
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        tui::finish(terminal);
        result
    })?;
    tracing::info!(?exit, "console closed");
    // The input thread may still be blocked reading a dead terminal: do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match exit {
        Exit::Quit | Exit::Signal(_) => Ok(()),
        Exit::InputClosed(reason) => {
            tracing::warn!(%reason, "terminal input ended");
            Ok(())
        }
    }
}

/// At most this many file errors are printed; the count says how many more.
const SHOWN_ERRORS: usize = 20;

/// `packline import`: parse the whole file first, then store it in one transaction.
fn import(cli: &Cli, loaded: &Loaded, args: &ImportArgs) -> Result<()> {
    use crate::sync::file;
    let name = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).map_err(Error::io(format!("cannot read {name}")))?;
    let extension = args.file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let services = loaded.config.rules.service_book();
    let parsed = match extension.as_str() {
        "csv" => file::parse_csv(&name, &text, services),
        "jsonl" | "ndjson" => {
            let channel = args.channel.as_deref().ok_or_else(|| {
                Error::Other(format!("{name}: a JSONL file needs --channel CODE (the channel its orders come from)"))
            })?;
            file::parse_jsonl(&name, &text, channel, services)
        }
        _ => return Err(Error::Other(format!("{name}: packline imports .csv and .jsonl files"))),
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            for error in errors.iter().take(SHOWN_ERRORS) {
                eprintln!("{error}");
            }
            if errors.len() > SHOWN_ERRORS {
                eprintln!("... and {} more", errors.len() - SHOWN_ERRORS);
            }
            let rows = if errors.len() == 1 { "1 bad row" } else { "bad rows" };
            return Err(Error::Other(format!("{name}: {rows}; nothing was imported")));
        }
    };
    let mut store = open_store(cli, loaded)?;
    let actor = crate::domain::Actor::new(loaded.config.station.name.clone(), "import");
    let mut channels: Vec<&str> = parsed.orders.iter().map(|o| o.channel.as_str()).collect();
    channels.sort_unstable();
    channels.dedup();
    for code in channels {
        if store.ensure_channel(&actor, code, code, "file")? {
            eprintln!("{name}: new channel {code:?} registered");
        }
    }
    let bar = indicatif::ProgressBar::new(parsed.orders.len() as u64);
    if parsed.orders.len() < 20_000 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut codes: Vec<&str> = parsed.orders.iter().flat_map(|o| o.lines.iter().map(|l| l.sku.as_str())).collect();
    codes.sort_unstable();
    codes.dedup();
    let facts = store.sku_facts(&codes)?;
    let rules = &loaded.config.rules;
    let mut check = |order: &crate::domain::NewOrder| crate::planning::rules::validate(order, rules, &facts);
    let summary =
        store.import_checked(&actor, &parsed.orders, &mut check, &mut |done| bar.set_position(done as u64))?;
    bar.finish_and_clear();
    let count = crate::widgets::format::count;
    println!(
        "{name}: {} orders: {} new ({} held, {} ready, {} backordered), {} updated, {} unchanged{}",
        count(parsed.orders.len() as u64),
        count(summary.inserted),
        count(summary.held),
        count(summary.ready),
        count(summary.backordered),
        count(summary.updated),
        count(summary.unchanged),
        if parsed.cancelled > 0 {
            format!(", {} cancelled at the channel and skipped", parsed.cancelled)
        } else {
            String::new()
        }
    );
    Ok(())
}

/// `packline scan`: one JSON line per input; a bad scan is reported in its line.
fn scan(args: &ScanArgs, loaded: &Loaded) {
    let options = crate::scan::ParseOptions {
        gs_substitute: args.gs.or_else(|| loaded.config.scanner.gs_substitute()),
        today: chrono::Utc::now().date_naive(),
    };
    for data in &args.data {
        let line = serde_json::to_string(&crate::scan::report(data, &options))
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        println!("{line}");
    }
}

fn demo(cli: &Cli, loaded: &Loaded, args: &DemoArgs) -> Result<()> {
    let mut store = open_store(cli, loaded)?;
    let summary = seed_demo(&mut store, args.orders, args.seed)?;
    println!("{summary}");
    Ok(())
}

/// Seeds the demo warehouse with a progress bar on stderr for large runs.
fn seed_demo(store: &mut Store, orders: u64, seed: u64) -> Result<crate::demo::DemoSummary> {
    use chrono::{DurationRound, TimeDelta, Utc};
    // Whole hours, so two runs within the same hour build the same warehouse.
    let now = Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap_or_else(|_| Utc::now());
    let bar = indicatif::ProgressBar::new(orders);
    if orders >= 20_000 {
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} orders ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let options = crate::demo::DemoOptions { orders, seed, now };
    let summary = crate::demo::seed(store, &options, &mut |done, _total| bar.set_position(done))?;
    bar.finish_and_clear();
    Ok(summary)
}
