//! `packline migrate --to URL`: copies the SQLite store (`--db` or the
//! configured one) into an empty PostgreSQL database in one transaction,
//! then checks the copy against the source (`Store::copy_into`). The URL's
//! password is never printed.

use std::path::Path;

use clap::Args;

use super::Cli;
use crate::config::Loaded;
use crate::errors::{Error, Result};
use crate::store::{CopyProgress, CopyReport, Store, StoreError, is_postgres_url, redact_url};
use crate::widgets::format::count;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The empty PostgreSQL database to copy into, e.g.
    /// postgres://packline:PASSWORD@db.example:5432/packline (create it first,
    /// e.g. with createdb). Stop the other terminals first: what they write
    /// once the copy has begun is not copied.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// Tables with at least this many rows get a progress bar while they copy.
const BAR_ROWS: u64 = 100_000;

pub(super) fn run(cli: &Cli, loaded: &Loaded, args: &MigrateArgs) -> Result<()> {
    let target_shown = redact_url(&args.to);
    if !is_postgres_url(&args.to) {
        usage_error(format!(
            "--to {target_shown}: name a PostgreSQL database, e.g. postgres://packline@db.example/packline"
        ));
    }
    let source_path = loaded.config.store_path(cli.db.as_deref())?;
    if source_path.to_str().is_some_and(is_postgres_url) {
        usage_error(format!(
            "the store to copy from ({}) is PostgreSQL already; migrate copies a SQLite store: name its file with --db",
            redact_url(&source_path.to_string_lossy())
        ));
    }
    if !source_path.is_file() {
        return Err(Error::Other(format!(
            "there is no store at {}; name the SQLite store to copy with --db PATH",
            source_path.display()
        )));
    }
    let source = Store::open(&source_path)?;
    let mut target = Store::open(Path::new(&args.to)).map_err(|e| match e {
        StoreError::NotAStore { .. } => Error::Other(format!(
            "{target_shown} holds another program's tables; migrate copies only into an empty database: \
             create a new one and migrate into that"
        )),
        StoreError::Open { reason, .. } => Error::Other(format!("cannot migrate into {target_shown}: {reason}")),
        other => Error::Other(format!("cannot migrate into {target_shown}: {other}")),
    })?;
    eprintln!("Copying {} into {} ...", source.location(), target.location());
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg:<20} {wide_bar} {pos}/{len} rows ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = source.copy_into(&mut target, |step| match step {
        CopyProgress::Rows { table, done, total } => {
            if done == 0 && total >= BAR_ROWS {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_message(table.to_owned());
                bar.set_length(total);
            }
            bar.set_position(done);
        }
        CopyProgress::Copied { table, rows } => {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            eprintln!("  {table:<24} {:>12} {}", count(rows), if rows == 1 { "row" } else { "rows" });
        }
        CopyProgress::Verifying => eprintln!("Checking the copy against the source ..."),
    })?;
    bar.finish_and_clear();
    print!("{}", summary(&report));
    Ok(())
}

/// The final table (table, rows) and the verification's outcome.
fn summary(report: &CopyReport) -> String {
    use std::fmt::Write as _;
    let width = report.tables.iter().map(|t| t.table.len()).max().unwrap_or(0).max("table".len());
    let mut out = format!("{:<width$}  {:>12}\n", "table", "rows");
    for t in &report.tables {
        let _ = writeln!(out, "{:<width$}  {:>12}", t.table, count(t.rows));
    }
    let _ = writeln!(out, "{:<width$}  {:>12}", "total", count(report.rows()));
    let v = &report.verified;
    let _ =
        writeln!(out, "verified: {} tables, {} rows, ledger equals balances on both sides", v.tables, count(v.rows));
    let _ = writeln!(
        out,
        "stock on both sides: {} on hand, {} reserved; allocation audit clean on both sides",
        count(v.on_hand.max(0) as u64),
        count(v.reserved.max(0) as u64)
    );
    out
}

/// Bad usage: clap's message and exit code 2, as for any other usage error.
fn usage_error(message: String) -> ! {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let mut migrate = command.find_subcommand("migrate").cloned().unwrap_or(command);
    migrate.error(clap::error::ErrorKind::ValueValidation, message).exit()
}
