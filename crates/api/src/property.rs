//! Safety properties as declared names: what a run can be judged to violate.
//!
//! A protocol declares each property it checks once, as a const with a one-line
//! meaning, and raises violations only through it ([`crate::Violation::of`]), so a
//! misspelt name is a compile error rather than a failure nobody expected. The
//! declarations are what `faultline list protocols` shows and what the registry
//! checks each named bug's `violates` against.

/// A safety property: its name (what a violation, a trace and `--json` carry) and
/// what it means, in one line for a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// The name violations carry, e.g. `election_safety`.
    pub name: &'static str,
    /// What holds while the property does, e.g. "at most one leader per term".
    pub meaning: &'static str,
}

impl Property {
    /// A declaration, usable in a const:
    /// ```ignore
    /// pub const ELECTION_SAFETY: Property =
    ///     Property::new("election_safety", "at most one leader per term");
    /// ```
    pub const fn new(name: &'static str, meaning: &'static str) -> Self {
        Property { name, meaning }
    }

    /// The property called `name` among `properties`.
    pub fn find<'a>(properties: &'a [Property], name: &str) -> Option<&'a Property> {
        properties.iter().find(|p| p.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: Property = Property::new("one", "the first");
    const TWO: Property = Property::new("two", "the second");

    #[test]
    fn a_property_is_found_by_its_name_only() {
        let declared = [ONE, TWO];
        assert_eq!(Property::find(&declared, "two"), Some(&TWO));
        assert_eq!(Property::find(&declared, "three"), None);
        assert_eq!(Property::find(&[], "one"), None);
    }

    #[test]
    fn a_violation_of_a_declared_property_carries_its_name() {
        let violation = crate::Violation::of(&TWO, "seen twice");
        assert_eq!(violation, crate::Violation::new("two", "seen twice"));
    }
}
