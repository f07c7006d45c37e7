//! Small widgets and helpers shared by the screens: theme, number and time
//! formatting, the status bar, the key-hint bar, the red banner and the
//! "enlarge" notice.
//! Widgets get plain data; they never see the store.

pub mod banner;
pub mod format;
pub mod key_hints;
pub mod status_bar;
pub mod theme;
pub mod too_small;
