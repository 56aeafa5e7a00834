//! The Lambda `bootstrap`: one binary for the connect, disconnect, chat and authorizer
//! functions; each is configured by its environment (see the README).

fn main() -> std::process::ExitCode {
    wsadm_handler::runtime::run_blocking()
}
