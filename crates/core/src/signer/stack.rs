//! Small scratch slices on the stack, so that sorting a request's few headers or query pairs
//! does not allocate.

/// How many items fit on the stack; more than that spill to a `Vec`.
const INLINE: usize = 16;

/// Calls `f` with the items of `items` gathered in a mutable slice: on the stack when there are
/// at most [`INLINE`] of them, in a `Vec` otherwise. `filler` only initialises unused slots.
pub(crate) fn with_slice<T: Copy, R>(
    filler: T,
    items: impl Iterator<Item = T>,
    f: impl FnOnce(&mut [T]) -> R,
) -> R {
    let mut inline = [filler; INLINE];
    let mut len = 0;
    let mut spilled: Vec<T> = Vec::new();
    for item in items {
        if let Some(slot) = inline.get_mut(len) {
            *slot = item;
            len += 1;
        } else {
            if spilled.is_empty() {
                spilled.reserve(INLINE * 2);
                spilled.extend_from_slice(&inline);
            }
            spilled.push(item);
        }
    }
    if spilled.is_empty() {
        f(inline.get_mut(..len).unwrap_or_default())
    } else {
        f(&mut spilled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathers_every_item_in_order_inline_or_spilled() {
        for n in [0, 1, INLINE - 1, INLINE, INLINE + 1, 3 * INLINE + 2] {
            let seen = with_slice(0usize, 0..n, |items| items.to_vec());
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{n} items");
        }
    }

    #[test]
    fn the_slice_can_be_sorted_in_place() {
        let sorted = with_slice(0, [5, 3, 9, 1].into_iter(), |items| {
            items.sort_unstable();
            items.to_vec()
        });
        assert_eq!(sorted, [1, 3, 5, 9]);
    }
}
