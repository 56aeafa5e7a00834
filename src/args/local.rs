//! `wsadm local`'s choice of DynamoDB engine.

/// Which engine serves DynamoDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DynamoDbEngine {
    /// dynalite when installed, else moto with a warning
    Auto,
    /// dynalite, or an error saying how to install it
    Dynalite,
    /// moto, like the other services (slow: a few hundred writes a second)
    Moto,
}
