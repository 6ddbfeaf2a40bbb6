//! Paging through listings as a [`Stream`] of pages and of items.
//!
//! Service crates implement [`OffsetPage`] for the output of a listing operation and hand a
//! [`Paginator`] a function that fetches one page. Three ways of asking for the next page:
//!
//! - [`Paginator::new`], offset/limit: the next page starts at `offset + items on this page`;
//!   the walk stops after the page that reaches the total the service reports (`count`).
//! - [`Paginator::by_page`], page numbers: the next page is `page + 1`; the walk stops once the
//!   items seen reach the reported total.
//! - [`Paginator::by_marker`], markers: the next page is asked for with the page's
//!   [`OffsetPage::next_marker`]; the walk stops when there is none (or it is empty), or when
//!   it is the marker just used (a service answering the same marker again would otherwise be
//!   asked forever).
//!
//! Every walk also stops at the first empty page, and an error ends the stream after it is
//! yielded, so a failing service never makes the paginator spin.

use futures_util::future::BoxFuture;
use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::Result;

/// One page of a listing.
///
/// Named for the offset/limit listings it first served; page-number and marker listings
/// implement it too (the latter with [`next_marker`](OffsetPage::next_marker)).
pub trait OffsetPage: Send + Sized + 'static {
    /// What the page lists.
    type Item: Send + 'static;

    /// The number of items across all pages, when the service says.
    fn total(&self) -> Option<u64>;

    /// The number of items on this page.
    fn item_count(&self) -> usize;

    /// The page's items, in order.
    fn into_items(self) -> Vec<Self::Item>;

    /// The marker to ask for the next page with ([`Paginator::by_marker`]); `None` (the
    /// default) or an empty marker when this is the last page.
    fn next_marker(&self) -> Option<String> {
        None
    }
}

type FetchPage<P> = Box<dyn Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync>;
type FetchMarked<P> = Box<dyn Fn(Option<String>) -> BoxFuture<'static, Result<P>> + Send + Sync>;

/// Walks a listing page by page: by offset ([`Paginator::new`]), page number
/// ([`Paginator::by_page`]) or marker ([`Paginator::by_marker`]).
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
    walk: Walk<P>,
}

/// How the next page is asked for, and where the walk stands.
enum Walk<P> {
    Offset {
        offset: u64,
        fetch: FetchPage<P>,
    },
    Page {
        page: u64,
        fetch: FetchPage<P>,
    },
    Marker {
        marker: Option<String>,
        fetch: FetchMarked<P>,
    },
}

impl<P: OffsetPage> std::fmt::Debug for Paginator<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Paginator");
        match &self.walk {
            Walk::Offset { offset, .. } => d.field("start", offset),
            Walk::Page { page, .. } => d.field("first_page", page),
            // A marker is an opaque server token: shown only as present or not.
            Walk::Marker { marker, .. } => d.field("start_marker", &marker.as_ref().map(|_| "..")),
        };
        d.finish_non_exhaustive()
    }
}

struct Cursor<P: OffsetPage> {
    walk: Walk<P>,
    seen: u64,
    first: bool,
    done: bool,
}

impl<P: OffsetPage> Paginator<P> {
    /// An offset/limit paginator starting at `start`; `fetch(offset)` sends the listing
    /// request for the page beginning at `offset`.
    pub fn new(
        start: u64,
        fetch: impl Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            walk: Walk::Offset {
                offset: start,
                fetch: Box::new(fetch),
            },
        }
    }

    /// A page-number paginator starting at `first_page`; `fetch(page)` sends the listing
    /// request for page `page`. The next page is `page + 1`; the walk stops at an empty page
    /// or once the items seen reach [`OffsetPage::total`].
    pub fn by_page(
        first_page: u64,
        fetch: impl Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            walk: Walk::Page {
                page: first_page,
                fetch: Box::new(fetch),
            },
        }
    }

    /// A marker paginator; `fetch(marker)` sends the listing request, `start` for the first
    /// page and then each page's [`OffsetPage::next_marker`]. The walk stops when the next
    /// marker is absent or empty, when it is the marker just used, or at an empty page.
    pub fn by_marker(
        start: Option<String>,
        fetch: impl Fn(Option<String>) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            walk: Walk::Marker {
                marker: start,
                fetch: Box::new(fetch),
            },
        }
    }

    /// The pages, in order. An empty page ends the stream; it is yielded only when it is the
    /// first one (so a caller still sees the total of an empty listing).
    pub fn pages(self) -> impl Stream<Item = Result<P>> + Send {
        let cursor = Cursor {
            walk: self.walk,
            seen: 0,
            first: true,
            done: false,
        };
        stream::try_unfold(cursor, |mut cursor| async move {
            if cursor.done {
                return Ok(None);
            }
            let request = match &cursor.walk {
                Walk::Offset { offset, fetch } => fetch(*offset),
                Walk::Page { page, fetch } => fetch(*page),
                Walk::Marker { marker, fetch } => fetch(marker.clone()),
            };
            let page = request.await?;
            let count = page.item_count();
            cursor.seen = cursor.seen.saturating_add(count as u64);
            let last = match &mut cursor.walk {
                Walk::Offset { offset, .. } => {
                    *offset = offset.saturating_add(count as u64);
                    page.total().is_some_and(|total| *offset >= total)
                }
                Walk::Page { page: number, .. } => {
                    *number = number.saturating_add(1);
                    page.total().is_some_and(|total| cursor.seen >= total)
                }
                Walk::Marker { marker, .. } => {
                    let next = page.next_marker().filter(|m| !m.is_empty());
                    let last = next.is_none() || next == *marker;
                    *marker = next;
                    last
                }
            };
            cursor.done = count == 0 || last;
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

    /// A page-number listing of `len` items, `per_page` a page, pages numbered from 1.
    fn numbered(
        len: u64,
        per_page: u64,
        report_total: bool,
        calls: Arc<AtomicUsize>,
    ) -> Paginator<Page> {
        Paginator::by_page(1, move |page| {
            calls.fetch_add(1, Ordering::SeqCst);
            let items = (page.saturating_sub(1) * per_page..len)
                .take(per_page as usize)
                .collect();
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
    async fn by_page_stops_when_the_items_seen_reach_the_total() {
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<u64> = numbered(5, 2, true, calls.clone())
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, [0, 1, 2, 3, 4]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn by_page_without_a_total_stops_at_the_first_empty_page() {
        let calls = Arc::new(AtomicUsize::new(0));
        let pages: Vec<Page> = numbered(4, 2, false, calls.clone())
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let empty: Vec<Page> = numbered(0, 2, true, Arc::default())
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(empty.len(), 1);
    }

    #[tokio::test]
    async fn by_page_asks_for_consecutive_page_numbers() {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let paginator = Paginator::by_page(0, move |page| {
            log.lock().unwrap().push(page);
            let items = if page < 3 { vec![page] } else { Vec::new() };
            async move { Ok(Page { total: None, items }) }.boxed()
        });
        let items: Vec<u64> = paginator.items().try_collect().await.unwrap();
        assert_eq!(items, [0, 1, 2]);
        assert_eq!(*asked.lock().unwrap(), [0, 1, 2, 3]);
    }

    struct Marked {
        items: Vec<u64>,
        next: Option<String>,
    }

    impl OffsetPage for Marked {
        type Item = u64;
        fn total(&self) -> Option<u64> {
            None
        }
        fn item_count(&self) -> usize {
            self.items.len()
        }
        fn into_items(self) -> Vec<u64> {
            self.items
        }
        fn next_marker(&self) -> Option<String> {
            self.next.clone()
        }
    }

    type AskedMarkers = Arc<std::sync::Mutex<Vec<Option<String>>>>;

    /// A marker listing whose page after marker `m` is served by `serve(m)`; records the
    /// markers asked for.
    fn marked(
        serve: impl Fn(Option<&str>) -> (Vec<u64>, Option<&'static str>) + Send + Sync + 'static,
    ) -> (Paginator<Marked>, AskedMarkers) {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let paginator = Paginator::by_marker(None, move |marker| {
            let (items, next) = serve(marker.as_deref());
            log.lock().unwrap().push(marker);
            async move {
                Ok(Marked {
                    items,
                    next: next.map(str::to_owned),
                })
            }
            .boxed()
        });
        (paginator, asked)
    }

    #[tokio::test]
    async fn by_marker_follows_next_markers_until_there_is_none() {
        let (paginator, asked) = marked(|marker| match marker {
            None => (vec![1, 2], Some("m2")),
            Some("m2") => (vec![3, 4], Some("m4")),
            _ => (vec![5], None),
        });
        let items: Vec<u64> = paginator.items().try_collect().await.unwrap();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("m2".to_owned()), Some("m4".to_owned())]
        );
    }

    #[tokio::test]
    async fn by_marker_stops_at_an_empty_marker() {
        let (paginator, asked) = marked(|marker| match marker {
            None => (vec![1], Some("m1")),
            _ => (vec![2], Some("")),
        });
        let items: Vec<u64> = paginator.items().try_collect().await.unwrap();
        assert_eq!(items, [1, 2]);
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn by_marker_stops_when_the_server_repeats_the_marker() {
        // A server that answers every page with the same marker is asked twice, not forever.
        let (paginator, asked) = marked(|_| (vec![7], Some("same")));
        let items: Vec<u64> = paginator.items().try_collect().await.unwrap();
        assert_eq!(items, [7, 7]);
        assert_eq!(*asked.lock().unwrap(), [None, Some("same".to_owned())]);
    }

    #[tokio::test]
    async fn by_marker_stops_at_an_empty_page() {
        let (paginator, asked) = marked(|marker| match marker {
            None => (vec![1], Some("m1")),
            Some("m1") => (Vec::new(), Some("m2")),
            _ => (vec![9], None),
        });
        let pages: Vec<Marked> = paginator.pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn errors_end_page_and_marker_walks_after_being_yielded() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let by_page = Paginator::<Page>::by_page(1, move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match page {
                    1 => Ok(Page {
                        total: None,
                        items: vec![1],
                    }),
                    _ => Err(Error::construction("boom")),
                }
            }
            .boxed()
        });
        let results: Vec<_> = by_page.items().collect().await;
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok() && results[1].is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let by_marker = Paginator::<Marked>::by_marker(Some("start".to_owned()), move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Err(Error::construction("boom")) }.boxed()
        });
        let results: Vec<_> = by_marker.pages().collect().await;
        assert_eq!(results.len(), 1);
        assert!(results[0].is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let shown = format!(
            "{:?}",
            Paginator::<Marked>::by_marker(Some("tok".into()), |_| {
                async { Err(Error::construction("unused")) }.boxed()
            })
        );
        assert!(!shown.contains("tok"), "{shown}");
    }
}
