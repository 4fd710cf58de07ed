//! Cursor paging over an in-memory list. Cursors are opaque to clients.

use crate::api::types::{Page, Problem};

pub fn paginate<T>(
    all: Vec<T>,
    cursor: Option<&str>,
    limit: Option<u32>,
    default_limit: u32,
    max_limit: u32,
) -> Result<Page<T>, Problem> {
    let limit = limit.unwrap_or(default_limit);
    if limit == 0 || limit > max_limit {
        return Err(Problem::invalid().field(
            "limit",
            "out_of_range",
            &format!("limit must be between 1 and {max_limit}"),
        ));
    }
    let start = match cursor {
        None | Some("") => 0,
        Some(c) => c
            .strip_prefix("o")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= all.len())
            .ok_or_else(|| Problem::invalid().field("cursor", "invalid", "unknown cursor"))?,
    };
    let total = all.len();
    let end = (start + limit as usize).min(total);
    let items: Vec<T> = all.into_iter().skip(start).take(end - start).collect();
    Ok(Page {
        items,
        next_cursor: (end < total).then(|| format!("o{end}")),
        total: Some(total as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_to_the_end_and_rejects_bad_input() {
        let all: Vec<u32> = (0..25).collect();
        let p1 = paginate(all.clone(), None, Some(10), 10, 100).unwrap();
        assert_eq!(p1.items, (0..10).collect::<Vec<_>>());
        let p3 = paginate(all.clone(), Some("o20"), Some(10), 10, 100).unwrap();
        assert_eq!(p3.items.len(), 5);
        assert_eq!(p3.next_cursor, None);
        assert_eq!(
            paginate(all.clone(), Some("x"), None, 10, 100)
                .unwrap_err()
                .status,
            422
        );
        assert_eq!(
            paginate(all.clone(), Some("o99"), None, 10, 100)
                .unwrap_err()
                .status,
            422
        );
        assert_eq!(
            paginate(all, None, Some(101), 10, 100).unwrap_err().status,
            422
        );
    }
}
