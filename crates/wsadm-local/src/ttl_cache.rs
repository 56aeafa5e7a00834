//! What the emulator reads from the Lambda stand-in on the invocation path (a function's
//! configuration), kept for a while. A burst of first invocations makes one read, not one
//! each (10,000 clients closing at once would otherwise send as many reads to moto, and time
//! out); an expired entry is re-read by one caller while the others keep using it; a re-read
//! that fails for want of an answer keeps the entry (the function is still there), one the
//! service refused drops it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A value and when it was read.
pub struct Entry<T> {
    read_at: Instant,
    /// Set while one caller re-reads the expired entry.
    refreshing: AtomicBool,
    pub value: T,
}

impl<T> std::ops::Deref for Entry<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Why a read failed.
pub enum LoadError<E> {
    /// The service answered no (the function is gone): the entry is dropped.
    Refused(E),
    /// No answer (a timeout, a connection error): an entry already read stays in use.
    Unanswered(E),
}

pub struct TtlCache<T> {
    ttl: Duration,
    entries: Mutex<HashMap<String, Arc<Entry<T>>>>,
    /// Held by the one caller reading an entry not yet cached.
    first_read: tokio::sync::Mutex<()>,
}

impl<T> TtlCache<T> {
    pub fn new(ttl: Duration) -> Self {
        TtlCache { ttl, entries: Mutex::new(HashMap::new()), first_read: tokio::sync::Mutex::new(()) }
    }

    fn cached(&self, key: &str) -> Option<Arc<Entry<T>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    /// The entry for `key`, read with `load` (given the entry it replaces) when missing or expired.
    pub async fn get<E, Fut>(
        &self,
        key: &str,
        load: impl FnOnce(Option<Arc<Entry<T>>>) -> Fut,
    ) -> Result<Arc<Entry<T>>, E>
    where
        E: std::fmt::Display,
        Fut: Future<Output = Result<T, LoadError<E>>>,
    {
        if let Some(c) = self.cached(key) {
            if c.read_at.elapsed() < self.ttl || c.refreshing.swap(true, Ordering::AcqRel) {
                return Ok(c);
            }
            return match load(Some(c.clone())).await {
                Ok(v) => Ok(self.put(key, v)),
                Err(LoadError::Unanswered(e)) => {
                    tracing::warn!(key, "re-reading failed, the last reading stays in use: {e}");
                    c.refreshing.store(false, Ordering::Release);
                    Ok(c)
                }
                Err(LoadError::Refused(e)) => {
                    self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
                    Err(e)
                }
            };
        }
        let _one = self.first_read.lock().await;
        if let Some(c) = self.cached(key) {
            return Ok(c);
        }
        match load(None).await {
            Ok(v) => Ok(self.put(key, v)),
            Err(LoadError::Refused(e) | LoadError::Unanswered(e)) => Err(e),
        }
    }

    fn put(&self, key: &str, value: T) -> Arc<Entry<T>> {
        let entry = Arc::new(Entry { read_at: Instant::now(), refreshing: false.into(), value });
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), entry.clone());
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_first_reads_makes_one_read() {
        let cache = Arc::new(TtlCache::<u32>::new(Duration::from_secs(60)));
        let reads = Arc::new(AtomicU32::new(0));
        let calls = (0..500).map(|_| {
            let (cache, reads) = (cache.clone(), reads.clone());
            tokio::spawn(async move {
                cache
                    .get::<String, _>("chat-disconnect", |_| async move {
                        reads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(7)
                    })
                    .await
                    .map(|e| e.value)
            })
        });
        for c in futures::future::join_all(calls).await {
            assert_eq!(c.unwrap().ok(), Some(7));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_expired_entry_survives_an_unanswered_reread_but_not_a_refusal() {
        let cache = TtlCache::<u32>::new(Duration::ZERO);
        let ok = |v: u32| move |_| async move { Ok::<u32, LoadError<&str>>(v) };
        assert_eq!(cache.get("f", ok(1)).await.unwrap().value, 1);
        let v = cache.get("f", |_| async { Err::<u32, _>(LoadError::Unanswered("timeout")) }).await;
        assert_eq!(v.unwrap().value, 1, "kept while the stand-in does not answer");
        // Not stuck refreshing: the next caller re-reads.
        assert_eq!(cache.get("f", ok(2)).await.unwrap().value, 2);
        let v = cache.get("f", |_| async { Err::<u32, _>(LoadError::Refused("ResourceNotFound")) }).await;
        assert!(matches!(v, Err("ResourceNotFound")));
        let first = cache.get("f", |prev| async move {
            assert!(prev.is_none(), "dropped");
            Err::<u32, _>(LoadError::Unanswered("timeout"))
        });
        assert!(matches!(first.await, Err("timeout")), "nothing to fall back on");
    }
}
