//! The chat backend's handlers: `$connect`, `$disconnect`, the chat routes and the JWT
//! authorizer, as pure logic over small traits ([`ports`]). The Lambda binary (`src/main.rs`)
//! and the local emulator both call these same functions.

pub mod auth;
pub mod chat;
pub mod lambda;
pub mod ports;
pub mod runtime;
