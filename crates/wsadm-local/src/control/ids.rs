//! Resource ids in AWS's shapes, and request ids.

use rand::Rng;

// AWS's id lengths: 10 characters for an API, 7 for everything under it.
pub(super) const API_ID_LEN: usize = 10;
pub(super) const CHILD_ID_LEN: usize = 7;

pub(super) fn new_id(len: usize, taken: impl Fn(&str) -> bool) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    loop {
        let id: String = (0..len).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        if !taken(&id) {
            return id;
        }
    }
}

pub(super) fn request_id() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes() {
        let id = new_id(API_ID_LEN, |_| false);
        assert_eq!(id.len(), 10);
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_eq!(new_id(CHILD_ID_LEN, |_| false).len(), 7);
    }
}
