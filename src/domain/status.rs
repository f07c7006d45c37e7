//! The order status machine of DESIGN section 4: every legal transition is
//! listed here, and anything else is an error, never a silent no-op.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an order stands on the floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    New,
    Ready,
    Held,
    Backordered,
    Waved,
    Picking,
    Short,
    Picked,
    Packing,
    Packed,
    Shipped,
    InTransit,
    Delivered,
    DeliveryException,
    Cancelled,
}

/// An order cannot move from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from} cannot become {to}")]
pub struct TransitionError {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl OrderStatus {
    /// Every status, in floor order (the order of the queue's filter tabs).
    pub const ALL: [OrderStatus; 15] = [
        Self::New,
        Self::Ready,
        Self::Held,
        Self::Backordered,
        Self::Waved,
        Self::Picking,
        Self::Short,
        Self::Picked,
        Self::Packing,
        Self::Packed,
        Self::Shipped,
        Self::InTransit,
        Self::Delivered,
        Self::DeliveryException,
        Self::Cancelled,
    ];

    /// The name stored and printed (`in_transit`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Ready => "ready",
            Self::Held => "held",
            Self::Backordered => "backordered",
            Self::Waved => "waved",
            Self::Picking => "picking",
            Self::Short => "short",
            Self::Picked => "picked",
            Self::Packing => "packing",
            Self::Packed => "packed",
            Self::Shipped => "shipped",
            Self::InTransit => "in_transit",
            Self::Delivered => "delivered",
            Self::DeliveryException => "delivery_exception",
            Self::Cancelled => "cancelled",
        }
    }

    /// A short human label for tabs and tables.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Ready => "Ready",
            Self::Held => "Held",
            Self::Backordered => "Backorder",
            Self::Waved => "Waved",
            Self::Picking => "Picking",
            Self::Short => "Short",
            Self::Picked => "Picked",
            Self::Packing => "Packing",
            Self::Packed => "Packed",
            Self::Shipped => "Shipped",
            Self::InTransit => "In transit",
            Self::Delivered => "Delivered",
            Self::DeliveryException => "Exception",
            Self::Cancelled => "Cancelled",
        }
    }

    /// Still work for the warehouse: not yet shipped and not cancelled.
    #[must_use]
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Shipped | Self::InTransit | Self::Delivered | Self::DeliveryException | Self::Cancelled)
    }

    /// The statuses this one may move to.
    #[must_use]
    pub const fn next(self) -> &'static [OrderStatus] {
        use OrderStatus::{
            Backordered, Cancelled, Delivered, DeliveryException, Held, InTransit, New, Packed, Packing, Picked,
            Picking, Ready, Shipped, Short, Waved,
        };
        match self {
            // Validation and allocation decide where a new order goes.
            New => &[Ready, Held, Backordered, Cancelled],
            Ready => &[Waved, Held, Backordered, Cancelled],
            // Releasing a hold re-runs validation (back to new) or goes straight to ready.
            Held => &[New, Ready, Cancelled],
            // Stock arrived and was reserved, or a supervisor held it.
            Backordered => &[Ready, Held, Cancelled],
            // A wave can be taken apart before picking starts.
            Waved => &[Picking, Ready, Cancelled],
            Picking => &[Picked, Short, Cancelled],
            // A supervisor decides a short pick: pick again, ship what was
            // found, or wait for stock.
            Short => &[Picking, Picked, Backordered, Cancelled],
            Picked => &[Packing, Cancelled],
            // A packer can abandon a pack (back to picked) before it is sealed.
            Packing => &[Packed, Picked, Cancelled],
            // A sealed parcel can be reopened until the carrier has it.
            Packed => &[Shipped, Packing, Cancelled],
            Shipped => &[InTransit, Delivered, DeliveryException],
            InTransit => &[Delivered, DeliveryException],
            DeliveryException => &[InTransit, Delivered],
            Delivered | Cancelled => &[],
        }
    }

    /// Checks a move to `to`; an illegal one is an error.
    pub fn transition(self, to: OrderStatus) -> Result<OrderStatus, TransitionError> {
        if self.next().contains(&to) { Ok(to) } else { Err(TransitionError { from: self, to }) }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|status| status.as_str() == s).ok_or_else(|| format!("unknown order status {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    /// The legal moves, written out independently of `next()` so a change to
    /// either one shows up here.
    const LEGAL: &[(OrderStatus, OrderStatus)] = &[
        (New, Ready),
        (New, Held),
        (New, Backordered),
        (New, Cancelled),
        (Ready, Waved),
        (Ready, Held),
        (Ready, Backordered),
        (Ready, Cancelled),
        (Held, New),
        (Held, Ready),
        (Held, Cancelled),
        (Backordered, Ready),
        (Backordered, Held),
        (Backordered, Cancelled),
        (Waved, Picking),
        (Waved, Ready),
        (Waved, Cancelled),
        (Picking, Picked),
        (Picking, Short),
        (Picking, Cancelled),
        (Short, Picking),
        (Short, Picked),
        (Short, Backordered),
        (Short, Cancelled),
        (Picked, Packing),
        (Picked, Cancelled),
        (Packing, Packed),
        (Packing, Picked),
        (Packing, Cancelled),
        (Packed, Shipped),
        (Packed, Packing),
        (Packed, Cancelled),
        (Shipped, InTransit),
        (Shipped, Delivered),
        (Shipped, DeliveryException),
        (InTransit, Delivered),
        (InTransit, DeliveryException),
        (DeliveryException, InTransit),
        (DeliveryException, Delivered),
    ];

    #[test]
    fn every_pair_is_legal_exactly_when_listed() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let result = from.transition(to);
                if LEGAL.contains(&(from, to)) {
                    assert_eq!(result, Ok(to), "{from} -> {to} should be legal");
                } else {
                    assert_eq!(result, Err(TransitionError { from, to }), "{from} -> {to} should be refused");
                }
            }
        }
    }

    #[test]
    fn cancel_is_possible_exactly_before_shipping() {
        for status in OrderStatus::ALL {
            let before_shipping = status.is_open();
            assert_eq!(status.transition(Cancelled).is_ok(), before_shipping, "cancel from {status}");
        }
    }

    #[test]
    fn names_round_trip_and_errors_read_well() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert!("lost".parse::<OrderStatus>().is_err());
        let err = Delivered.transition(Picking).unwrap_err();
        assert_eq!(err.to_string(), "an order that is delivered cannot become picking");
    }
}
