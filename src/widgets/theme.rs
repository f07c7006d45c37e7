//! Colours and styles, in one place so every screen reads alike. Meaning is
//! never carried by colour alone: late rows also say "late".

use ratatui::style::{Color, Modifier, Style};

use crate::domain::OrderStatus;

pub const BAR: Style = Style::new().fg(Color::Black).bg(Color::Gray);
pub const TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
pub const HEADER: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
pub const TAB_ACTIVE: Style = Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const LATE: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const DUE_SOON: Style = Style::new().fg(Color::Yellow);
pub const HOLD: Style = Style::new().fg(Color::Yellow);
pub const ERROR: Style = Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD);
pub const INFO: Style = Style::new().fg(Color::Cyan);
pub const KEY: Style = Style::new().fg(Color::Black).bg(Color::Cyan);

/// The colour of a status name.
#[must_use]
pub fn status(status: OrderStatus) -> Style {
    use OrderStatus::{
        Backordered, Cancelled, Delivered, DeliveryException, Held, InTransit, New, Packed, Packing, Picked, Picking,
        Ready, Shipped, Short, Waved,
    };
    let color = match status {
        New => Color::White,
        Ready => Color::Green,
        Held | Backordered | Short => Color::Yellow,
        Waved | Picking | Picked => Color::Cyan,
        Packing | Packed => Color::Blue,
        Shipped | InTransit | Delivered => Color::DarkGray,
        DeliveryException => Color::Red,
        Cancelled => Color::Magenta,
    };
    Style::new().fg(color)
}
