//! Change notices across hosts: every writing transaction on PostgreSQL
//! ends with a NOTIFY; a listening connection of each store counts the
//! notices of the others.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use postgres::NoTls;
use postgres::fallible_iterator::FallibleIterator;

use super::DbError;
use super::pg::describe;

/// The channel every store's writes are announced on.
pub(super) const CHANNEL: &str = "packline_changes";

/// Counts other connections' committed changes, heard with LISTEN on a
/// connection of its own; the console compares the count on its tick, as
/// it compares SQLite's `data_version`.
pub struct Notices {
    version: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
}

impl Notices {
    pub(super) fn start(url: &str, own_pid: i32) -> Result<Self, DbError> {
        let version = Arc::new(AtomicI64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), postgres::Error>>();
        let (url, counter, stopping) = (url.to_owned(), Arc::clone(&version), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("packline-pg-listen".into())
            .spawn(move || listen(&url, own_pid, &counter, &stopping, &ready_tx))
            .map_err(|e| DbError::Disconnected(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Self { version, stop }),
            Ok(Err(e)) => Err(DbError::Postgres(e)),
            Err(_) => Err(DbError::Disconnected("the listening thread ended".into())),
        }
    }

    #[must_use]
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }
}

impl Drop for Notices {
    fn drop(&mut self) {
        // The thread sees this within one wait and closes its connection.
        self.stop.store(true, Ordering::Release);
    }
}

/// How long the listener waits for a notice before looking at `stop`.
const LISTEN_WAIT: Duration = Duration::from_millis(200);

fn listen(
    url: &str,
    own_pid: i32,
    version: &AtomicI64,
    stop: &AtomicBool,
    ready: &mpsc::Sender<Result<(), postgres::Error>>,
) {
    let mut first = true;
    while !stop.load(Ordering::Acquire) {
        let connected = postgres::Client::connect(url, NoTls)
            .and_then(|mut c| c.batch_execute(&format!("LISTEN {CHANNEL}")).map(|()| c));
        let mut client = match connected {
            Ok(client) => client,
            Err(e) => {
                if first {
                    let _ = ready.send(Err(e));
                    return;
                }
                tracing::warn!(error = %describe(&e), "listening for other terminals' changes failed; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if first {
            first = false;
            let _ = ready.send(Ok(()));
        } else {
            // Changes may have been missed while reconnecting: reload once.
            version.fetch_add(1, Ordering::AcqRel);
        }
        let own = own_pid.to_string();
        while !stop.load(Ordering::Acquire) {
            let mut notices = client.notifications();
            let mut heard = notices.timeout_iter(LISTEN_WAIT);
            match heard.next() {
                Ok(Some(n)) if n.payload() != own => {
                    version.fetch_add(1, Ordering::AcqRel);
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %describe(&e), "the change-notice connection closed; reconnecting");
                    break;
                }
            }
        }
    }
}
