//! The Lambda `bootstrap`: one binary for the connect, disconnect, chat and authorizer
//! functions; each is configured by its environment (see the README).

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    wsadm_handler::runtime::run().await
}
