//! List paging: `maxResults` and an opaque `nextToken` that survives inserts and deletes.

use super::errors::{bad, Result};
use super::wire::Query;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Bound;

const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 100;

/// One page of a list, as AWS returns it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Page<'a, T: Serialize> {
    pub(super) items: Vec<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) next_token: Option<String>,
}

fn parse_max_results(value: Option<&str>) -> Result<usize> {
    match value {
        None | Some("") => Ok(DEFAULT_PAGE_SIZE),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n.min(MAX_PAGE_SIZE)),
            _ => Err(bad(format!("Invalid maxResults: {v}"))),
        },
    }
}

/// The token is the hex of the last key returned: opaque to clients and stable across
/// inserts and deletes between pages (the next page starts after that key).
fn encode_token(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Result<String> {
    let invalid = || bad("The nextToken is invalid");
    if !token.len().is_multiple_of(2) || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| token.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(invalid))
        .collect::<Result<Vec<u8>>>()?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

pub(super) fn page<'a, V>(map: &'a BTreeMap<String, V>, q: &Query) -> Result<(Vec<&'a V>, Option<String>)> {
    let max = parse_max_results(q.get("maxResults"))?;
    let start = match q.get("nextToken").filter(|t| !t.is_empty()) {
        Some(t) => Bound::Excluded(decode_token(t)?),
        None => Bound::Unbounded,
    };
    let mut iter = map.range::<String, _>((start, Bound::Unbounded));
    let items: Vec<(&String, &V)> = iter.by_ref().take(max).collect();
    let next = if iter.next().is_some() { items.last().map(|(k, _)| encode_token(k)) } else { None };
    Ok((items.into_iter().map(|(_, v)| v).collect(), next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;

    #[test]
    fn paging() {
        assert_eq!(parse_max_results(None), Ok(DEFAULT_PAGE_SIZE));
        assert_eq!(parse_max_results(Some("2")), Ok(2));
        assert_eq!(parse_max_results(Some("1000")), Ok(MAX_PAGE_SIZE));
        assert!(is_bad(parse_max_results(Some("0"))));
        assert!(is_bad(parse_max_results(Some("-1"))));
        assert!(is_bad(parse_max_results(Some("two"))));

        assert_eq!(decode_token(&encode_token("$connect é")), Ok("$connect é".to_string()));
        assert!(is_bad(decode_token("abc")));
        assert!(is_bad(decode_token("zz")));
        assert!(is_bad(decode_token("ff")));

        let map: BTreeMap<String, u32> = (0..5).map(|i| (format!("k{i}"), i)).collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let query = match &token {
                Some(t) => format!("maxResults=2&nextToken={t}"),
                None => "maxResults=2".to_string(),
            };
            let (items, next) = page(&map, &Query::parse(&query)).unwrap();
            seen.extend(items.into_iter().copied());
            pages += 1;
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        assert_eq!(pages, 3);
    }
}
