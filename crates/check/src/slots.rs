//! A set of small integers (the slots of operations in flight), compared and hashed
//! by its members only, so two configurations that linearized the same operations are
//! one configuration however the set grew.

/// Members are slot numbers; the words hold no trailing zero word, so equal sets are
/// equal vectors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Slots {
    words: Vec<u64>,
}

impl Slots {
    pub(crate) fn contains(&self, slot: usize) -> bool {
        self.words
            .get(slot / 64)
            .is_some_and(|word| word & (1 << (slot % 64)) != 0)
    }

    pub(crate) fn insert(&mut self, slot: usize) {
        let word = slot / 64;
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (slot % 64);
    }

    pub(crate) fn remove(&mut self, slot: usize) {
        if let Some(word) = self.words.get_mut(slot / 64) {
            *word &= !(1 << (slot % 64));
        }
        while self.words.last() == Some(&0) {
            self.words.pop();
        }
    }

    /// Whether every member is also in `other`.
    pub(crate) fn is_subset(&self, other: &Slots) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, a)| a & !other.words.get(i).copied().unwrap_or(0) == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_with_the_same_members_are_equal_however_they_grew() {
        let mut grown = Slots::default();
        grown.insert(3);
        grown.insert(130);
        grown.remove(130);
        let mut small = Slots::default();
        small.insert(3);
        assert_eq!(grown, small);
        assert!(grown.contains(3) && !grown.contains(130) && !grown.contains(4));
    }

    #[test]
    fn subsets_are_seen_across_words() {
        let mut set = Slots::default();
        for slot in [1, 64, 70] {
            set.insert(slot);
        }
        let mut part = Slots::default();
        part.insert(64);
        assert!(part.is_subset(&set) && !set.is_subset(&part));
        part.insert(2);
        assert!(!part.is_subset(&set));
    }
}
