//! A small scratch list on the stack, so that gathering and sorting a request's few headers or
//! query pairs does not allocate.

/// A list of up to `INLINE` items held on the stack, moved to a `Vec` when it grows past that.
pub(crate) struct StackVec<T, const INLINE: usize> {
    inline: [T; INLINE],
    len: usize,
    spilled: Vec<T>,
}

impl<T: Clone, const INLINE: usize> StackVec<T, INLINE> {
    /// An empty list; `filler` only initialises the unused slots (cheap to clone, for a type
    /// that is not `Copy`).
    pub(crate) fn new(filler: T) -> Self {
        Self {
            inline: std::array::from_fn(|_| filler.clone()),
            len: 0,
            spilled: Vec::new(),
        }
    }

    /// Appends `item`.
    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        if !self.spilled.is_empty() {
            self.spilled.push(item);
        } else if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        } else {
            self.spilled.reserve(INLINE * 2);
            self.spilled.extend_from_slice(&self.inline);
            self.spilled.push(item);
        }
    }

    /// The items, in the order they were pushed.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.spilled.is_empty() {
            self.inline.get_mut(..self.len).unwrap_or_default()
        } else {
            &mut self.spilled
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_item_in_order_inline_or_spilled() {
        const INLINE: usize = 4;
        for n in [0, 1, INLINE - 1, INLINE, INLINE + 1, 3 * INLINE + 2] {
            let mut list = StackVec::<usize, INLINE>::new(0);
            for i in 0..n {
                list.push(i);
            }
            assert_eq!(list.as_mut_slice(), (0..n).collect::<Vec<_>>(), "{n} items");
        }
    }

    #[test]
    fn the_items_can_be_sorted_in_place() {
        let mut list = StackVec::<i32, 8>::new(0);
        for i in [5, 3, 9, 1] {
            list.push(i);
        }
        list.as_mut_slice().sort_unstable();
        assert_eq!(list.as_mut_slice(), [1, 3, 5, 9]);
    }
}
