//! An append-only record (the world's observations, its applied faults) whose
//! readers hold absolute positions, so that a run whose every reader reads as it
//! goes can drop what was read and keep its memory flat however long it runs.
//!
//! By default nothing is dropped: a run keeps its whole record for the checks that
//! read it at the end, the history and the timeline. Only the harness drops it, and
//! only for a protocol that says all its checks read the record as it comes.

/// What a panic says when a check reads entries a run forgot: the harness shows
/// such a panic as it is, since running again keeping the record would hide it.
pub const READ_AFTER_FORGOTTEN: &str = "read the world's record after the run forgot it";

/// Entries in the order they were appended; positions count every entry ever
/// appended, dropped or not.
#[derive(Debug)]
pub struct ReadLog<T> {
    kept: Vec<T>,
    /// How many entries, from the first, were dropped.
    forgotten: usize,
}

impl<T> Default for ReadLog<T> {
    fn default() -> Self {
        ReadLog {
            kept: Vec::new(),
            forgotten: 0,
        }
    }
}

impl<T> ReadLog<T> {
    pub fn push(&mut self, entry: T) {
        self.kept.push(entry);
    }

    /// How many entries were ever appended: the position the next one will have.
    pub fn len(&self) -> usize {
        self.forgotten + self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries still kept: every one unless some were forgotten.
    pub fn kept(&self) -> &[T] {
        &self.kept
    }

    /// Every entry, as a whole: panics if some were forgotten, rather than return
    /// less than there was.
    pub fn all(&self) -> &[T] {
        assert!(
            self.forgotten == 0,
            "{READ_AFTER_FORGOTTEN}: {} entries were read whole after {} were forgotten (a \
             check that reads them whole must not say it reads them as they come)",
            self.len(),
            self.forgotten
        );
        &self.kept
    }

    /// Whether any entry was ever dropped.
    pub fn forgot_any(&self) -> bool {
        self.forgotten > 0
    }

    /// The entries from position `*cursor` on, moving the cursor past them: what a
    /// reader holding that cursor has not read yet.
    ///
    /// Panics if some of them were forgotten: a reader that reads at the end or
    /// out of turn is in a run that must keep its record.
    pub fn unread(&self, cursor: &mut usize) -> &[T] {
        assert!(
            *cursor >= self.forgotten,
            "{READ_AFTER_FORGOTTEN}: entries from {} were read after those up to {} were \
             forgotten (a check that reads them late needs a run that keeps them)",
            *cursor,
            self.forgotten
        );
        let from = (*cursor - self.forgotten).min(self.kept.len());
        *cursor = self.len();
        &self.kept[from..]
    }

    /// Drops every entry kept; positions stay as they were.
    pub fn forget_kept(&mut self) {
        self.forgotten += self.kept.len();
        self.kept.clear();
    }

    /// Moves the kept entries out (a finished run's outcome takes them).
    pub fn take(&mut self) -> Vec<T> {
        self.forgotten += self.kept.len();
        std::mem::take(&mut self.kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_each_entry_once_across_forgetting() {
        let mut log = ReadLog::default();
        let mut cursor = 0;
        log.push(1);
        log.push(2);
        assert_eq!(log.unread(&mut cursor), &[1, 2]);
        assert_eq!(log.unread(&mut cursor), &[] as &[i32]);
        log.forget_kept();
        log.push(3);
        assert_eq!(log.len(), 3);
        assert_eq!(log.kept(), &[3]);
        assert_eq!(log.unread(&mut cursor), &[3]);
        assert_eq!(cursor, 3);
    }

    #[test]
    #[should_panic(expected = "read the world's record after the run forgot it")]
    fn reading_what_was_forgotten_is_refused_not_silently_short() {
        let mut log = ReadLog::default();
        log.push(1);
        log.forget_kept();
        log.unread(&mut 0);
    }

    #[test]
    #[should_panic(expected = "read whole after 1 were forgotten")]
    fn reading_all_after_forgetting_is_refused() {
        let mut log = ReadLog::default();
        log.push(1);
        log.forget_kept();
        log.push(2);
        log.all();
    }

    #[test]
    fn taking_keeps_positions() {
        let mut log = ReadLog::default();
        log.push('a');
        assert_eq!(log.take(), vec!['a']);
        log.push('b');
        let mut cursor = 1;
        assert_eq!(log.unread(&mut cursor), &['b']);
    }
}
