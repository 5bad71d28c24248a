//! The bank the transactions run against: accounts `a0, a1, ...` spread round-robin
//! over the participants, a transfer's changes per participant, and the text form of
//! a transfer in client histories and scripts (`key: "a3->a7"`, `value: "5"`).

use crate::twopc::lists::txn_changes;
use crate::twopc::messages::{AccountChange, Change, Request, Transfer};

/// How the accounts are laid out: `accounts` of them over `participants` nodes
/// (nodes `1..=participants`; node 0 is the coordinator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bank {
    pub accounts: u32,
    pub participants: u32,
    pub initial_balance: i64,
}

impl Bank {
    /// The participant node that holds `account`.
    pub fn home_of(&self, account: u32) -> u32 {
        1 + account % self.participants
    }

    /// The accounts participant `node` holds.
    pub fn accounts_of(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        (0..self.accounts).filter(move |&a| self.home_of(a) == node)
    }

    /// The money in the bank, which no transfer changes.
    pub fn total(&self) -> i64 {
        i64::from(self.accounts) * self.initial_balance
    }

    /// Each participant a request involves, with the changes it makes there, by node.
    pub fn changes_of(&self, request: &Request) -> Vec<(u32, Vec<Change>)> {
        match request {
            Request::Transfer(transfer) => self.changes(transfer),
            Request::Txn(ops) => txn_changes(self, ops),
        }
    }

    /// Each participant a transfer involves, with the changes it makes there.
    pub fn changes(&self, transfer: &Transfer) -> Vec<(u32, Vec<Change>)> {
        let mut by_node: Vec<(u32, Vec<Change>)> = Vec::new();
        let moves = [
            (transfer.from, -transfer.amount),
            (transfer.to, transfer.amount),
        ];
        for (account, delta) in moves {
            let node = self.home_of(account);
            let change = Change::Account(AccountChange { account, delta });
            match by_node.iter_mut().find(|(n, _)| *n == node) {
                Some((_, changes)) => changes.push(change),
                None => by_node.push((node, vec![change])),
            }
        }
        by_node.sort_by_key(|(node, _)| *node);
        by_node
    }
}

/// `"a3->a7"` for a transfer's key.
pub fn transfer_key(transfer: &Transfer) -> String {
    format!("a{}->a{}", transfer.from, transfer.to)
}

/// The transfer a history's (or script's) key and value name, or why not.
pub fn parse_transfer(key: &str, value: Option<&str>) -> Result<Transfer, String> {
    let account = |text: &str| {
        text.strip_prefix('a')
            .and_then(|n| n.parse::<u32>().ok())
            .ok_or_else(|| format!("`{text}` is not an account; expected a0, a1, ..."))
    };
    let (from, to) = key
        .split_once("->")
        .ok_or_else(|| format!("`{key}`: expected \"aFROM->aTO\", like \"a3->a7\""))?;
    let (from, to) = (account(from)?, account(to)?);
    if from == to {
        return Err(format!("`{key}` moves money from an account to itself"));
    }
    let value = value.ok_or("a transfer needs \"value\": the amount")?;
    let amount = value
        .parse::<i64>()
        .ok()
        .filter(|&a| a > 0)
        .ok_or_else(|| format!("`{value}`: expected a positive whole amount"))?;
    Ok(Transfer { from, to, amount })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_reads_back_from_its_text() {
        let transfer = Transfer {
            from: 3,
            to: 7,
            amount: 5,
        };
        let key = transfer_key(&transfer);
        assert_eq!(key, "a3->a7");
        assert_eq!(parse_transfer(&key, Some("5")), Ok(transfer));
        assert!(parse_transfer("a3->a3", Some("5")).is_err());
        assert!(parse_transfer("a3-a7", Some("5")).is_err());
        assert!(parse_transfer("a3->a7", Some("-2")).is_err());
        assert!(parse_transfer("a3->a7", None).is_err());
    }

    #[test]
    fn changes_go_to_the_accounts_homes_and_sum_to_zero() {
        let bank = Bank {
            accounts: 6,
            participants: 3,
            initial_balance: 100,
        };
        let apart = bank.changes(&Transfer {
            from: 0,
            to: 1,
            amount: 9,
        });
        assert_eq!(apart.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2]);
        let together = bank.changes(&Transfer {
            from: 0,
            to: 3,
            amount: 9,
        });
        assert_eq!(together.len(), 1, "both accounts live on node 1");
        let delta = |c: &Change| match c {
            Change::Account(c) => c.delta,
            other => panic!("{other:?} is not a bank change"),
        };
        let sum: i64 = together[0].1.iter().map(delta).sum();
        assert_eq!(sum, 0);
    }
}
