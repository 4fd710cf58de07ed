//! Decoding a page `{"items": [...], "next_cursor": ..., "total": ...}` from its bytes in
//! chunks, each item as soon as its bytes are in. A page of 10,000 customers is 2 MB of JSON:
//! read whole, it sat in the wasm memory beside the rows decoded from it, and that memory never
//! shrinks (issue 12's memory goal). Fed in chunks, only one item's bytes are held at a time.
//!
//! Only an optimisation: everything outside the top-level `items` array is kept and decoded as
//! the page at the end, so a body this scanner does not follow (an escaped key, no `items`)
//! still decodes, or fails, exactly as a whole-body decode would.

use serde::de::DeserializeOwned;

use super::error::{decode, ApiError};
use super::types::Page;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Outside the items array: bytes are kept in `rest`.
    Outside,
    /// Inside the items array, between items.
    Between,
    /// Inside an item: bytes are kept in `item` until it closes.
    Item,
}

pub struct PageDecoder<T> {
    mode: Mode,
    items: Vec<T>,
    item: Vec<u8>,
    rest: Vec<u8>,
    /// Nesting inside the page (`Outside`) or inside the item (`Item`).
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The last string closed at the page's top level (a key, once `:` follows).
    last_string: Vec<u8>,
    string_start: usize,
    /// `"items":` was just read: a `[` next opens the array to stream.
    items_key: bool,
    /// The first bytes are in (see `feed`), and those held meanwhile.
    started: bool,
    head: Vec<u8>,
    error: Option<ApiError>,
}

impl<T: DeserializeOwned> PageDecoder<T> {
    /// `capacity`: the items expected (the request's limit), so the rows' buffer is allocated
    /// once instead of doubling past it.
    pub fn with_capacity(capacity: usize) -> PageDecoder<T> {
        PageDecoder {
            mode: Mode::Outside,
            items: Vec::with_capacity(capacity),
            item: Vec::new(),
            rest: Vec::new(),
            depth: 0,
            in_string: false,
            escaped: false,
            last_string: Vec::new(),
            string_start: 0,
            items_key: false,
            started: false,
            head: Vec::new(),
            error: None,
        }
    }

    pub fn feed(&mut self, mut chunk: &[u8]) {
        if !self.started {
            // The first three bytes decide whether there is a byte-order mark to drop (as
            // `Response.text()` does), in whatever chunks they come.
            let n = (3 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..n]);
            chunk = &chunk[n..];
            if self.head.len() < 3 {
                return;
            }
            self.start();
        }
        self.scan(chunk);
    }

    fn start(&mut self) {
        self.started = true;
        let head = std::mem::take(&mut self.head);
        if head != b"\xEF\xBB\xBF" {
            self.scan(&head);
        }
    }

    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.error.is_some() {
                return;
            }
            match self.mode {
                Mode::Outside => self.outside(b),
                Mode::Between => self.between(b),
                Mode::Item => self.in_item(b),
            }
        }
    }

    /// The page: its items as they were decoded, the rest from what was kept.
    pub fn finish(mut self) -> Result<Page<T>, ApiError> {
        if !self.started {
            self.start();
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        let rest = String::from_utf8_lossy(&self.rest);
        let mut page: Page<T> = decode(&rest)?;
        if page.items.is_empty() {
            page.items = self.items;
        }
        Ok(page)
    }

    /// Tracks strings; true when `b` is inside one (or closes it).
    fn string_byte(&mut self, b: u8) -> bool {
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            return true;
        }
        if b == b'"' {
            self.in_string = true;
            return true;
        }
        false
    }

    fn outside(&mut self, b: u8) {
        self.rest.push(b);
        let was_in_string = self.in_string;
        if self.string_byte(b) {
            if b == b'"' && !was_in_string {
                self.string_start = self.rest.len();
            } else if !self.in_string && self.depth == 1 {
                let end = self.rest.len() - 1;
                self.last_string = self.rest[self.string_start..end].to_vec();
            }
            self.items_key = false;
            return;
        }
        match b {
            b':' if self.depth == 1 => self.items_key = self.last_string == b"items",
            b'[' if self.depth == 1 && self.items_key => {
                self.items_key = false;
                self.mode = Mode::Between;
            }
            b'{' | b'[' => {
                self.depth += 1;
                self.items_key = false;
            }
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                self.items_key = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => self.items_key = false,
        }
    }

    fn between(&mut self, b: u8) {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {}
            b']' => {
                self.rest.push(b']');
                self.mode = Mode::Outside;
            }
            b'{' => {
                self.mode = Mode::Item;
                self.depth_in_item_start();
                self.item.push(b);
            }
            _ => {
                self.error = Some(ApiError::Decode {
                    path: format!("items[{}]", self.items.len()),
                    message: "expected an object".into(),
                });
            }
        }
    }

    fn depth_in_item_start(&mut self) {
        self.item.clear();
        self.in_string = false;
        self.escaped = false;
        self.depth = 1;
    }

    fn in_item(&mut self, b: u8) {
        self.item.push(b);
        if self.string_byte(b) {
            return;
        }
        match b {
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.take_item();
                    // Back at the page's level: inside its object, in the items array.
                    self.depth = 1;
                    self.mode = Mode::Between;
                }
            }
            _ => {}
        }
    }

    fn take_item(&mut self) {
        let index = self.items.len();
        let text = String::from_utf8_lossy(&self.item);
        match decode::<T>(&text) {
            Ok(item) => self.items.push(item),
            Err(ApiError::Decode { path, message }) => {
                let path = match path.as_str() {
                    "." => format!("items[{index}]"),
                    p if p.starts_with('[') => format!("items[{index}]{p}"),
                    p => format!("items[{index}].{p}"),
                };
                self.error = Some(ApiError::Decode { path, message });
            }
            Err(e) => self.error = Some(e),
        }
        self.item.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        id: String,
        n: u32,
        #[serde(default)]
        tags: Vec<String>,
    }

    /// As `HttpClient` decodes a whole body (its byte-order mark dropped first).
    fn whole(body: &str) -> Result<Page<Row>, ApiError> {
        decode(body.strip_prefix('\u{FEFF}').unwrap_or(body))
    }

    /// Fed in chunks of every size from 1 byte up, the answer is the whole-body decode's.
    fn same_in_every_chunking(body: &str) {
        let expected = whole(body);
        for size in 1..=body.len().max(1) {
            let mut d = PageDecoder::<Row>::with_capacity(2);
            for chunk in body.as_bytes().chunks(size) {
                d.feed(chunk);
            }
            let got = d.finish();
            match (&expected, &got) {
                (Ok(e), Ok(g)) => assert_eq!(e, g, "chunks of {size}"),
                (Err(ApiError::Decode { path: a, .. }), Err(ApiError::Decode { path: b, .. })) => {
                    assert_eq!(a, b, "chunks of {size}: {body}")
                }
                _ => panic!("chunks of {size}: {expected:?} vs {got:?} for {body}"),
            }
        }
    }

    #[test]
    fn a_page_decodes_as_it_would_whole_in_every_chunking() {
        same_in_every_chunking(
            r#"{"items":[{"id":"a","n":1,"tags":["x]","{y"]},{"id":"b\"}","n":2}],"next_cursor":"c1","total":2}"#,
        );
        same_in_every_chunking(
            "\u{FEFF}{ \"total\" : 3 ,\n \"items\" : [ { \"id\" : \"王\" , \"n\" : 3 } ] , \"next_cursor\" : null }",
        );
        same_in_every_chunking(r#"{"items":[],"next_cursor":null}"#);
        // Keys named like the array elsewhere, and nested arrays called items, are not it.
        same_in_every_chunking(
            r#"{"meta":{"items":[1,2]},"items":[{"id":"items","n":0,"tags":["items"]}],"next_cursor":null}"#,
        );
    }

    #[test]
    fn a_body_the_scanner_does_not_follow_still_decodes_whole() {
        // An escaped key: the array stays in what is kept, and decodes from there.
        same_in_every_chunking(r#"{"it\u0065ms":[{"id":"a","n":1}],"next_cursor":null}"#);
    }

    #[test]
    fn a_bad_item_is_named_by_its_path() {
        same_in_every_chunking(
            r#"{"items":[{"id":"a","n":1},{"id":"b","n":"two"}],"next_cursor":null}"#,
        );
        same_in_every_chunking(r#"{"items":[{"id":"a","n":1},{"n":2}],"next_cursor":null}"#);
        same_in_every_chunking(r#"{"items":[{"id":"a","n":1,"tags":["x",5]}],"next_cursor":null}"#);
        let mut d = PageDecoder::<Row>::with_capacity(0);
        d.feed(br#"{"items":[{"id":"a","n":1},{"id":"b","n":"two"}],"next_cursor":null}"#);
        match d.finish() {
            Err(ApiError::Decode { path, .. }) => assert_eq!(path, "items[1].n"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_broken_or_cut_body_is_an_error() {
        for body in [
            r#"{"items":[{"id":"a","n":1}"#,
            r#"{"items":[{"id":"a","n":1}],"next_cursor":"#,
            r#"{"items":[5],"next_cursor":null}"#,
            r#"{"next_cursor":null}"#,
            "",
        ] {
            let mut d = PageDecoder::<Row>::with_capacity(0);
            d.feed(body.as_bytes());
            assert!(matches!(d.finish(), Err(ApiError::Decode { .. })), "{body}");
            assert!(whole(body).is_err(), "{body}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Any page of rows whose text has quotes, brackets, braces, backslashes and CJK, in
        /// any chunking: the rows the whole-body decode finds.
        #[test]
        fn any_page_in_any_chunking(
            rows in proptest::collection::vec(("[a-z\\\\\"\\[\\]{}王 ]{0,8}", 0u32..9, proptest::collection::vec("[\\]\\[{}\"x]{0,3}", 0..3)), 0..6),
            size in 1usize..40,
            cursor in proptest::option::of("[a-z\"]{0,4}"),
        ) {
            let body = serde_json::json!({
                "items": rows.iter().map(|(id, n, tags)| serde_json::json!({"id": id, "n": n, "tags": tags})).collect::<Vec<_>>(),
                "next_cursor": cursor,
            })
            .to_string();
            let mut d = PageDecoder::<Row>::with_capacity(rows.len());
            for chunk in body.as_bytes().chunks(size) {
                d.feed(chunk);
            }
            let got = d.finish().map_err(|e| format!("{e:?}"));
            let expected = whole(&body).map_err(|e| format!("{e:?}"));
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
