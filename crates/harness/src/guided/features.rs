//! What a run reached, as the features a guided campaign tells runs apart by: each
//! situation a run marked (`ctx.sometimes`), and each pair of situations reached in
//! the same run.
//!
//! A feature no earlier run had is a new situation or a new combination, worth
//! keeping; a feature few runs have is rare, worth mutating more. How many times a
//! run marked a situation is left out on purpose: nearly every run differs in some
//! count, so counts would make every run look new.

/// One thing a run reached. Ordered by text, so sets of them iterate the same way on
/// every machine.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// A situation.
    Reached(&'static str),
    /// Two situations reached in the same run, in text order.
    Pair(&'static str, &'static str),
}

impl Feature {
    /// The feature for people: the situation, or both joined by `+`.
    pub fn text(&self) -> String {
        match self {
            Feature::Reached(situation) => situation.to_string(),
            Feature::Pair(a, b) => format!("{a} + {b}"),
        }
    }
}

/// The features of a run that reached `reached` (situation, times marked), sorted.
pub fn features_of(reached: &[(&'static str, u64)]) -> Vec<Feature> {
    let mut names: Vec<&'static str> = reached.iter().map(|&(s, _)| s).collect();
    names.sort_unstable();
    names.dedup();
    let mut features: Vec<Feature> = names.iter().map(|&s| Feature::Reached(s)).collect();
    for (i, &a) in names.iter().enumerate() {
        features.extend(names[i + 1..].iter().map(|&b| Feature::Pair(a, b)));
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_has_each_situation_and_each_pair_once() {
        let features = features_of(&[("b", 5), ("a", 1)]);
        assert_eq!(
            features,
            vec![
                Feature::Reached("a"),
                Feature::Reached("b"),
                Feature::Pair("a", "b"),
            ]
        );
    }
}
