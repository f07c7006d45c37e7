//! Key bindings as data: parsed from the config's `[keymap]` tables, matched
//! against key presses, and listed by the help overlay and the hint bar.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

/// One binding as written in the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingConfig {
    pub on: String,
    pub run: Action,
    pub desc: String,
}

/// The `[keymap]` table: one list per screen, plus `global`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeymapConfig {
    pub global: Vec<BindingConfig>,
    pub order_queue: Vec<BindingConfig>,
    pub waves: Vec<BindingConfig>,
    pub pick: Vec<BindingConfig>,
    pub pack: Vec<BindingConfig>,
    pub returns: Vec<BindingConfig>,
    /// The sync screen (optional in a table written before it existed).
    #[serde(default)]
    pub sync: Vec<BindingConfig>,
    /// The dashboard (optional in a table written before it existed).
    #[serde(default)]
    pub dashboard: Vec<BindingConfig>,
    /// The stock screen (optional; its own keys are fixed, like the returns bench's).
    #[serde(default)]
    pub stock: Vec<BindingConfig>,
}

/// Which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Global,
    OrderQueue,
    Waves,
    Pick,
    Pack,
    Returns,
    Sync,
    Dashboard,
    Stock,
}

impl Section {
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Everywhere",
            Self::OrderQueue => "Order queue",
            Self::Waves => "Waves",
            Self::Pick => "Picking",
            Self::Pack => "Packing",
            Self::Returns => "Returns",
            Self::Sync => "Sync",
            Self::Dashboard => "Dashboard",
            Self::Stock => "Stock",
        }
    }
}

/// A key with its modifiers (shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    /// The key of a press event.
    #[must_use]
    pub fn from_event(event: &KeyEvent) -> Self {
        // Shift is part of the character (`?`), and terminals send shift-tab as BackTab.
        Self {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl-c`, `enter`, `?`, `f1`, `pagedown`...
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("unknown key {text:?}")),
        };
        Ok(Self { code, ctrl, alt })
    }

    /// How the key is shown in hints and help.
    #[must_use]
    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "S-Tab".to_owned(),
            KeyCode::Backspace => "Bksp".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("^{}", base.to_uppercase()),
            (false, true) => format!("M-{base}"),
            (false, false) => base,
        }
    }
}

/// One usable binding.
#[derive(Debug, Clone)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
    pub desc: String,
}

/// All bindings, by section, in the order the config lists them.
#[derive(Debug, Clone)]
pub struct Keymap {
    sections: Vec<(Section, Vec<Binding>)>,
    lookup: HashMap<(Section, Key), Action>,
}

impl Keymap {
    /// Builds the keymap; an unknown key names the section and the binding.
    pub fn from_config(config: &KeymapConfig) -> Result<Self, String> {
        let mut sections = Vec::new();
        let mut lookup = HashMap::new();
        for (section, name, list) in [
            (Section::Global, "global", &config.global),
            (Section::OrderQueue, "order_queue", &config.order_queue),
            (Section::Waves, "waves", &config.waves),
            (Section::Pick, "pick", &config.pick),
            (Section::Pack, "pack", &config.pack),
            (Section::Returns, "returns", &config.returns),
            (Section::Sync, "sync", &config.sync),
            (Section::Dashboard, "dashboard", &config.dashboard),
            (Section::Stock, "stock", &config.stock),
        ] {
            let mut bindings = Vec::with_capacity(list.len());
            for b in list {
                let key = Key::parse(&b.on).map_err(|e| format!("keymap.{name}: {e}"))?;
                lookup.entry((section, key)).or_insert(b.run);
                bindings.push(Binding { key, action: b.run, desc: b.desc.clone() });
            }
            sections.push((section, bindings));
        }
        Ok(Self { sections, lookup })
    }

    /// The action for a key on a screen: the screen's own bindings first, then global ones.
    #[must_use]
    pub fn action(&self, section: Section, key: Key) -> Option<Action> {
        self.lookup.get(&(section, key)).or_else(|| self.lookup.get(&(Section::Global, key))).copied()
    }

    /// The bindings of a section, as configured.
    #[must_use]
    pub fn bindings(&self, section: Section) -> &[Binding] {
        self.sections.iter().find(|(s, _)| *s == section).map_or(&[], |(_, b)| b.as_slice())
    }

    /// The first key bound to `action` in `section` (or globally), for hints.
    #[must_use]
    pub fn key_for(&self, section: Section, action: Action) -> Option<Key> {
        [section, Section::Global]
            .into_iter()
            .flat_map(|s| self.bindings(s))
            .find(|b| b.action == action)
            .map(|b| b.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_label() {
        assert_eq!(Key::parse("ctrl-c").unwrap(), Key { code: KeyCode::Char('c'), ctrl: true, alt: false });
        assert_eq!(Key::parse("f1").unwrap().code, KeyCode::F(1));
        assert_eq!(Key::parse("?").unwrap().code, KeyCode::Char('?'));
        assert_eq!(Key::parse("pagedown").unwrap().label(), "PgDn");
        assert_eq!(Key::parse("ctrl-r").unwrap().label(), "^R");
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("f13").is_err());
    }

    #[test]
    fn screen_bindings_win_over_global_ones() {
        let config: KeymapConfig = toml::from_str(
            "global = [{ on = \"q\", run = \"quit\", desc = \"Quit\" }]\n\
             order_queue = [{ on = \"q\", run = \"toggle_sort\", desc = \"Sort\" }, { on = \"j\", run = \"select_next\", desc = \"Down\" }]\n\
             waves = []\npick = []\npack = []\nreturns = []",
        )
        .unwrap();
        let keymap = Keymap::from_config(&config).unwrap();
        let q = Key::parse("q").unwrap();
        assert_eq!(keymap.action(Section::OrderQueue, q), Some(Action::ToggleSort));
        assert_eq!(keymap.action(Section::Global, q), Some(Action::Quit));
        assert_eq!(keymap.action(Section::OrderQueue, Key::parse("x").unwrap()), None);
        assert_eq!(keymap.key_for(Section::OrderQueue, Action::SelectNext), Some(Key::parse("j").unwrap()));
    }

    #[test]
    fn an_unknown_action_or_key_is_refused() {
        let bad: Result<KeymapConfig, _> = toml::from_str(
            "global = [{ on = \"q\", run = \"explode\", desc = \"x\" }]\norder_queue = []\nwaves = []\npick = []\npack = []\nreturns = []",
        );
        assert!(bad.is_err());
        let config: KeymapConfig = toml::from_str(
            "global = [{ on = \"hyper-q\", run = \"quit\", desc = \"x\" }]\norder_queue = []\nwaves = []\npick = []\npack = []\nreturns = []",
        )
        .unwrap();
        assert_eq!(Keymap::from_config(&config).unwrap_err(), "keymap.global: unknown key \"hyper-q\"");
    }
}
