//! The local API Gateway WebSocket emulator (built in a later issue).
