//! Configuration: the bundled defaults (`assets/config.default.toml`) with the
//! user's file laid over them, checked strictly so a typo is reported, not
//! ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::keymap::{Keymap, KeymapConfig};

/// The bundled default configuration.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.default.toml");

/// A configuration problem, naming the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("config file {path} is not valid: {reason}; fix it or move it away to use the defaults")]
    Invalid { path: String, reason: String },
    #[error("cannot find a home directory for the default store and config; pass --db and --config")]
    NoHome,
}

/// The whole configuration, after defaults and the user's file are merged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub station: StationConfig,
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub layout: LayoutConfig,
    pub rules: crate::planning::rules::RulesConfig,
    pub allocation: AllocationConfig,
    pub waves: crate::planning::batching::WaveRules,
    pub abc: AbcConfig,
    pub inventory: crate::planning::inventory::InventoryConfig,
    /// The supervisor's dashboard (optional in a config written before it existed).
    #[serde(default)]
    pub dashboard: crate::planning::dashboard::DashboardConfig,
    /// Receiving's difference and damage reasons (optional in older configs).
    #[serde(default)]
    pub receiving: crate::planning::counts::ReceivingConfig,
    /// Cycle counts: intervals per zone and adjustment reasons (optional in older configs).
    #[serde(default)]
    pub counts: crate::planning::counts::CountSchedule,
    pub packing: crate::planning::cartonization::PackingConfig,
    pub session: SessionConfig,
    pub weighing: WeighingConfig,
    pub returns: crate::planning::returns::ReturnsConfig,
    #[serde(default)]
    pub rates: RatesConfig,
    pub scanner: ScannerConfig,
    pub printer: crate::labels::PrinterConfig,
    pub shipper: crate::labels::ShipperConfig,
    pub log: LogConfig,
    pub keymap: KeymapConfig,
    /// The sales channels the sync talks to (`[[channels]]`; none by default).
    #[serde(default)]
    pub channels: Vec<crate::sync::config::ChannelConfig>,
    #[serde(default)]
    pub sync: crate::sync::config::SyncConfig,
    #[serde(default)]
    pub tracking: crate::sync::config::TrackingConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationConfig {
    /// What happens to an order that stock cannot fill completely.
    pub backorders: crate::domain::BackorderPolicy,
    /// Lots expiring within this many days are neither allocated nor picked.
    pub min_shelf_days: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbcConfig {
    /// Days of shipped orders that rank SKUs into classes A, B and C (1-3650).
    pub window_days: u32,
}

/// The `[weighing]` section: the weight check's tolerances and the scale.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeighingConfig {
    /// Percent of the expected weight a package may be off (the larger of this and `tolerance_g` counts).
    pub tolerance_pct: f64,
    /// Grams a package may be off.
    pub tolerance_g: u32,
    /// `tcp://HOST:PORT`, `serial:/dev/DEVICE`, or empty: weights are typed.
    pub scale: String,
    /// How long to wait for a steady weight from the scale.
    pub scale_timeout_ms: u64,
}

impl WeighingConfig {
    /// The tolerances, for `planning::shipping::check_weight`.
    #[must_use]
    pub const fn rules(&self) -> crate::planning::shipping::WeightRules {
        crate::planning::shipping::WeightRules { tolerance_pct: self.tolerance_pct, tolerance_g: self.tolerance_g }
    }

    /// The scale, if one is set (checked when the config loads).
    #[must_use]
    pub fn scale(&self) -> Option<crate::sync::scale::ScaleAddr> {
        crate::sync::scale::ScaleAddr::parse(&self.scale).ok().flatten()
    }

    /// What is wrong with the section, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        self.rules().check()?;
        crate::sync::scale::ScaleAddr::parse(&self.scale).map_err(|e| format!("weighing.scale: {e}"))?;
        if !(100..=60_000).contains(&self.scale_timeout_ms) {
            return Err(format!("weighing.scale_timeout_ms must be 100 to 60000, not {}", self.scale_timeout_ms));
        }
        Ok(())
    }
}

/// The `[rates]` section: the carrier rate table, if not the bundled one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatesConfig {
    pub file: Option<PathBuf>,
}

impl RatesConfig {
    /// The rate table: the file named here, else the bundled `assets/rates.toml`;
    /// read and checked, the error naming the file.
    pub fn table(&self) -> Result<crate::planning::shipping::RateTable, String> {
        let Some(path) = &self.file else { return Ok(crate::planning::shipping::RateTable::bundled()) };
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!("cannot read the rates file {}: {e}; check `[rates] file` in the config", path.display())
        })?;
        crate::planning::shipping::RateTable::parse(&text).map_err(|e| {
            format!(
                "rates file {} is not valid: {e}; fix it, or remove `[rates] file` to use the bundled rates",
                path.display()
            )
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// Idle minutes before sign-out (0: never).
    pub idle_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerConfig {
    /// Stands for GS in scans (empty: none).
    pub gs_substitute: String,
    pub median_gap_ms: u64,
    pub max_gap_ms: u64,
    pub min_length: usize,
}

impl ScannerConfig {
    /// The substitute character, if one is set.
    #[must_use]
    pub fn gs_substitute(&self) -> Option<char> {
        self.gs_substitute.chars().next()
    }

    /// The burst thresholds for the wedge.
    #[must_use]
    pub fn wedge(&self) -> crate::scan::wedge::WedgeConfig {
        crate::scan::wedge::WedgeConfig {
            median_gap: std::time::Duration::from_millis(self.median_gap_ms),
            max_gap: std::time::Duration::from_millis(self.max_gap_ms),
            min_len: self.min_length,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationConfig {
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    pub file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub file: Option<PathBuf>,
    pub level: String,
}

/// The loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub keymap: Keymap,
    /// The user's file, if one was read.
    pub source: Option<PathBuf>,
}

impl Config {
    /// Loads the defaults, then `explicit` (which must exist) or the user's
    /// file in the platform config dir (if it exists).
    pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
        let user_path = match explicit {
            Some(path) => Some(path.to_owned()),
            None => default_config_path().filter(|p| p.exists()),
        };
        let user_text = match &user_path {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?,
            ),
            None => None,
        };
        let shown = user_path.as_ref().map_or_else(|| "(built-in defaults)".to_owned(), |p| p.display().to_string());
        let loaded = Self::from_texts(user_text.as_deref(), &shown)?;
        Ok(Loaded { source: user_path, ..loaded })
    }

    /// Merges `user` (TOML text, if any) over the defaults; `shown` names the
    /// user's file in errors.
    pub fn from_texts(user: Option<&str>, shown: &str) -> Result<Loaded, ConfigError> {
        let invalid = |reason: String| ConfigError::Invalid { path: shown.to_owned(), reason };
        let mut merged: toml::Table = toml::from_str(DEFAULT_CONFIG).expect("the bundled default config is valid TOML");
        if let Some(text) = user {
            let user: toml::Table = toml::from_str(text).map_err(|e| invalid(describe_toml_error(text, &e)))?;
            merge(&mut merged, user);
        }
        service_entries(&merged).map_err(invalid)?;
        let config: Config = merged.try_into().map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
        if config.station.name.trim().is_empty() {
            return Err(invalid("station.name must not be empty".into()));
        }
        if !["error", "warn", "info", "debug", "trace"].contains(&config.log.level.as_str()) {
            return Err(invalid(format!(
                "log.level {:?} is not one of error, warn, info, debug, trace",
                config.log.level
            )));
        }
        let s = &config.scanner;
        if s.median_gap_ms == 0 || s.max_gap_ms < s.median_gap_ms || s.max_gap_ms > 1_000 {
            return Err(invalid(format!(
                "scanner gaps must satisfy 0 < median_gap_ms <= max_gap_ms <= 1000, not {} and {}",
                s.median_gap_ms, s.max_gap_ms
            )));
        }
        if config.scanner.gs_substitute.chars().count() > 1 {
            return Err(invalid(format!(
                "scanner.gs_substitute must be one character, not {:?}",
                config.scanner.gs_substitute
            )));
        }
        if !(1..=3_650).contains(&config.abc.window_days) {
            return Err(invalid(format!("abc.window_days must be 1 to 3650, not {}", config.abc.window_days)));
        }
        config.rules.check().map_err(invalid)?;
        config.waves.check().map_err(invalid)?;
        config.returns.check().map_err(invalid)?;
        config.inventory.check().map_err(invalid)?;
        config.dashboard.check().map_err(invalid)?;
        config.receiving.check().map_err(|e| invalid(format!("receiving: {e}")))?;
        config.counts.check().map_err(|e| invalid(format!("counts: {e}")))?;
        config.printer.check().map_err(invalid)?;
        config.shipper.check().map_err(invalid)?;
        config.weighing.check().map_err(invalid)?;
        config.packing.check().map_err(invalid)?;
        crate::sync::config::check_channels(&config.channels).map_err(invalid)?;
        config.sync.check().map_err(invalid)?;
        config.tracking.check().map_err(invalid)?;
        if config.allocation.min_shelf_days > 3_650 {
            return Err(invalid(format!(
                "allocation.min_shelf_days must be 0 to 3650, not {}",
                config.allocation.min_shelf_days
            )));
        }
        let keymap = Keymap::from_config(&config.keymap).map_err(invalid)?;
        Ok(Loaded { config, keymap, source: None })
    }

    /// The store file: `--db`, else the config's `store.path`, else the platform data dir.
    pub fn store_path(&self, db: Option<&Path>) -> Result<PathBuf, ConfigError> {
        if let Some(db) = db {
            return Ok(db.to_owned());
        }
        if let Some(path) = &self.store.path {
            return Ok(path.clone());
        }
        Ok(data_dir()?.join("packline.db"))
    }

    /// The log file: the config's `log.file`, else `packline.log` in the data dir.
    pub fn log_path(&self) -> Result<PathBuf, ConfigError> {
        match &self.log.file {
            Some(path) => Ok(path.clone()),
            None => Ok(data_dir()?.join("packline.log")),
        }
    }
}

/// The platform data dir (`~/.local/share/packline` on Linux).
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    directories::ProjectDirs::from("", "", "packline").map(|d| d.data_dir().to_owned()).ok_or(ConfigError::NoHome)
}

fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "packline").map(|d| d.config_dir().join("config.toml"))
}

/// Reads each `[rules]` service entry on its own, so a missing or mistyped
/// field is reported with the entry's key (serde's message names only the field).
fn service_entries(merged: &toml::Table) -> Result<(), String> {
    let Some(rules) = merged.get("rules").and_then(toml::Value::as_table) else { return Ok(()) };
    let mut tables = Vec::new();
    if let Some(services) = rules.get("services").and_then(toml::Value::as_table) {
        tables.push(("rules.services".to_owned(), services));
    }
    for (code, services) in rules.get("channel_services").and_then(toml::Value::as_table).into_iter().flatten() {
        if let Some(services) = services.as_table() {
            tables.push((format!("rules.channel_services.{code}"), services));
        }
    }
    for (key, services) in tables {
        for (name, rule) in services {
            rule.clone()
                .try_into::<crate::domain::ServiceRule>()
                .map_err(|e| format!("{key}.{name}: {}", e.message()))?;
        }
    }
    Ok(())
}

/// Lays `user` over `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Table, user: toml::Table) {
    for (key, value) in user {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(user_table)) => merge(base_table, user_table),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// One line: the parser's message and the line it points at.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {}", e.message())
        }
        None => e.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load() {
        let loaded = Config::from_texts(None, "-").unwrap();
        assert_eq!(loaded.config.station.name, "STATION-1");
        assert_eq!(loaded.config.log.level, "info");
        assert!(loaded.config.layout.file.is_none());
    }

    #[test]
    fn user_values_override_and_keep_the_rest() {
        let loaded = Config::from_texts(Some("[station]\nname = \"PACK-07\"\n"), "user.toml").unwrap();
        assert_eq!(loaded.config.station.name, "PACK-07");
        assert_eq!(loaded.config.log.level, "info");
    }

    #[test]
    fn broken_files_name_the_file_and_the_line() {
        let err = Config::from_texts(Some("[station]\nname = \n"), "/etc/p.toml").unwrap_err().to_string();
        assert!(err.starts_with("config file /etc/p.toml is not valid: line 2"), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
        let err = Config::from_texts(Some("[staton]\nname = \"x\"\n"), "u.toml").unwrap_err().to_string();
        assert!(err.contains("unknown field `staton`"), "{err}");
        let err = Config::from_texts(Some("[log]\nlevel = \"loud\"\n"), "u.toml").unwrap_err().to_string();
        assert!(err.contains("log.level \"loud\""), "{err}");
    }

    #[test]
    fn service_rules_and_signature_thresholds_are_checked() {
        let rules = &Config::from_texts(None, "-").unwrap().config.rules;
        for name in ["standard", "express", "economy"] {
            assert!(rules.services.contains_key(name), "{name}");
        }
        let err = |text: &str| Config::from_texts(Some(text), "u.toml").unwrap_err().to_string();
        let e = err("[rules.services.express]\npriority = 0\n");
        assert!(e.contains("rules.services.express.priority must be 1 (most urgent) to 9, not 0"), "{e}");
        let e = err("[rules.channel_services.shop.courier]\ncarrier = \"Kurier\"\nship_days = 1\npriority = 10\n");
        assert!(e.contains("rules.channel_services.shop.courier.priority must be 1 (most urgent) to 9, not 10"), "{e}");
        let e = err("[rules.services.express]\ncarrier = \"\"\n");
        assert!(e.contains("rules.services.express.carrier must name a carrier service"), "{e}");
        let e = err("[rules.services.Express]\ncarrier = \"UPS\"\nship_days = 1\npriority = 3\n");
        assert!(e.contains("rules.services.express is given twice"), "{e}");
        let e = err("[rules.signature_over]\nEURO = 500\n");
        assert!(e.contains("rules.signature_over: \"EURO\" is not an ISO 4217 currency code"), "{e}");
        let e = err("[rules.services.courier]\ncarrier = \"Kurier\"\n");
        assert!(e.contains("rules.services.courier: missing field `ship_days`"), "{e}");
        let e = err("[rules.channel_services.b2b.pallet]\ncarrier = \"DB\"\nship_days = -1\npriority = 8\n");
        assert!(e.contains("rules.channel_services.b2b.pallet: invalid value: integer `-1`"), "{e}");
        let e = err("[rules.services.express]\nprority = 3\n");
        assert!(e.contains("unknown field `prority`"), "{e}");
        // A user's rule keeps the defaults it does not change.
        let loaded =
            Config::from_texts(Some("[rules.services.express]\npriority = 2\n"), "u.toml").unwrap().config.rules;
        assert_eq!((loaded.services["express"].priority, loaded.services["express"].ship_days), (2, 1));
    }

    #[test]
    fn the_abc_window_is_checked() {
        assert_eq!(Config::from_texts(None, "-").unwrap().config.abc.window_days, 90);
        assert_eq!(Config::from_texts(Some("[abc]\nwindow_days = 30\n"), "u").unwrap().config.abc.window_days, 30);
        let err = |text: &str| Config::from_texts(Some(text), "u.toml").unwrap_err().to_string();
        assert!(err("[abc]\nwindow_days = 0\n").contains("abc.window_days must be 1 to 3650, not 0"));
        assert!(err("[abc]\nwindow_days = -5\n").contains("invalid value"), "{}", err("[abc]\nwindow_days = -5\n"));
        assert!(err("[abc]\nwindow = 30\n").contains("unknown field `window`"));
    }

    #[test]
    fn the_inventory_section_is_checked() {
        let inventory = Config::from_texts(None, "-").unwrap().config.inventory;
        assert_eq!(inventory, crate::planning::inventory::InventoryConfig::default());
        let loaded = Config::from_texts(Some("[inventory]\nlead_time_days = 21\n"), "u").unwrap().config.inventory;
        assert_eq!((loaded.lead_time_days, loaded.safety_days), (21, 5));
        let err = |text: &str| Config::from_texts(Some(text), "u.toml").unwrap_err().to_string();
        let e = err("[inventory]\nslow_mover_days = 0\n");
        assert!(e.contains("inventory.slow_mover_days must be 1 to 3650, not 0"), "{e}");
        let e = err("[inventory]\nlead_days = 3\n");
        assert!(e.contains("unknown field `lead_days`"), "{e}");
    }

    #[test]
    fn weighing_and_rates_are_checked() {
        let config = Config::from_texts(None, "-").unwrap().config;
        assert_eq!(config.weighing.rules().allowed_g(2_000), 100);
        assert!(config.weighing.scale().is_none(), "weights are typed by default");
        // Every carrier service the default rules map to is in the bundled rates.
        let table = config.rates.table().unwrap();
        for (name, rule) in &config.rules.services {
            assert!(table.find(&rule.carrier).is_some(), "{name}: {}", rule.carrier);
        }
        let loaded = Config::from_texts(Some("[weighing]\nscale = \"tcp://10.0.0.7:4001\"\n"), "u").unwrap();
        assert_eq!(loaded.config.weighing.scale().unwrap().to_string(), "tcp://10.0.0.7:4001");
        let err = |text: &str| Config::from_texts(Some(text), "u.toml").unwrap_err().to_string();
        let e = err("[weighing]\ntolerance_pct = 101\n");
        assert!(e.contains("weighing.tolerance_pct must be 0 to 100, not 101"), "{e}");
        let e = err("[weighing]\nscale = \"COM1\"\n");
        assert!(e.contains("weighing.scale: scale \"COM1\" is neither tcp://HOST:PORT nor serial:/dev/DEVICE"), "{e}");
        let e = err("[weighing]\nscale_timeout_ms = 0\n");
        assert!(e.contains("weighing.scale_timeout_ms must be 100 to 60000, not 0"), "{e}");
        let e = err("[rates]\nfiles = \"r.toml\"\n");
        assert!(e.contains("unknown field `files`"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rates.toml");
        std::fs::write(&path, crate::planning::shipping::BUNDLED_RATES.replace("home = \"DE\"", "home = \"AT\""))
            .unwrap();
        let rates = RatesConfig { file: Some(path.clone()) };
        assert_eq!(rates.table().unwrap().home, "AT");
        std::fs::write(&path, "home = \"DE\"\n").unwrap();
        let e = rates.table().unwrap_err();
        assert!(e.starts_with(&format!("rates file {} is not valid: ", path.display())), "{e}");
        let e = RatesConfig { file: Some(dir.path().join("missing.toml")) }.table().unwrap_err();
        assert!(e.starts_with("cannot read the rates file "), "{e}");
    }

    #[test]
    fn db_flag_beats_config_beats_default() {
        let loaded = Config::from_texts(Some("[store]\npath = \"/srv/p.db\"\n"), "u.toml").unwrap();
        assert_eq!(loaded.config.store_path(Some(Path::new("/tmp/x.db"))).unwrap(), Path::new("/tmp/x.db"));
        assert_eq!(loaded.config.store_path(None).unwrap(), Path::new("/srv/p.db"));
    }
}
