//! The Lambda handlers (built in a later issue).
