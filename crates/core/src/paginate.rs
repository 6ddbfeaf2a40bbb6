//! Offset/limit paging as a [`Stream`] of pages and of items.
//!
//! Service crates implement [`OffsetPage`] for the output of a listing operation and hand a
//! [`Paginator`] a function that fetches the page at a given offset. The paginator asks for the
//! next page at `offset + items on this page` and stops after the page that reaches the total
//! the service reports (`count`), or at the first empty page. An error ends the stream after
//! it is yielded, so a failing service never makes the paginator spin.

use futures_util::future::BoxFuture;
use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::Result;

/// One page of an offset/limit listing.
pub trait OffsetPage: Send + Sized + 'static {
    /// What the page lists.
    type Item: Send + 'static;

    /// The number of items across all pages, when the service says.
    fn total(&self) -> Option<u64>;

    /// The number of items on this page.
    fn item_count(&self) -> usize;

    /// The page's items, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

type FetchPage<P> = Box<dyn Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync>;

/// Walks an offset/limit listing page by page.
///
/// ```
/// use futures_util::{FutureExt, TryStreamExt};
/// use huaweicloud_sdk_core::paginate::{OffsetPage, Paginator};
///
/// struct Page { count: u64, items: Vec<u64> }
/// impl OffsetPage for Page {
///     type Item = u64;
///     fn total(&self) -> Option<u64> { Some(self.count) }
///     fn item_count(&self) -> usize { self.items.len() }
///     fn into_items(self) -> Vec<u64> { self.items }
/// }
///
/// # async fn example() -> huaweicloud_sdk_core::Result<()> {
/// // A listing of 5 items served 2 at a time: three requests, then the total is reached.
/// let paginator = Paginator::new(0, |offset| {
///     async move { Ok(Page { count: 5, items: (offset..5).take(2).collect() }) }.boxed()
/// });
/// let items: Vec<u64> = paginator.items().try_collect().await?;
/// assert_eq!(items, [0, 1, 2, 3, 4]);
/// # Ok(())
/// # }
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(example()).unwrap();
/// ```
pub struct Paginator<P: OffsetPage> {
    start: u64,
    fetch: FetchPage<P>,
}

impl<P: OffsetPage> std::fmt::Debug for Paginator<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

struct Cursor<P: OffsetPage> {
    fetch: FetchPage<P>,
    offset: u64,
    first: bool,
    done: bool,
}

impl<P: OffsetPage> Paginator<P> {
    /// A paginator starting at `start`; `fetch(offset)` sends the listing request for the page
    /// beginning at `offset`.
    pub fn new(
        start: u64,
        fetch: impl Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            start,
            fetch: Box::new(fetch),
        }
    }

    /// The pages, in order. An empty page ends the stream; it is yielded only when it is the
    /// first one (so a caller still sees the total of an empty listing).
    pub fn pages(self) -> impl Stream<Item = Result<P>> + Send {
        let cursor = Cursor {
            fetch: self.fetch,
            offset: self.start,
            first: true,
            done: false,
        };
        stream::try_unfold(cursor, |mut cursor| async move {
            if cursor.done {
                return Ok(None);
            }
            let page = (cursor.fetch)(cursor.offset).await?;
            let count = page.item_count();
            cursor.offset = cursor.offset.saturating_add(count as u64);
            cursor.done = count == 0 || page.total().is_some_and(|total| cursor.offset >= total);
            if count == 0 && !cursor.first {
                return Ok(None);
            }
            cursor.first = false;
            Ok(Some((page, cursor)))
        })
    }

    /// The items of every page, in order.
    pub fn items(self) -> impl Stream<Item = Result<P::Item>> + Send {
        self.pages()
            .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::{FutureExt, StreamExt, TryStreamExt};

    use super::*;
    use crate::error::Error;

    struct Page {
        total: Option<u64>,
        items: Vec<u64>,
    }

    impl OffsetPage for Page {
        type Item = u64;
        fn total(&self) -> Option<u64> {
            self.total
        }
        fn item_count(&self) -> usize {
            self.items.len()
        }
        fn into_items(self) -> Vec<u64> {
            self.items
        }
    }

    /// A listing of `len` items served `per_page` at a time; counts requests.
    fn listing(
        len: u64,
        per_page: u64,
        report_total: bool,
        calls: Arc<AtomicUsize>,
    ) -> Paginator<Page> {
        Paginator::new(0, move |offset| {
            calls.fetch_add(1, Ordering::SeqCst);
            let items = (offset..len).take(per_page as usize).collect();
            async move {
                Ok(Page {
                    total: report_total.then_some(len),
                    items,
                })
            }
            .boxed()
        })
    }

    #[tokio::test]
    async fn stops_at_the_reported_total_without_an_extra_request() {
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<u64> = listing(5, 2, true, calls.clone())
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, [0, 1, 2, 3, 4]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn without_a_total_stops_at_the_first_empty_page_and_does_not_yield_it() {
        let calls = Arc::new(AtomicUsize::new(0));
        let pages: Vec<Page> = listing(4, 2, false, calls.clone())
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn an_empty_listing_yields_one_empty_page() {
        let calls = Arc::new(AtomicUsize::new(0));
        let pages: Vec<Page> = listing(0, 2, true, calls.clone())
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].total, Some(0));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let paginator = Paginator::<Page>::new(0, move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Err(Error::construction("boom")) }.boxed()
        });
        let results: Vec<_> = paginator.items().collect().await;
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
