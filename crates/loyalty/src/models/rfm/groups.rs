//! [`CustomerGroups`]: the rows of a transaction log grouped by customer, in
//! ascending id order.
//!
//! Logs exported from order systems usually come sorted by customer (the
//! CDNOW master log does). Their rows are grouped where they lie: a customer
//! is a range of rows, found in one pass of comparisons. Any other order is
//! grouped by interning the ids in a hash map and a counting sort of row
//! numbers by id rank. Both paths list each customer's rows in input order.

use std::hash::Hash;
use std::ops::Range;

use rustc_hash::FxHashMap;

/// Row numbers of a transaction log grouped by customer.
pub(super) struct CustomerGroups {
    /// Customer `c` owns positions `starts[c]..starts[c + 1]`.
    starts: Vec<usize>,
    /// Row at each position; `None` when position and row coincide (a log
    /// sorted by customer).
    order: Option<Vec<usize>>,
}

impl CustomerGroups {
    /// Groups the rows of `customer_ids`.
    pub(super) fn new<K: Ord + Hash + Eq>(customer_ids: &[K]) -> Self {
        match ascending_runs(customer_ids) {
            Some(starts) => CustomerGroups {
                starts,
                order: None,
            },
            None => counting_sort(customer_ids),
        }
    }

    /// Groups rows by dense codes `0..n_codes` (checked by the caller) in
    /// one counting sort, without hashing. Codes without rows are left out.
    /// Each customer's rows keep their input order.
    pub(super) fn from_codes(codes: &[u32], n_codes: usize) -> Self {
        let mut counts = vec![0usize; n_codes];
        for &code in codes {
            counts[code as usize] += 1;
        }
        // Positions of the codes that have rows; `slot[code]` is the next
        // free position of its customer.
        let mut starts = Vec::new();
        let mut slot = vec![0usize; n_codes];
        let mut position = 0;
        for (code, &count) in counts.iter().enumerate() {
            if count > 0 {
                starts.push(position);
                slot[code] = position;
                position += count;
            }
        }
        starts.push(position);
        let mut order = vec![0usize; codes.len()];
        for (row, &code) in codes.iter().enumerate() {
            order[slot[code as usize]] = row;
            slot[code as usize] += 1;
        }
        CustomerGroups {
            starts,
            order: Some(order),
        }
    }

    /// Number of customers.
    pub(super) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// First row of customer `c`, whose id is the customer's id.
    pub(super) fn first_row(&self, c: usize) -> usize {
        match &self.order {
            None => self.starts[c],
            Some(order) => order[self.starts[c]],
        }
    }

    /// Positions of customer `c` in the order of [`Self::gather`].
    pub(super) fn positions(&self, c: usize) -> Range<usize> {
        self.starts[c]..self.starts[c + 1]
    }

    /// Returns `entry(row)` of every row, customer by customer: one pass over
    /// the grouped rows, each customer's at [`Self::positions`].
    pub(super) fn gather<T>(&self, entry: impl Fn(usize) -> T) -> Vec<T> {
        match &self.order {
            None => (0..self.starts[self.len()]).map(entry).collect(),
            Some(order) => order.iter().map(|&r| entry(r)).collect(),
        }
    }
}

/// Number of runs of equal ids when the runs are in strictly ascending id
/// order (a log sorted by customer); `None` otherwise.
pub(super) fn count_ascending_runs<K: Ord>(customer_ids: &[K]) -> Option<usize> {
    // Customer changes fall at random rows, so the pass counts without
    // branching on the comparison: a mispredicted branch per change would
    // cost more than the rest of the pass.
    let mut runs = usize::from(!customer_ids.is_empty());
    let mut descending = false;
    for pair in customer_ids.windows(2) {
        runs += usize::from(pair[1] > pair[0]);
        descending |= pair[1] < pair[0];
    }
    (!descending).then_some(runs)
}

/// Start of each run of equal ids and the end of the last, when the runs are
/// in strictly ascending id order; `None` otherwise.
fn ascending_runs<K: Ord>(customer_ids: &[K]) -> Option<Vec<usize>> {
    let runs = count_ascending_runs(customer_ids)?;
    let mut starts = vec![0; runs + 1];
    let mut k = 1;
    // Written without a branch, as in `count_ascending_runs`.
    for (i, pair) in customer_ids.windows(2).enumerate() {
        starts[k] = i + 1;
        k += usize::from(pair[1] != pair[0]);
    }
    starts[runs] = customer_ids.len();
    Some(starts)
}

/// Groups rows in any order: ids are interned to codes in first-seen order,
/// ranked, and the row numbers counting-sorted by rank. Codes are `u32`, so a
/// log can have at most 2^32 distinct customers.
fn counting_sort<K: Ord + Hash + Eq>(customer_ids: &[K]) -> CustomerGroups {
    let mut codes: Vec<u32> = Vec::with_capacity(customer_ids.len());
    let mut seen: FxHashMap<&K, u32> = FxHashMap::default();
    seen.reserve(customer_ids.len().min(1 << 20));
    let mut distinct: Vec<&K> = Vec::new();
    let mut previous: Option<(&K, u32)> = None;
    for id in customer_ids {
        // Runs of one customer repeat the previous id and skip the lookup.
        let code = match previous {
            Some((last, code)) if last == id => code,
            _ => {
                let next = distinct.len() as u32;
                let code = *seen.entry(id).or_insert_with(|| {
                    distinct.push(id);
                    next
                });
                previous = Some((id, code));
                code
            }
        };
        codes.push(code);
    }
    drop(seen);

    let n_customers = distinct.len();
    let mut by_id: Vec<(&K, u32)> = distinct.into_iter().zip(0..).collect();
    by_id.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut rank = vec![0u32; n_customers];
    for (position, &(_, code)) in by_id.iter().enumerate() {
        rank[code as usize] = position as u32;
    }

    let mut starts = vec![0usize; n_customers + 1];
    for &code in &codes {
        starts[rank[code as usize] as usize + 1] += 1;
    }
    for i in 0..n_customers {
        starts[i + 1] += starts[i];
    }
    let mut cursor = starts.clone();
    let mut order = vec![0usize; codes.len()];
    for (row, &code) in codes.iter().enumerate() {
        let r = rank[code as usize] as usize;
        order[cursor[r]] = row;
        cursor[r] += 1;
    }
    CustomerGroups {
        starts,
        order: Some(order),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups_of<K: Ord + Hash + Eq>(ids: &[K]) -> Vec<Vec<usize>> {
        let groups = CustomerGroups::new(ids);
        let rows = groups.gather(|r| r);
        (0..groups.len())
            .map(|c| rows[groups.positions(c)].to_vec())
            .collect()
    }

    #[test]
    fn sorted_log_is_grouped_in_place() {
        let ids = [1, 1, 2, 5, 5, 5];
        let groups = CustomerGroups::new(&ids);
        assert!(groups.order.is_none());
        assert_eq!(groups_of(&ids), vec![vec![0, 1], vec![2], vec![3, 4, 5]]);
        assert_eq!(groups.first_row(2), 3);
    }

    #[test]
    fn unsorted_log_keeps_row_order() {
        let ids = ["b", "a", "c", "a", "b"];
        let groups = CustomerGroups::new(&ids);
        assert!(groups.order.is_some());
        assert_eq!(groups_of(&ids), vec![vec![1, 3], vec![0, 4], vec![2]]);
        assert_eq!(ids[groups.first_row(0)], "a");
        assert_eq!(ids[groups.first_row(2)], "c");
    }

    #[test]
    fn runs_of_one_id_apart_are_one_customer() {
        // Id 1 reappears after id 2: not sorted, so the counting sort joins them.
        assert_eq!(groups_of(&[1, 1, 2, 1]), vec![vec![0, 1, 3], vec![2]]);
    }
}
