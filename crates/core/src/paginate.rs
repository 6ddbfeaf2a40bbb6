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
//!
//! A broken or hostile service cannot make a walk go on forever either: the stream ends with
//! an error when a page holds more items than the page size asked for
//! ([`Paginator::with_page_limit`]), when a marker comes back that an earlier page already
//! gave (a cycle), and when the walk would go past [`Paginator::with_max_pages`] pages
//! ([`DEFAULT_MAX_PAGES`] by default).
//!
//! The streams ([`Pages`], [`Items`]) are `Unpin`, so they can be walked without pinning:
//!
//! ```
//! # use futures_util::{FutureExt, TryStreamExt};
//! # use huaweicloud_sdk_core::paginate::{OffsetPage, Paginator};
//! # struct Page { items: Vec<u64> }
//! # impl OffsetPage for Page {
//! #     type Item = u64;
//! #     fn total(&self) -> Option<u64> { Some(3) }
//! #     fn item_count(&self) -> usize { self.items.len() }
//! #     fn into_items(self) -> Vec<u64> { self.items }
//! # }
//! # async fn example() -> huaweicloud_sdk_core::Result<()> {
//! # let paginator = || Paginator::new(0, |offset| {
//! #     async move { Ok(Page { items: (offset..3).take(2).collect() }) }.boxed()
//! # });
//! let mut jobs = paginator().items();
//! while let Some(job) = jobs.try_next().await? {
//!     println!("{job}");
//! }
//! let mut pages = paginator().pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} items", page.item_count());
//! }
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(example()).unwrap();
//! ```

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::future::BoxFuture;
use futures_util::stream::Stream;

use crate::error::{Error, Result};

/// The default of [`Paginator::with_max_pages`].
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

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
    page_limit: Option<u64>,
    max_pages: u64,
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
        // A keyed 64-bit digest of every marker asked with, to tell a cycle: markers are the
        // server's bytes and may be large, so only the digests are kept (bounded by the page
        // limit). The per-walk random key makes a crafted collision impractical.
        used: HashSet<u64>,
        digest: RandomState,
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
        d.field("page_limit", &self.page_limit)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<P: OffsetPage> Paginator<P> {
    fn with_walk(walk: Walk<P>) -> Self {
        Self {
            walk,
            page_limit: None,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// An offset/limit paginator starting at `start`; `fetch(offset)` sends the listing
    /// request for the page beginning at `offset`.
    pub fn new(
        start: u64,
        fetch: impl Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self::with_walk(Walk::Offset {
            offset: start,
            fetch: Box::new(fetch),
        })
    }

    /// A page-number paginator starting at `first_page`; `fetch(page)` sends the listing
    /// request for page `page`. The next page is `page + 1`; the walk stops at an empty page
    /// or once the items seen reach [`OffsetPage::total`].
    pub fn by_page(
        first_page: u64,
        fetch: impl Fn(u64) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self::with_walk(Walk::Page {
            page: first_page,
            fetch: Box::new(fetch),
        })
    }

    /// A marker paginator; `fetch(marker)` sends the listing request, `start` for the first
    /// page and then each page's [`OffsetPage::next_marker`]. The walk stops when the next
    /// marker is absent or empty, when it is the marker just used, or at an empty page; it
    /// ends with an error when the marker is one an earlier page gave (a cycle).
    pub fn by_marker(
        start: Option<String>,
        fetch: impl Fn(Option<String>) -> BoxFuture<'static, Result<P>> + Send + Sync + 'static,
    ) -> Self {
        Self::with_walk(Walk::Marker {
            marker: start,
            used: HashSet::new(),
            digest: RandomState::new(),
            fetch: Box::new(fetch),
        })
    }

    /// The page size each request asks for (the listing's `limit`), when the caller set one:
    /// a page holding more items than that ends the stream with an error, since a service
    /// that ignores the size it was asked for cannot be trusted to end the walk. `None` or 0
    /// (the service's default size, unknown here) checks nothing.
    pub fn with_page_limit(mut self, limit: Option<u64>) -> Self {
        self.page_limit = limit.filter(|&l| l > 0);
        self
    }

    /// The most pages the walk fetches (default [`DEFAULT_MAX_PAGES`]): asking for one more
    /// ends the stream with an error instead, so a service that never says the listing ended
    /// cannot keep the caller paging forever. At least one page is always fetched.
    pub fn with_max_pages(mut self, max_pages: u64) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// The pages, in order. An empty page ends the stream; it is yielded only when it is the
    /// first one (so a caller still sees the total of an empty listing).
    pub fn pages(self) -> Pages<P> {
        Pages {
            walk: self.walk,
            page_limit: self.page_limit,
            max_pages: self.max_pages,
            fetched: 0,
            seen: 0,
            done: false,
            pending: None,
        }
    }

    /// The items of every page, in order.
    pub fn items(self) -> Items<P> {
        Items {
            pages: self.pages(),
            current: Vec::new().into_iter(),
        }
    }
}

/// The stream of a listing's pages ([`Paginator::pages`]). `Unpin`: walk it with
/// `try_next().await` as is.
pub struct Pages<P: OffsetPage> {
    walk: Walk<P>,
    page_limit: Option<u64>,
    max_pages: u64,
    fetched: u64,
    seen: u64,
    done: bool,
    // The request for the next page, once sent. Boxed (as the fetch function returns it), so
    // the stream itself is `Unpin`.
    pending: Option<BoxFuture<'static, Result<P>>>,
}

// Nothing in `Pages` is structurally pinned: the only future is boxed.
impl<P: OffsetPage> Unpin for Pages<P> {}

impl<P: OffsetPage> std::fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("fetched", &self.fetched)
            .field("seen", &self.seen)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// A page the service should not have sent: the walk ends with this error.
fn broken_listing(message: String) -> Error {
    // A page is only ever the decoded answer of a success; what is wrong is its content.
    Error::decode(message, http::StatusCode::OK, None)
}

impl<P: OffsetPage> Pages<P> {
    /// Sends the request for the next page.
    fn fetch(&mut self) -> Result<BoxFuture<'static, Result<P>>> {
        if self.fetched >= self.max_pages {
            return Err(broken_listing(format!(
                "the listing did not end within {} pages (Paginator::with_max_pages)",
                self.max_pages
            )));
        }
        self.fetched += 1;
        Ok(match &mut self.walk {
            Walk::Offset { offset, fetch } => fetch(*offset),
            Walk::Page { page, fetch } => fetch(*page),
            Walk::Marker {
                marker,
                used,
                digest,
                fetch,
            } => {
                if let Some(m) = marker.as_ref() {
                    if !used.insert(digest.hash_one(m)) {
                        return Err(broken_listing(
                            "the listing's next marker repeats an earlier page's; paging stopped"
                                .to_owned(),
                        ));
                    }
                }
                fetch(marker.clone())
            }
        })
    }

    /// Moves the walk past `page`: `Ok(true)` when it was the last one.
    fn advance(&mut self, page: &P) -> Result<bool> {
        let count = page.item_count() as u64;
        if let Some(limit) = self.page_limit.filter(|&limit| count > limit) {
            return Err(broken_listing(format!(
                "a page holds {count} items, more than the {limit} asked for; paging stopped"
            )));
        }
        self.seen = self.seen.saturating_add(count);
        let last = match &mut self.walk {
            Walk::Offset { offset, .. } => {
                *offset = offset.saturating_add(count);
                page.total().is_some_and(|total| *offset >= total)
            }
            Walk::Page { page: number, .. } => {
                *number = number.saturating_add(1);
                page.total().is_some_and(|total| self.seen >= total)
            }
            Walk::Marker { marker, .. } => {
                let next = page.next_marker().filter(|m| !m.is_empty());
                let last = next.is_none() || next == *marker;
                *marker = next;
                last
            }
        };
        Ok(count == 0 || last)
    }
}

impl<P: OffsetPage> Stream for Pages<P> {
    type Item = Result<P>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        let pending = match &mut this.pending {
            Some(pending) => pending,
            None => match this.fetch() {
                Ok(request) => this.pending.insert(request),
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            },
        };
        let result = ready!(pending.as_mut().poll(cx));
        this.pending = None;
        let first = this.fetched == 1;
        let page = match result.and_then(|page| this.advance(&page).map(|last| (page, last))) {
            Ok((page, last)) => {
                this.done = last;
                page
            }
            Err(e) => {
                this.done = true;
                return Poll::Ready(Some(Err(e)));
            }
        };
        if page.item_count() == 0 && !first {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(page)))
    }
}

/// The stream of a listing's items ([`Paginator::items`]), page after page. `Unpin`: walk it
/// with `try_next().await` as is.
pub struct Items<P: OffsetPage> {
    pages: Pages<P>,
    current: std::vec::IntoIter<P::Item>,
}

// Nothing in `Items` is structurally pinned: items are moved out, never polled.
impl<P: OffsetPage> Unpin for Items<P> {}

impl<P: OffsetPage> std::fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish()
    }
}

impl<P: OffsetPage> Stream for Items<P> {
    type Item = Result<P::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.current = page.into_items().into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
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

    #[tokio::test]
    async fn streams_are_walked_with_try_next_without_pinning() {
        fn unpin_and_send<T: Unpin + Send>(_: &T) {}
        let mut items = listing(5, 2, true, Arc::default()).items();
        unpin_and_send(&items);
        let mut seen = Vec::new();
        while let Some(item) = items.try_next().await.unwrap() {
            seen.push(item);
        }
        assert_eq!(seen, [0, 1, 2, 3, 4]);
        let mut pages = listing(5, 2, true, Arc::default()).pages();
        unpin_and_send(&pages);
        let mut count = 0;
        while let Some(page) = pages.try_next().await.unwrap() {
            count += page.item_count();
        }
        assert_eq!(count, 5);
    }

    #[tokio::test]
    async fn a_page_larger_than_asked_for_ends_the_walk_with_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        // Asked for 2 a page, the server sends 3 (and a total it never reaches).
        let counter = calls.clone();
        let paginator = Paginator::new(0, move |offset| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Page {
                    total: Some(u64::MAX),
                    items: (offset..offset + 3).collect(),
                })
            }
            .boxed()
        })
        .with_page_limit(Some(2));
        let results: Vec<_> = paginator.pages().collect().await;
        assert_eq!(results.len(), 1);
        let err = results[0].as_ref().err().unwrap();
        assert!(err.is_decode(), "{err}");
        assert!(
            err.to_string().contains("3 items, more than the 2"),
            "{err}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Exactly the limit, or no limit (or 0, the service's default), is fine.
        let items: Vec<u64> = listing(5, 2, true, Arc::default())
            .with_page_limit(Some(2))
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items.len(), 5);
        let items: Vec<u64> = listing(5, 2, true, Arc::default())
            .with_page_limit(Some(0))
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items.len(), 5);
    }

    /// A page-number listing that never ends: every page holds one item, no total.
    fn endless(calls: Arc<AtomicUsize>) -> Paginator<Page> {
        Paginator::by_page(1, move |page| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Page {
                    total: None,
                    items: vec![page],
                })
            }
            .boxed()
        })
    }

    #[tokio::test]
    async fn a_listing_that_never_ends_stops_at_the_page_cap_with_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let results: Vec<_> = endless(calls.clone())
            .with_max_pages(3)
            .items()
            .collect()
            .await;
        assert_eq!(results.len(), 4);
        assert!(results[..3].iter().all(Result::is_ok));
        let err = results[3].as_ref().err().unwrap();
        assert!(err.to_string().contains("within 3 pages"), "{err}");
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        // The default cap.
        let calls = Arc::new(AtomicUsize::new(0));
        let results: Vec<_> = endless(calls.clone()).pages().collect().await;
        assert_eq!(results.len() as u64, DEFAULT_MAX_PAGES + 1);
        assert!(results.last().unwrap().is_err());
        assert_eq!(calls.load(Ordering::SeqCst) as u64, DEFAULT_MAX_PAGES);
    }

    #[tokio::test]
    async fn by_marker_ends_with_an_error_when_the_markers_cycle() {
        let (paginator, asked) = marked(|marker| match marker {
            None => (vec![1], Some("a")),
            Some("a") => (vec![2], Some("b")),
            _ => (vec![3], Some("a")),
        });
        let results: Vec<_> = paginator.items().collect().await;
        assert_eq!(results.len(), 4);
        assert!(results[..3].iter().all(Result::is_ok));
        let err = results[3].as_ref().err().unwrap();
        assert!(err.to_string().contains("repeats"), "{err}");
        assert_eq!(asked.lock().unwrap().len(), 3);
    }
}
