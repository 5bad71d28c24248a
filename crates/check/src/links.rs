//! Doubly linked lists over numbered slots whose removals are undone in reverse
//! order ("dancing links"): a removed slot keeps its own links, so putting it back
//! is two writes. The search's backtracking undoes exactly in reverse, which is
//! what makes this safe, and both its list of events and the look-ahead's list of
//! exposed reads are kept this way.

/// No slot: the end of a list.
pub(crate) const NIL: usize = usize::MAX;

/// Links between slots `0..len`; slot 0 is the caller's head or first entry.
pub(crate) struct Links {
    pub next: Vec<usize>,
    pub prev: Vec<usize>,
}

impl Links {
    /// Slots `0..len` linked in order.
    pub fn chain(len: usize) -> Links {
        Links {
            next: (0..len)
                .map(|i| if i + 1 < len { i + 1 } else { NIL })
                .collect(),
            prev: (0..len).map(|i| if i == 0 { NIL } else { i - 1 }).collect(),
        }
    }

    /// Slots `0..len`, none linked.
    pub fn unlinked(len: usize) -> Links {
        Links {
            next: vec![NIL; len],
            prev: vec![NIL; len],
        }
    }

    /// Links `slot` right after `head`.
    pub fn insert_after(&mut self, head: usize, slot: usize) {
        let first = self.next[head];
        self.next[slot] = first;
        self.prev[slot] = head;
        if first != NIL {
            self.prev[first] = slot;
        }
        self.next[head] = slot;
    }

    /// Takes `slot` out, keeping its own links for [`Links::relink`].
    pub fn unlink(&mut self, slot: usize) {
        let (p, n) = (self.prev[slot], self.next[slot]);
        self.next[p] = n;
        if n != NIL {
            self.prev[n] = p;
        }
    }

    /// Puts back the `slot` the last [`Links::unlink`] still in effect took out.
    pub fn relink(&mut self, slot: usize) {
        let (p, n) = (self.prev[slot], self.next[slot]);
        self.next[p] = slot;
        if n != NIL {
            self.prev[n] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(links: &Links) -> Vec<usize> {
        std::iter::successors(Some(0), |&slot| {
            Some(links.next[slot]).filter(|&n| n != NIL)
        })
        .collect()
    }

    #[test]
    fn removals_undone_in_reverse_restore_the_list() {
        let mut links = Links::chain(5);
        links.unlink(2);
        links.unlink(3);
        assert_eq!(walk(&links), [0, 1, 4]);
        links.relink(3);
        links.relink(2);
        assert_eq!(walk(&links), [0, 1, 2, 3, 4]);
        let mut links = Links::unlinked(4);
        links.insert_after(0, 2);
        links.insert_after(0, 3);
        assert_eq!(walk(&links), [0, 3, 2]);
        links.unlink(3);
        assert_eq!(walk(&links), [0, 2]);
    }
}
