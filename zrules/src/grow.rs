//! Growing a vector that is filled from a text, by what the text has left.
//!
//! A `Vec` that doubles when full holds up to twice what it needs, and each
//! doubling copies it into a new buffer: for a moment the old and the new
//! are both there, and an allocator that keeps freed memory a while before
//! returning it (mimalloc waits about a second) holds every old buffer at
//! once. For a file of a million resources that was the largest single
//! cost after the resources themselves (`zrules/benches/memory.rs`).
//!
//! A vector filled while a text is read knows more than `Vec` does: how much
//! of the text is read and how many elements it gave so far. Assuming the
//! rest of the text is as dense as what was read, the final length is
//! `len × total / read`; reserving that (plus a little) when the vector is
//! full makes one buffer of about the right size, usually on the first
//! growth. Growth stays geometric whatever the text looks like (at least an
//! eighth more each time), so pushing stays amortised O(1).

/// Makes room for one more element in `v`, filled from a text of `total`
/// bytes of which `read` are read, by the density so far.
pub(crate) fn reserve_for_rest<T>(v: &mut Vec<T>, read: usize, total: usize) {
    if v.len() < v.capacity() {
        return;
    }
    let len = v.len();
    // The first few pushes go by `Vec`'s own rule: a density read from one
    // or two elements says little.
    if len < 8 || read == 0 {
        v.reserve(1);
        return;
    }
    let expected = len.saturating_mul(total) / read;
    // A sixteenth more than the estimate absorbs a slightly denser tail
    // without a second copy; an eighth of `len` keeps growth geometric when
    // the estimate is already passed.
    let want = expected
        .saturating_add(expected / 16)
        .max(len + len / 8 + 1);
    v.reserve_exact(want - len);
}

#[cfg(test)]
mod tests {
    use super::reserve_for_rest;

    #[test]
    fn a_uniform_text_gets_one_buffer_of_about_its_count() {
        // 100,000 elements of 10 bytes each: after the first eight, one
        // reservation covers the rest.
        let (n, each) = (100_000usize, 10usize);
        let mut v = Vec::new();
        let mut grew = 0;
        for i in 0..n {
            let cap = v.capacity();
            reserve_for_rest(&mut v, i * each, n * each);
            v.push(i);
            grew += usize::from(v.capacity() != cap);
        }
        assert!(grew <= 6, "grew {grew} times");
        assert!(v.capacity() <= n + n / 16 + 1, "capacity {}", v.capacity());
    }

    #[test]
    fn a_dense_tail_still_grows_geometrically() {
        // Sparse first half, dense second half: the estimate is passed and
        // growth falls back on an eighth each time, never one at a time.
        let mut v = Vec::new();
        let mut grew = 0;
        for i in 0..10_000usize {
            let read = if i < 100 { i * 1000 } else { 100_000 + i };
            let cap = v.capacity();
            reserve_for_rest(&mut v, read, 120_000);
            v.push(i);
            grew += usize::from(v.capacity() != cap);
        }
        assert!(grew < 60, "grew {grew} times");
    }
}
