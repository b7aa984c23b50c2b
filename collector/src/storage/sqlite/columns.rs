//! Rows read by position, with their columns named in one list. rusqlite finds a column by
//! name by comparing the name with each of the statement's column names, every time a value
//! is read: an answer's 32 values took some 500 comparisons, a third of the CPU the hook
//! worker spent reading the deliveries due and their answers (measured with `perf` at 1,000
//! answers a second with three hooks). A row type's columns are a macro that gives the `SELECT`
//! list, so that statements stay string literals (`concat!`), and [`position`] finds a name's
//! place in that list while compiling. The list is explicit, not `*`: a migrated database has
//! its added columns at the end, in another order than a new one.

/// The place of `name` in `list`, column names separated by commas (and white space).
/// Evaluated in a `const` block, a name that is not in the list fails the build.
pub(super) const fn position(list: &str, name: &str) -> usize {
    let list = list.as_bytes();
    let name = name.as_bytes();
    let mut index = 0;
    let mut start = 0;
    while start <= list.len() {
        // The end of the column that starts at `start`.
        let mut end = start;
        while end < list.len() && list[end] != b',' {
            end += 1;
        }
        if end - start == name.len() {
            let mut i = 0;
            while i < name.len() && list[start + i] == name[i] {
                i += 1;
            }
            if i == name.len() {
                return index;
            }
        }
        index += 1;
        // Past the comma and the spaces or line breaks after it.
        start = end + 1;
        while start < list.len() && list[start].is_ascii_whitespace() {
            start += 1;
        }
    }
    panic!("not a column of the list");
}

/// The place of the column `$name` in the list `$list!()`, found while compiling.
macro_rules! column {
    ($list:ident, $name:literal) => {
        const { $crate::storage::sqlite::columns::position($list!(), $name) }
    };
}
pub(super) use column;

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn finds_each_name_at_its_place_and_no_prefix_or_suffix() {
        let list = "id, type, kind, user_id, user_email";
        assert_eq!(position(list, "id"), 0);
        assert_eq!(position(list, "type"), 1);
        assert_eq!(position(list, "kind"), 2);
        assert_eq!(position(list, "user_id"), 3);
        assert_eq!(position(list, "user_email"), 4);
        assert_eq!(position("id", "id"), 0);
        assert_eq!(position("id,\n    type", "type"), 1);
    }

    #[test]
    #[should_panic(expected = "not a column")]
    fn a_name_not_in_the_list_is_refused() {
        position("user_id, user_email", "user");
    }

    #[test]
    #[should_panic(expected = "not a column")]
    fn a_longer_name_is_refused() {
        position("id, type", "types");
    }
}
