//! The `packline` binary: error reporting, logging and dispatch; nothing else.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use packline::cli::{self, Cli};
use packline::config::Config;

fn main() -> ExitCode {
    // Bad usage exits with code 2 inside clap.
    let cli = Cli::parse();
    let loaded = match Config::load(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => return fail(&e),
    };
    let log_path = match loaded.config.log_path() {
        Ok(path) => path,
        Err(e) => return fail(&e),
    };
    let _guard = match packline::logging::init(&log_path, &loaded.config.log.level) {
        Ok(guard) => guard,
        Err(e) => return fail(&e),
    };
    install_panic_hook(log_path.display().to_string());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "packline started");
    match cli::run(&cli, &loaded) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "command failed");
            fail(&e)
        }
    }
}

/// One line on stderr, exit code 1; with RUST_BACKTRACE set, the causes
/// follow, one per line (a backtrace of this function would say nothing).
fn fail(e: &dyn std::error::Error) -> ExitCode {
    let mut stderr = std::io::stderr();
    let _ = writeln!(stderr, "packline: {e}");
    if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
        let mut source = e.source();
        while let Some(cause) = source {
            let _ = writeln!(stderr, "  caused by: {cause}");
            source = cause.source();
        }
    }
    ExitCode::FAILURE
}

/// A panic restores the terminal, then the full report goes to the log file
/// and one line to stderr (if stderr is still there: nothing here may panic).
fn install_panic_hook(log_path: String) {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default().display_env_section(false).into_hooks();
    let _ = eyre_hook.install();
    std::panic::set_hook(Box::new(move |info| {
        packline::tui::restore();
        let report = panic_hook.panic_report(info);
        tracing::error!("panic: {report}");
        let _ = writeln!(std::io::stderr(), "packline crashed: {info}. The report is in {log_path}.");
    }));
}
