//! A marker walk keeps no server bytes beyond the page in hand: 300 pages whose markers are
//! 1 MiB each leave the process's resident size near where it started. Alone in its binary so
//! no other test's allocations move the reading.

#![cfg(target_os = "linux")]

use futures_util::{FutureExt, TryStreamExt};
use huaweicloud_sdk_core::paginate::{OffsetPage, Paginator};

const PAGES: usize = 300;
const MARKER_BYTES: usize = 1 << 20;

struct Page {
    index: usize,
}

impl OffsetPage for Page {
    type Item = usize;
    fn total(&self) -> Option<u64> {
        None
    }
    fn item_count(&self) -> usize {
        1
    }
    fn into_items(self) -> Vec<usize> {
        vec![self.index]
    }
    fn next_marker(&self) -> Option<String> {
        // Distinct markers (no cycle), each as large as a hostile server may send.
        (self.index + 1 < PAGES).then(|| {
            let mut m = format!("{:08}", self.index);
            m.push_str(&"m".repeat(MARKER_BYTES));
            m
        })
    }
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_marker_walk_keeps_only_digests_of_the_markers() {
    let before = resident_bytes();
    let paginator = Paginator::by_marker(None, |marker: Option<String>| {
        let index = marker.map_or(0, |m| m[..8].parse::<usize>().unwrap() + 1);
        async move { Ok(Page { index }) }.boxed()
    })
    .with_max_pages(PAGES as u64 + 1);
    let mut pages = paginator.pages();
    let mut walked = 0;
    while let Some(page) = pages.try_next().await.unwrap() {
        assert_eq!(page.index, walked);
        walked += 1;
    }
    let grown = resident_bytes().saturating_sub(before);
    // The stream is still alive: whatever it kept is still resident. Keeping every marker
    // would hold 300 MiB; a few pages' worth is the allocator's slack.
    assert_eq!(walked, PAGES);
    assert!(
        grown < 64 << 20,
        "resident size grew by {} MiB over the walk",
        grown >> 20
    );
    drop(pages);
}
