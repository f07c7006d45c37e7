//! The one `Action` enum: everything a key binding can ask for. Its serde
//! names (`snake_case`) are what `run = "..."` says in the keymap.

use serde::Deserialize;

use crate::domain::Role;

/// A user intent, bound to keys in the config's `[keymap]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave packline (everything done is already stored).
    Quit,
    /// Sign the current operator out (the station returns to sign-in).
    SignOut,
    /// Open or close the scanner test screen.
    ScannerTest,
    /// Open or close the help overlay.
    ToggleHelp,
    /// Re-read the current screen from the store.
    Refresh,
    /// Move the selection one row down.
    SelectNext,
    /// Move the selection one row up.
    SelectPrevious,
    /// Move one page down.
    PageDown,
    /// Move one page up.
    PageUp,
    /// Jump to the first row.
    SelectFirst,
    /// Jump to the last row.
    SelectLast,
    /// Show the next filter tab.
    NextFilter,
    /// Show the previous filter tab.
    PreviousFilter,
    /// Switch between the available sort orders.
    ToggleSort,
    /// On the Held tab: show the orders held for the next reason (then all again).
    NextHoldReason,
    /// Start typing a search.
    StartSearch,
    /// Close search results (or the detail pane).
    ClearSearch,
    /// Show or hide the selected item's detail.
    ToggleDetail,
    /// Make the selected order more urgent (supervisors only).
    RaisePriority,
    /// Make the selected order less urgent (supervisors only).
    LowerPriority,
    /// Put the selected order on hold, saying why (supervisors only).
    HoldOrder,
    /// Release the selected order's holds and validate it again (supervisors only).
    ReleaseOrder,
    /// Cancel the selected order, saying why (supervisors only).
    CancelOrder,
    /// Correct the selected order's address in a form, then check it again (supervisors only).
    EditAddress,
    /// Plan a wave from the ready orders and preview it before it is created (supervisors only).
    NewWave,
    /// Open the selected wave (or, in a wave preview, create the planned wave).
    OpenWave,
    /// Release the selected planned wave to the floor (supervisors only).
    ReleaseWave,
    /// Cancel the selected wave, saying why (supervisors only).
    CancelWave,
    /// Take over a wave another station is picking (supervisors only).
    TakeOverWave,
    /// Go to the next screen (the order queue, the waves).
    SwitchScreen,
    /// Picking: report that what is left at this stop cannot be picked.
    ShortPick,
    /// Picking: switch between the zone-grouped list and the pure optimal walk.
    ToggleWalk,
    /// Picking: leave the wave (another station may go on with it).
    LeaveWave,
    /// Packing: take back the last verified scan.
    UndoPackScan,
    /// Packing: print the open order's labels again.
    ReprintLabels,
    /// Open the returns bench (scanning an RMA opens it too).
    ReturnsScreen,
    /// Announce a return (an RMA) for the selected shipped order (supervisors only).
    AnnounceReturn,
    /// Packing: close the end-of-day manifests, marking the packages shipped (supervisors only).
    CloseManifest,
    /// Open the sync screen (channels and the outbox), or go back from it.
    SyncScreen,
    /// Sync screen: send the selected outbox row again now (supervisors only).
    RetryOutbox,
    /// Sync screen: skip the selected outbox row, saying why (supervisors only).
    SkipOutbox,
    /// Sync screen: pull orders from every channel now (supervisors only).
    PullNow,
    /// The supervisor's dashboard (F7; again goes back).
    Dashboard,
    /// The dashboard: jump to the screen that resolves the selected alert.
    OpenAlert,
    /// The stock screen: receiving, putaway, cycle counts, replenishment (F8; again goes back).
    StockScreen,
}

impl Action {
    /// The role an action needs; `None`: anyone signed in.
    #[must_use]
    pub fn required_role(self) -> Option<Role> {
        match self {
            Self::RaisePriority
            | Self::LowerPriority
            | Self::HoldOrder
            | Self::ReleaseOrder
            | Self::CancelOrder
            | Self::EditAddress
            | Self::NewWave
            | Self::ReleaseWave
            | Self::CancelWave
            | Self::TakeOverWave
            | Self::CloseManifest
            | Self::AnnounceReturn
            | Self::RetryOutbox
            | Self::SkipOutbox
            | Self::PullNow
            | Self::Dashboard => Some(Role::Supervisor),
            _ => None,
        }
    }

    /// What the action is called in a refusal ("change an order's priority").
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::RaisePriority | Self::LowerPriority => "change an order's priority",
            Self::HoldOrder => "hold an order",
            Self::ReleaseOrder => "release an order",
            Self::CancelOrder => "cancel an order",
            Self::EditAddress => "correct an address",
            Self::NewWave => "plan a wave",
            Self::ReleaseWave => "release a wave",
            Self::CancelWave => "cancel a wave",
            Self::TakeOverWave => "take over a wave",
            Self::CloseManifest => "close a manifest",
            Self::AnnounceReturn => "announce a return",
            Self::RetryOutbox => "send an outbox row again",
            Self::SkipOutbox => "skip an outbox row",
            Self::PullNow => "pull orders now",
            Self::Dashboard => "open the dashboard",
            _ => "do that",
        }
    }
}
