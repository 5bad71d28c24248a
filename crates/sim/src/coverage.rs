//! Coverage: which interesting situations a run reached, and how often.
//!
//! A protocol marks a situation worth reaching (a follower truncating a conflicting
//! suffix, a coordinator recovering from its log) with `ctx.sometimes(NAME)`, in the
//! spirit of sometimes-assertions: nothing fails when one is never reached, but a
//! campaign that never reaches one has a hole a bug could hide in. Coverage is an
//! observation of the run, not an event: marking changes neither the trace nor its
//! hash, and no random stream.
//!
//! The record is a short list in order of first reach (a run reaches a handful of
//! situations; a linear scan beats a map at that size and allocates only when a
//! situation is reached for the first time). The order is deterministic because
//! the run is.

/// The situations one run reached, with how many times each was marked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reached {
    counts: Vec<(&'static str, u64)>,
}

impl Reached {
    /// Counts one more reach of `situation`.
    #[inline]
    pub fn mark(&mut self, situation: &'static str) {
        // The same constant is usually the same address, so the pointer check
        // settles most comparisons without reading the text.
        let same = |name: &str| std::ptr::eq(name, situation) || name == situation;
        match self.counts.iter_mut().find(|(name, _)| same(name)) {
            Some((_, count)) => *count += 1,
            None => self.counts.push((situation, 1)),
        }
    }

    /// How many times `situation` was marked (0 if never).
    pub fn count(&self, situation: &str) -> u64 {
        self.counts
            .iter()
            .find(|(name, _)| *name == situation)
            .map_or(0, |&(_, count)| count)
    }

    /// Each situation reached and its count, in order of first reach.
    pub fn counts(&self) -> &[(&'static str, u64)] {
        &self.counts
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_situation_in_order_of_first_reach() {
        let mut reached = Reached::default();
        reached.mark("b");
        reached.mark("a");
        reached.mark("b");
        assert_eq!(reached.counts(), &[("b", 2), ("a", 1)]);
        assert_eq!(reached.count("b"), 2);
        assert_eq!(reached.count("never"), 0);
    }

    #[test]
    fn equal_names_at_different_addresses_are_one_situation() {
        let owned = String::from("same");
        let leaked: &'static str = Box::leak(owned.into_boxed_str());
        let mut reached = Reached::default();
        reached.mark("same");
        reached.mark(leaked);
        assert_eq!(reached.counts(), &[("same", 2)]);
    }
}
