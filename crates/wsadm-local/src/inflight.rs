//! A cap on the in-process handlers' SDK requests in flight. The local DynamoDB engine is one
//! Node.js thread: past a few dozen requests at once it answers none faster, and a pause of
//! it (a garbage collection) made the handlers open hundreds of new connections at once,
//! overflowing its listen queue (511). Each dropped SYN or segment then cost a TCP
//! retransmission, 200 ms to 1 s, which was the connect p99. Queued here, a request waits only
//! for the pause.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Requests in flight across every in-process handler; well past what one engine thread
/// serves at once, well under its listen queue.
pub const MAX_IN_FLIGHT: usize = 64;

/// `inner` with at most `limit` requests awaiting their response head at once.
#[derive(Debug, Clone)]
pub struct Limited {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

impl Limited {
    pub fn new(inner: SharedHttpClient, limit: usize) -> Self {
        Limited { inner, permits: Arc::new(Semaphore::new(limit)) }
    }
}

impl HttpClient for Limited {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(LimitedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }
}

#[derive(Debug)]
struct LimitedConnector {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for LimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed.
            let _permit = permits.acquire_owned().await.expect("semaphore open");
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Answers after a pause, counting the calls in progress and the most seen at once.
    #[derive(Debug, Clone, Default)]
    struct Slow {
        now: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }

    impl HttpConnector for Slow {
        fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
            let s = self.clone();
            HttpConnectorFuture::new(async move {
                let n = s.now.fetch_add(1, Ordering::SeqCst) + 1;
                s.most.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                s.now.fetch_sub(1, Ordering::SeqCst);
                Ok(HttpResponse::new(200.try_into().unwrap(), SdkBody::empty()))
            })
        }
    }

    impl HttpClient for Slow {
        fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }

    #[tokio::test]
    async fn no_more_than_the_limit_are_in_flight_and_every_call_is_answered() {
        let slow = Slow::default();
        let limited = Limited::new(SharedHttpClient::new(slow.clone()), 4);
        // Connectors the SDK makes for different settings share one set of permits.
        let components =
            aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder::for_tests().build().unwrap();
        let a = limited.http_connector(&HttpConnectorSettings::default(), &components);
        let other = HttpConnectorSettings::builder().connect_timeout(Duration::from_secs(1)).build();
        let b = limited.http_connector(&other, &components);
        let calls: Vec<_> = (0..40)
            .map(|i| {
                let c = if i % 2 == 0 { a.clone() } else { b.clone() };
                tokio::spawn(async move { c.call(HttpRequest::empty()).await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap().status().as_u16(), 200);
        }
        assert_eq!(slow.most.load(Ordering::SeqCst), 4);
    }
}
