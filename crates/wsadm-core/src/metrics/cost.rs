//! What the window cost, at API Gateway's published WebSocket prices: messages metered in 32 KB
//! units, and connection minutes; extrapolated to a month (730 hours), with the heartbeat's
//! share of the message bill.

use serde::Serialize;

/// API Gateway meters WebSocket messages in 32 KB units: a 33 KB message is billed as two.
pub const MESSAGE_UNIT_BYTES: u64 = 32 * 1024;
/// The month AWS bills by: 730 hours.
pub const MONTH_MINUTES: f64 = 730.0 * 60.0;
/// Published us-east-1 prices, USD: per million messages (the first billion a month) and per
/// million connection minutes.
pub const US_EAST_1_PER_MILLION_MESSAGES: f64 = 1.00;
pub const US_EAST_1_PER_MILLION_CONNECTION_MINUTES: f64 = 0.25;

/// Billed units of one message of `bytes` bytes: every started 32 KB counts, an empty one too.
pub fn message_units(bytes: u64) -> u64 {
    bytes.div_ceil(MESSAGE_UNIT_BYTES).max(1)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prices {
    pub region: String,
    pub per_million_messages: f64,
    pub per_million_connection_minutes: f64,
    /// `published us-east-1` or `given` (flags).
    pub source: String,
}

impl Prices {
    /// The published us-east-1 prices, unless overridden; `region` names what they are for.
    pub fn new(region: &str, per_million_messages: Option<f64>, per_million_connection_minutes: Option<f64>) -> Prices {
        let given = per_million_messages.is_some() || per_million_connection_minutes.is_some();
        Prices {
            region: region.to_string(),
            per_million_messages: per_million_messages.unwrap_or(US_EAST_1_PER_MILLION_MESSAGES),
            per_million_connection_minutes: per_million_connection_minutes
                .unwrap_or(US_EAST_1_PER_MILLION_CONNECTION_MINUTES),
            source: if given { "given" } else { "published us-east-1" }.into(),
        }
    }
}

/// What the window held, as far as billing goes.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    /// MessageCount's sum (None: no data).
    pub messages: Option<f64>,
    /// The average message size assumed (bytes).
    pub message_bytes: u64,
    /// Connection minutes in the window (None: unknown).
    pub connection_minutes: Option<f64>,
    /// Messages of the heartbeat route (None: unknown).
    pub heartbeat_messages: Option<f64>,
    pub window_minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heartbeat {
    pub messages: f64,
    /// The heartbeat's share of the message bill, 0..1.
    pub share: f64,
    pub cost: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    pub prices: Prices,
    pub messages: Option<f64>,
    pub message_bytes: u64,
    pub units_per_message: u64,
    pub billed_messages: Option<f64>,
    pub message_cost: Option<f64>,
    pub connection_minutes: Option<f64>,
    pub connection_cost: Option<f64>,
    /// The window's total of what is known (null when nothing is).
    pub total: Option<f64>,
    /// The same rates for a whole month (730 h).
    pub per_month: Option<f64>,
    pub heartbeat: Option<Heartbeat>,
}

fn money(units: f64, per_million: f64) -> f64 {
    units * per_million / 1_000_000.0
}

pub fn estimate(usage: &Usage, prices: &Prices) -> Cost {
    let units_per_message = message_units(usage.message_bytes);
    let billed = usage.messages.map(|m| m * units_per_message as f64);
    let message_cost = billed.map(|b| money(b, prices.per_million_messages));
    let connection_cost = usage.connection_minutes.map(|m| money(m, prices.per_million_connection_minutes));
    let total = match (message_cost, connection_cost) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    };
    let per_month = total.filter(|_| usage.window_minutes > 0.0).map(|t| t * MONTH_MINUTES / usage.window_minutes);
    let heartbeat = match (usage.heartbeat_messages, usage.messages, message_cost) {
        (Some(h), Some(m), Some(c)) if m > 0.0 => {
            let share = (h / m).min(1.0);
            Some(Heartbeat { messages: h, share, cost: c * share })
        }
        _ => None,
    };
    Cost {
        prices: prices.clone(),
        messages: usage.messages,
        message_bytes: usage.message_bytes,
        units_per_message,
        billed_messages: billed,
        message_cost,
        connection_minutes: usage.connection_minutes,
        connection_cost,
        total,
        per_month,
        heartbeat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_metered_in_32_kb_units() {
        assert_eq!(message_units(0), 1);
        assert_eq!(message_units(1), 1);
        assert_eq!(message_units(32 * 1024), 1);
        assert_eq!(message_units(32 * 1024 + 1), 2);
        assert_eq!(message_units(64 * 1024), 2);
        assert_eq!(message_units(128 * 1024), 4, "the largest message API Gateway takes");
    }

    #[test]
    fn prices_by_hand() {
        let p = Prices::new("us-east-1", None, None);
        assert_eq!(p.source, "published us-east-1");
        // 3 h: 2,000,000 messages of 40 KB (2 units each) and 600,000 connection minutes.
        let c = estimate(
            &Usage {
                messages: Some(2_000_000.0),
                message_bytes: 40 * 1024,
                connection_minutes: Some(600_000.0),
                heartbeat_messages: Some(500_000.0),
                window_minutes: 180.0,
            },
            &p,
        );
        assert_eq!(c.units_per_message, 2);
        assert_eq!(c.billed_messages, Some(4_000_000.0));
        assert_eq!(c.message_cost, Some(4.0)); // 4 M units x $1.00 / M
        assert_eq!(c.connection_cost, Some(0.15)); // 0.6 M minutes x $0.25 / M
        assert!((c.total.unwrap() - 4.15).abs() < 1e-9);
        // 4.15 per 180 min -> x 43,800 / 180 = 243.3333 x 4.15 = 1009.8333
        assert!((c.per_month.unwrap() - 1_009.833_333).abs() < 1e-3, "{:?}", c.per_month);
        let h = c.heartbeat.unwrap();
        assert_eq!(h.share, 0.25);
        assert_eq!(h.cost, 1.0);
    }

    #[test]
    fn given_prices_and_unknowns() {
        let p = Prices::new("eu-west-1", Some(1.14), None);
        assert_eq!((p.source.as_str(), p.per_million_connection_minutes), ("given", 0.25));
        let c = estimate(
            &Usage { messages: Some(1000.0), message_bytes: 100, window_minutes: 60.0, ..Usage::default() },
            &p,
        );
        assert!((c.message_cost.unwrap() - 0.00114).abs() < 1e-12);
        assert_eq!(c.connection_cost, None);
        assert!((c.total.unwrap() - 0.00114).abs() < 1e-12, "what is known");
        assert!((c.per_month.unwrap() - 0.00114 * 730.0).abs() < 1e-9);
        assert_eq!(c.heartbeat, None);
        let none = estimate(&Usage { window_minutes: 60.0, ..Usage::default() }, &p);
        assert_eq!((none.total, none.per_month), (None, None), "no data is no cost, not $0");
    }
}
