//! `packline channel-sim`: the channel simulator as a command.

use std::path::PathBuf;

use clap::Args;

use super::Cli;
use crate::config::Loaded;
use crate::errors::{Error, Result};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ChannelSimArgs {
    /// The TCP port to listen on (0: any free port; the line printed says which).
    #[arg(long)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Orders at the start, spread over the last three days.
    #[arg(long, default_value_t = 50)]
    pub orders: usize,
    /// New orders per minute (0: none).
    #[arg(long, default_value_t = 2.0, value_name = "R", value_parser = per_minute)]
    pub per_minute: f64,
    /// Changes (note or address) to open orders per minute.
    #[arg(long, default_value_t = 0.5, value_name = "R", value_parser = per_minute)]
    pub updates_per_minute: f64,
    /// Cancellations of open orders per minute.
    #[arg(long, default_value_t = 0.1, value_name = "R", value_parser = per_minute)]
    pub cancels_per_minute: f64,
    /// Random seed of the orders (and, separately, of the faults).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The access token, from a file of mode 0600 (without: one is made and printed to stderr).
    #[arg(long, value_name = "F")]
    pub token_file: Option<PathBuf>,
    /// Share of API requests answered 500, 502 or 503.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub failure_rate: f64,
    /// Share of API requests answered 429 with Retry-After.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub rate_limit_rate: f64,
    /// The Retry-After of a 429, in seconds.
    #[arg(long, default_value_t = 1, value_name = "SECS")]
    pub retry_after: u64,
    /// Share of API requests whose connection is reset before anything is done.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub reset_rate: f64,
    /// Share of API requests carried out (a fulfillment created) and then reset.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub reset_after_rate: f64,
    /// Share of API requests answered --delay-ms late.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub delay_rate: f64,
    /// How late a delayed answer comes, in milliseconds.
    #[arg(long, default_value_t = 15_000, value_name = "MS")]
    pub delay_ms: u64,
    /// Share of listed orders served twice in a page.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub duplicate_rate: f64,
    /// Share of order pages served shuffled.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub reorder_rate: f64,
    /// Share of listed orders served as an older version.
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = rate)]
    pub stale_rate: f64,
    /// Line items use the store's SKU codes (--db or the configured store), not a built-in list.
    #[arg(long)]
    pub skus_from_db: bool,
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{text:?} is not a rate from 0.0 to 1.0")),
    }
}

fn per_minute(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("{text:?} is not a number of events per minute")),
    }
}

/// `packline channel-sim`: serves until Ctrl-C or SIGTERM.
pub(super) fn run(cli: &Cli, loaded: &Loaded, args: &ChannelSimArgs) -> Result<()> {
    use crate::sync::sim;
    let skus = if args.skus_from_db || cli.db.is_some() {
        let path = loaded.config.store_path(cli.db.as_deref())?;
        if !path.exists() {
            let shown = path.display();
            return Err(Error::Other(format!(
                "no store at {shown}: seed one with `packline demo` or drop --skus-from-db"
            )));
        }
        let codes = Store::open(&path)?.sku_codes()?;
        if codes.is_empty() {
            return Err(Error::Other(format!("the store {} has no SKUs to sell", path.display())));
        }
        codes
    } else {
        Vec::new()
    };
    let token = if let Some(path) = &args.token_file {
        crate::sync::config::load_token(path).map_err(Error::Other)?.expose().to_owned()
    } else {
        let token = format!("shpat_{:032x}", rand::random::<u128>());
        eprintln!("channel-sim: no --token-file; API requests must carry {}: {token}", sim::TOKEN_HEADER);
        token
    };
    let faults = sim::Faults {
        server_error_rate: args.failure_rate,
        rate_limit_rate: args.rate_limit_rate,
        retry_after_secs: args.retry_after,
        delay_rate: args.delay_rate,
        delay_ms: args.delay_ms,
        reset_before_rate: args.reset_rate,
        reset_after_rate: args.reset_after_rate,
        duplicate_rate: args.duplicate_rate,
        reorder_rate: args.reorder_rate,
        stale_rate: args.stale_rate,
    };
    let activity = sim::Activity {
        orders_per_minute: args.per_minute,
        updates_per_minute: args.updates_per_minute,
        cancels_per_minute: args.cancels_per_minute,
    };
    let config = sim::SimConfig {
        seed: args.seed,
        initial_orders: args.orders,
        activity,
        skus,
        token,
        faults,
        ..Default::default()
    };
    let address = std::net::SocketAddr::new(args.host, args.port);
    sim::run(address, config).map_err(Error::io(format!("channel-sim cannot serve on {address}")))
}
