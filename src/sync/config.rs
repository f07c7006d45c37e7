//! The sync's configuration: `[[channels]]` (what to talk to), `[sync]`
//! (how often and how patiently) and `[tracking]` (the carrier feed), and the
//! token files, which must be private to their owner.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// How a channel is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// The channel REST subset (shared/contracts/channel-api.md).
    Rest,
    /// A file-drop folder: orders in, shipment files out.
    File,
}

impl ChannelKind {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rest => "rest",
            Self::File => "file",
        }
    }
}

/// One `[[channels]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    /// The channel's code in the store (orders are unique per channel and external id).
    pub name: String,
    pub kind: ChannelKind,
    /// What the console shows; the name when not given.
    #[serde(default)]
    pub title: Option<String>,
    /// REST: e.g. `https://shop.example.com` (the API path is added).
    #[serde(default)]
    pub base_url: Option<String>,
    /// REST: a file holding the access token, mode 0600.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// File drop: where order files (.csv, .jsonl) arrive; `done/` and
    /// `rejected/` are made inside it.
    #[serde(default)]
    pub inbox: Option<PathBuf>,
    /// File drop: where shipment files are written.
    #[serde(default)]
    pub outbox: Option<PathBuf>,
    /// A channel can be kept in the config but left alone.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl ChannelConfig {
    /// What the console calls it.
    #[must_use]
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }

    /// Checks the entry on its own (not the token file: see [`load_token`]).
    pub fn check(&self) -> Result<(), String> {
        let name = &self.name;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("channels: name {name:?} must be letters, digits, '-' or '_'"));
        }
        match self.kind {
            ChannelKind::Rest => {
                let url = self.base_url.as_deref().unwrap_or("");
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!(
                        "channels.{name}: base_url must be an http:// or https:// address, not {url:?}"
                    ));
                }
                if self.token_file.is_none() {
                    return Err(format!("channels.{name}: a rest channel needs token_file (a file of mode 0600)"));
                }
            }
            ChannelKind::File => {
                if self.inbox.is_none() || self.outbox.is_none() {
                    return Err(format!("channels.{name}: a file channel needs inbox and outbox folders"));
                }
            }
        }
        Ok(())
    }
}

/// The `[sync]` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// Seconds between order pulls of a channel.
    pub pull_seconds: u64,
    /// Seconds between looks at the outbox (new rows are also sent when the console asks).
    pub push_seconds: u64,
    /// A request that takes longer has failed (and may have reached the channel).
    pub timeout_seconds: f64,
    /// Retry backoff: base and cap, with jitter.
    pub backoff_base_seconds: f64,
    pub backoff_cap_seconds: f64,
    /// Orders per page asked of a channel (the API allows up to 250).
    pub page_limit: u32,
    /// Re-read this many seconds before the cursor on each pull.
    pub overlap_seconds: u64,
    /// Shipments sent to one channel at the same time.
    pub concurrency: usize,
    /// The worker's lease: one station runs the sync at a time.
    pub lease_seconds: u64,
    /// Whether the channel e-mails the customer about a shipment.
    pub notify_customer: bool,
}

impl SyncConfig {
    pub fn check(&self) -> Result<(), String> {
        let positive = [
            ("pull_seconds", self.pull_seconds),
            ("push_seconds", self.push_seconds),
            ("lease_seconds", self.lease_seconds),
            ("concurrency", self.concurrency as u64),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(format!("sync.{key} must be at least 1"));
        }
        let seconds = [
            ("timeout_seconds", self.timeout_seconds),
            ("backoff_base_seconds", self.backoff_base_seconds),
            ("backoff_cap_seconds", self.backoff_cap_seconds),
        ];
        if let Some((key, value)) = seconds.iter().find(|(_, v)| !(v.is_finite() && (0.01..=86_400.0).contains(v))) {
            return Err(format!("sync.{key} must be 0.01 to 86400 seconds, not {value}"));
        }
        if self.backoff_cap_seconds < self.backoff_base_seconds {
            return Err("sync.backoff_cap_seconds must not be below backoff_base_seconds".into());
        }
        if !(1..=250).contains(&self.page_limit) {
            return Err(format!("sync.page_limit must be 1 to 250, not {}", self.page_limit));
        }
        Ok(())
    }

    #[must_use]
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_seconds)
    }
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            pull_seconds: 30,
            push_seconds: 5,
            timeout_seconds: 10.0,
            backoff_base_seconds: 1.0,
            backoff_cap_seconds: 300.0,
            page_limit: 250,
            overlap_seconds: 300,
            concurrency: 4,
            lease_seconds: 30,
            notify_customer: true,
        }
    }
}

/// Which carrier feed tracks shipped packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarrierFeed {
    /// No tracking: shipped orders stay `shipped`.
    None,
    /// The demo carrier: packages move through on their own, some late, a
    /// few with exceptions.
    Demo,
}

/// The `[tracking]` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingConfig {
    pub carrier: CarrierFeed,
    /// Seconds between polls of one package.
    pub poll_seconds: u64,
    /// Demo carrier: real seconds per simulated day in transit (86400 is real time).
    pub demo_seconds_per_day: u64,
}

impl TrackingConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.poll_seconds == 0 || self.demo_seconds_per_day == 0 {
            return Err("tracking.poll_seconds and tracking.demo_seconds_per_day must be at least 1".into());
        }
        Ok(())
    }
}

impl Default for TrackingConfig {
    fn default() -> Self {
        Self { carrier: CarrierFeed::None, poll_seconds: 900, demo_seconds_per_day: 86_400 }
    }
}

/// Checks the channel list: each entry, and no name twice.
pub fn check_channels(channels: &[ChannelConfig]) -> Result<(), String> {
    for (i, channel) in channels.iter().enumerate() {
        channel.check()?;
        if channels[..i].iter().any(|c| c.name == channel.name) {
            return Err(format!("channels: {:?} is listed twice", channel.name));
        }
    }
    Ok(())
}

/// An access token. Never printed: `Debug` and `Display` hide it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token itself, for the request header only.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn new(token: String) -> Self {
        Self(token)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(****)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// Reads a token file: it must exist, be readable by its owner only (mode
/// 0600 or stricter) and hold one non-empty line.
pub fn load_token(path: &Path) -> Result<Token, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the token file {shown}: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "the token file {shown} has mode {mode:04o}: others may read it; run `chmod 600 {shown}`"
            ));
        }
    }
    if !meta.is_file() {
        return Err(format!("the token file {shown} is not a file"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the token file {shown}: {e}"))?;
    let token = text.trim();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(format!("the token file {shown} must hold the token alone on one line"));
    }
    Ok(Token(token.to_owned()))
}

/// Writes a token file with mode 0600 (the demo's own channel, tests).
pub fn write_token(path: &Path, token: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    writeln!(file, "{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rest(name: &str) -> ChannelConfig {
        ChannelConfig {
            name: name.into(),
            kind: ChannelKind::Rest,
            title: None,
            base_url: Some("https://shop.example.com".into()),
            token_file: Some("/etc/packline/shop.token".into()),
            inbox: None,
            outbox: None,
            enabled: true,
        }
    }

    #[test]
    fn a_token_file_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.token");
        write_token(&path, "shpat_secret").unwrap();
        assert_eq!(load_token(&path).unwrap().expose(), "shpat_secret");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_token(&path).unwrap_err();
        assert!(err.contains("mode 0644") && err.contains("chmod 600"), "{err}");
        assert!(!err.contains("shpat_secret"), "{err}");
        assert!(load_token(&dir.path().join("missing")).unwrap_err().contains("cannot read"));
    }

    #[test]
    fn a_token_never_shows_in_debug_or_display() {
        let token = Token::new("shpat_secret".into());
        assert!(!format!("{token:?} {token}").contains("secret"));
    }

    #[test]
    fn channel_entries_are_checked() {
        assert!(check_channels(&[rest("shop"), rest("market")]).is_ok());
        assert!(check_channels(&[rest("shop"), rest("shop")]).unwrap_err().contains("twice"));
        let mut bad = rest("shop");
        bad.base_url = Some("ftp://x".into());
        assert!(bad.check().unwrap_err().contains("base_url"));
        let mut no_token = rest("shop");
        no_token.token_file = None;
        assert!(no_token.check().unwrap_err().contains("token_file"));
        let file = ChannelConfig { kind: ChannelKind::File, base_url: None, token_file: None, ..rest("b2b") };
        assert!(file.check().unwrap_err().contains("inbox"));
        assert!(rest("my shop").check().is_err());
    }

    #[test]
    fn sync_settings_are_checked() {
        assert!(SyncConfig::default().check().is_ok());
        let zero = SyncConfig { timeout_seconds: 0.0, ..SyncConfig::default() };
        assert!(zero.check().unwrap_err().contains("timeout_seconds"));
        let cap = SyncConfig { backoff_cap_seconds: 0.5, ..SyncConfig::default() };
        assert!(cap.check().is_err());
        let none = SyncConfig { concurrency: 0, ..SyncConfig::default() };
        assert!(none.check().unwrap_err().contains("concurrency"));
    }
}
