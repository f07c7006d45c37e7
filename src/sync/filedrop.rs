//! The file-drop channel: order files in (`inbox`), shipment files out
//! (`outbox`).
//!
//! **Orders in** ([`poll_inbox`]). Every `*.csv`, `*.jsonl` or `*.ndjson`
//! file directly in the inbox (names in any case; dotfiles, folders and
//! other names ignored) whose modification time is at least `settle` old
//! (a writer still busy keeps touching it), oldest first. A file is read
//! whole: CSV rows must name this channel in their `channel` column (a row
//! naming another channel is an error of that row, field `channel`: one
//! folder, one channel); JSONL orders are this channel's, cancelled ones
//! included. A file with any bad row stores nothing and moves to
//! `inbox/rejected/` with `NAME.errors.txt` beside it, one error a line
//! ("FILE row N, field F: why"). A good file is stored in one transaction
//! ([`Store::store_channel_page`], no cursor) and moves to `inbox/done/`.
//! A name already taken there gets `-2`, `-3`... before its extension;
//! nothing is overwritten. If the process dies between the commit and the
//! move, the next poll reads the file again and the store finds every
//! order unchanged.
//!
//! **Shipments out** ([`write_shipments`]). Pending `shipment` outbox rows
//! of the channel become one CSV file per run, one line per package, columns
//! [`SHIPMENT_COLUMNS`], named `shipments-YYYYMMDDTHHMMSSZ-FIRSTID.csv`. It
//! is written as `.NAME.tmp` in the same folder, synced, renamed and the
//! folder synced, so a reader taking `shipments-*.csv` never sees half a
//! file. Each row's attempt is counted before the file is written; a row
//! found with attempts at the next run may already be in a file (the
//! process died after the rename), so the folder's shipment files are read
//! for their `outbox_id`s first and rows found there are marked sent
//! without writing them again. If the receiving system has already taken
//! that file away, the rows are written again: delivery is at least once,
//! and a receiver dedupes on `external_id` + `tracking_number`.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{SecondsFormat, Utc};

use super::config::ChannelConfig;
use super::file::{self, FileError};
use crate::domain::sync::{ChannelOrder, PageSummary};
use crate::domain::{Actor, NewOrder};
use crate::planning::rules::{self, RulesConfig};
use crate::store::{Store, StoreError};

/// How old a dropped file must be before it is read (the worker's setting).
pub const SETTLE: Duration = Duration::from_secs(2);

/// What can stop a file-drop run. A bad order file is not an error: it is
/// rejected and reported.
#[derive(Debug, thiserror::Error)]
pub enum FileDropError {
    #[error("channel {0}: a file channel needs inbox and outbox folders")]
    NotAFileChannel(String),
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io_error(context: impl Into<String>) -> impl FnOnce(io::Error) -> FileDropError {
    let context = context.into();
    move |source| FileDropError::Io { context, source }
}

/// What one look at the inbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxReport {
    /// The files taken, in the order they were read.
    pub files: Vec<InboxFile>,
    /// The stored files' summaries added up.
    pub summary: PageSummary,
    /// Files left for the next look because they were changed too recently.
    pub waiting: u32,
}

impl InboxReport {
    /// One line per file that did not import, for the supervisor.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for file in &self.files {
            match &file.outcome {
                FileOutcome::Imported { .. } => {}
                FileOutcome::Rejected { errors, moved_to } => {
                    let rows =
                        if errors.len() == 1 { "1 error".to_owned() } else { format!("{} errors", errors.len()) };
                    lines.push(format!("{} rejected ({rows}): see {}.errors.txt", file.name, moved_to.display()));
                }
                FileOutcome::Unreadable { reason } => lines.push(format!("{}: {reason}", file.name)),
            }
        }
        lines
    }
}

/// One file of the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxFile {
    pub name: String,
    pub outcome: FileOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Stored and moved to `done/`.
    Imported { orders: usize, summary: PageSummary, moved_to: PathBuf },
    /// Bad rows: nothing stored; moved to `rejected/` beside its errors file.
    Rejected { errors: Vec<FileError>, moved_to: PathBuf },
    /// Could not be read (permissions...): left where it is, tried again next time.
    Unreadable { reason: String },
}

/// Imports the files waiting in the channel's inbox (see the module
/// documentation). Files changed less than `settle` ago wait ([`SETTLE`];
/// tests pass zero). A store error stops the run with the file still in
/// the inbox, to be read again next time.
pub fn poll_inbox(
    store: &mut Store,
    actor: &Actor,
    channel: &ChannelConfig,
    rules: &RulesConfig,
    settle: Duration,
) -> Result<InboxReport, FileDropError> {
    let (inbox, _) = folders(channel)?;
    let mut report = InboxReport::default();
    let ready = ready_files(inbox, settle, &mut report.waiting)?;
    if !ready.is_empty() {
        store.ensure_channel(actor, &channel.name, channel.title(), "file")?;
    }
    for (path, name) in ready {
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            // Taken away since the folder was listed.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot read an order file");
                report.files.push(InboxFile { name, outcome: FileOutcome::Unreadable { reason: e.to_string() } });
                continue;
            }
        };
        let outcome = match read_orders(&name, &bytes, channel, rules) {
            Ok(orders) => {
                let summary = if orders.is_empty() {
                    PageSummary::default()
                } else {
                    store_file(store, actor, channel, rules, &orders)?
                };
                report.summary += summary;
                let moved_to = move_into(&path, &inbox.join("done"), &name)?;
                tracing::info!(file = %name, orders = orders.len(), ?summary, "order file imported");
                FileOutcome::Imported { orders: orders.len(), summary, moved_to }
            }
            Err(errors) => {
                let moved_to = reject(&path, inbox, &name, &errors)?;
                tracing::warn!(file = %name, errors = errors.len(), "order file rejected");
                FileOutcome::Rejected { errors, moved_to }
            }
        };
        report.files.push(InboxFile { name, outcome });
    }
    Ok(report)
}

fn folders(channel: &ChannelConfig) -> Result<(&Path, &Path), FileDropError> {
    match (&channel.inbox, &channel.outbox) {
        (Some(inbox), Some(outbox)) => Ok((inbox, outbox)),
        _ => Err(FileDropError::NotAFileChannel(channel.name.clone())),
    }
}

/// Order files at least `settle` old, oldest first (then by name).
fn ready_files(inbox: &Path, settle: Duration, waiting: &mut u32) -> Result<Vec<(PathBuf, String)>, FileDropError> {
    let shown = inbox.display();
    // A missing inbox is an error, not an empty one: an unmounted share must show.
    let entries = fs::read_dir(inbox).map_err(io_error(format!("cannot list the inbox {shown}")))?;
    let now = SystemTime::now();
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_error(format!("cannot list the inbox {shown}")))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if !is_order_file(&name) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = fs::metadata(&path) else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().map_err(io_error(format!("cannot read the time of {}", path.display())))?;
        if now.duration_since(modified).unwrap_or(Duration::ZERO) < settle {
            *waiting += 1;
            continue;
        }
        files.push((modified, name, path));
    }
    files.sort();
    Ok(files.into_iter().map(|(_, name, path)| (path, name)).collect())
}

/// An order file by its name: `.csv`, `.jsonl` or `.ndjson`, not a dotfile.
fn is_order_file(name: &str) -> bool {
    !name.starts_with('.') && matches!(extension(name).as_str(), "csv" | "jsonl" | "ndjson")
}

/// A shipment file by its name (what a receiving system takes).
fn is_shipment_file(name: &str) -> bool {
    name.starts_with("shipments-") && extension(name) == "csv"
}

fn extension(name: &str) -> String {
    Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Reads a whole order file into this channel's orders, or every error in it.
fn read_orders(
    name: &str,
    bytes: &[u8],
    channel: &ChannelConfig,
    rules: &RulesConfig,
) -> Result<Vec<ChannelOrder>, Vec<FileError>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let row = bytes[..e.valid_up_to()].split(|b| *b == b'\n').count();
        vec![FileError { file: name.to_owned(), row, field: None, reason: "is not UTF-8 text".into() }]
    })?;
    // Spreadsheet exports often start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let services = rules.service_book();
    if extension(name) != "csv" {
        return file::parse_jsonl_orders(name, text, &channel.name, services);
    }
    let mut errors = foreign_rows(name, text, &channel.name);
    match file::parse_csv(name, text, services) {
        Ok(parsed) if errors.is_empty() => {
            Ok(parsed.orders.into_iter().map(|order| ChannelOrder { order, cancelled_at: None }).collect())
        }
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by(|a, b| (a.row, &a.field).cmp(&(b.row, &b.field)));
            Err(errors)
        }
    }
}

/// CSV rows naming a channel other than `channel` (rows counted as
/// [`file::parse_csv`] counts them; a file it cannot read yields none here).
fn foreign_rows(name: &str, text: &str, channel: &str) -> Vec<FileError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let Some(column) = reader.headers().ok().and_then(|h| h.iter().position(|c| c.trim() == "channel")) else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let named = record.get(column).unwrap_or("").trim();
        if !named.is_empty() && named != channel {
            errors.push(FileError {
                file: name.to_owned(),
                row: i + 2,
                field: Some("channel".into()),
                reason: format!("{named:?} is not {channel:?}: this folder takes orders of channel {channel:?} only"),
            });
        }
    }
    errors
}

/// Stores a good file's orders in one transaction, checked as `packline import` checks them.
fn store_file(
    store: &mut Store,
    actor: &Actor,
    channel: &ChannelConfig,
    rules: &RulesConfig,
    orders: &[ChannelOrder],
) -> Result<PageSummary, StoreError> {
    let mut codes: Vec<&str> = orders.iter().flat_map(|o| o.order.lines.iter().map(|l| l.sku.as_str())).collect();
    codes.sort_unstable();
    codes.dedup();
    let facts = store.sku_facts(&codes)?;
    let mut check = |order: &NewOrder| rules::validate(order, rules, &facts);
    store.store_channel_page(actor, &channel.name, orders, None, &mut check)
}

/// `name` in `dir` if free, else `STEM-2.EXT`, `STEM-3.EXT`...
fn free_name(dir: &Path, name: &str) -> String {
    let taken = |candidate: &str| dir.join(candidate).symlink_metadata().is_ok();
    if !taken(name) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..u32::MAX)
        .map(|n| format!("{stem}-{n}{ext}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| format!("{stem}-{}{ext}", std::process::id()))
}

/// Moves `path` into `dir` (made if missing) under a free name; returns the new path.
fn move_into(path: &Path, dir: &Path, name: &str) -> Result<PathBuf, FileDropError> {
    fs::create_dir_all(dir).map_err(io_error(format!("cannot make {}", dir.display())))?;
    let target = dir.join(free_name(dir, name));
    fs::rename(path, &target).map_err(io_error(format!("cannot move {} to {}", path.display(), target.display())))?;
    Ok(target)
}

/// Moves a bad file to `rejected/` with its errors file beside it (written first).
fn reject(path: &Path, inbox: &Path, name: &str, errors: &[FileError]) -> Result<PathBuf, FileDropError> {
    let dir = inbox.join("rejected");
    fs::create_dir_all(&dir).map_err(io_error(format!("cannot make {}", dir.display())))?;
    let target = free_name(&dir, name);
    let mut text = format!(
        "# {name} was rejected at {}: {} error(s), nothing was imported.\n\
         # Fix the rows and drop the whole file into the inbox again.\n",
        Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        errors.len()
    );
    for error in errors {
        text.push_str(&crate::domain::text::sanitize(&error.to_string()));
        text.push('\n');
    }
    write_atomically(&dir, &format!("{target}.errors.txt"), text.as_bytes())?;
    let target = dir.join(target);
    fs::rename(path, &target).map_err(io_error(format!("cannot move {} to {}", path.display(), target.display())))?;
    Ok(target)
}

/// The name a file is written under before it is renamed to `name`: a
/// dotfile that matches no reader's pattern.
fn temp_name(name: &str) -> String {
    format!(".{name}.tmp")
}

/// Writes `dir/name` whole or not at all: a temporary file, synced, renamed,
/// and the folder synced.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), FileDropError> {
    let temp = dir.join(temp_name(name));
    let target = dir.join(name);
    let write = || -> io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, &target)?;
        #[cfg(unix)]
        fs::File::open(dir)?.sync_all()?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(format!("cannot write {}", target.display()))(e)
    })
}

mod shipments;

pub use shipments::{ROWS_PER_FILE, SHIPMENT_COLUMNS, write_shipments};

#[cfg(test)]
mod tests;
