//! The compiled form's primitives (`docs/compiled.md`, "Encoding"): unsigned LEB128 integers,
//! zigzag for signed ones, little-endian `f64`, and strings as a length and UTF-8 bytes. The
//! reader checks every length against the bytes left, so a claimed count never allocates more
//! than the input could hold.

use alloc::string::String;
use alloc::vec::Vec;

/// Where and why the bytes are not a compiled snapshot this reader wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Corrupt {
    /// Byte offset in the body.
    pub at: usize,
    pub why: &'static str,
}

pub(crate) type Result<T> = core::result::Result<T, Corrupt>;

/// Appends the encoding of values to a byte vector.
#[derive(Default)]
pub(crate) struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, b: u8) {
        self.out.push(b);
    }

    pub fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.out.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }

    pub fn int(&mut self, n: i64) {
        self.uint(((n << 1) ^ (n >> 63)) as u64);
    }

    /// A count or an index (below 2^32 everywhere in a snapshot).
    pub fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    pub fn f64(&mut self, x: f64) {
        self.out.extend_from_slice(&x.to_le_bytes());
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// 0 for none, else 1 + `n`.
    pub fn option(&mut self, n: Option<u32>) {
        self.uint(n.map_or(0, |n| n as u64 + 1));
    }

    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.len(items.len());
        for item in items {
            each(self, item);
        }
    }
}

/// Reads the encoding back, refusing what runs past the end or is out of range.
pub(crate) struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl<'b> Reader<'b> {
    pub fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader { bytes, pos: 0 }
    }

    pub fn fail<T>(&self, why: &'static str) -> Result<T> {
        Err(Corrupt { at: self.pos, why })
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    pub fn u8(&mut self) -> Result<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => self.fail("truncated"),
        }
    }

    pub fn uint(&mut self) -> Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            // The tenth byte may carry only the top bit; a longer form is not the shortest.
            if shift == 63 && b > 1 {
                return self.fail("integer out of range");
            }
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        self.fail("integer out of range")
    }

    pub fn int(&mut self) -> Result<i64> {
        let n = self.uint()?;
        Ok((n >> 1) as i64 ^ -((n & 1) as i64))
    }

    /// An integer below `limit`: a count or an index.
    pub fn below(&mut self, limit: usize) -> Result<u32> {
        match self.uint()? {
            n if n < limit as u64 && n <= u32::MAX as u64 => Ok(n as u32),
            _ => self.fail("index or count out of range"),
        }
    }

    /// A count of items each at least one byte long, within `limit`.
    pub fn count(&mut self, limit: usize) -> Result<usize> {
        let left = self.bytes.len() - self.pos;
        Ok(self.below(limit.min(left) + 1)? as usize)
    }

    pub fn f64(&mut self) -> Result<f64> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8]> {
        match self.bytes.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(b) => {
                self.pos += n;
                Ok(b)
            }
            None => self.fail("truncated"),
        }
    }

    pub fn bytes(&mut self) -> Result<&'b [u8]> {
        let n = self.uint()?;
        match usize::try_from(n) {
            Ok(n) => self.take(n),
            Err(_) => self.fail("truncated"),
        }
    }

    pub fn str(&mut self) -> Result<&'b str> {
        let at = self.pos;
        let b = self.bytes()?;
        core::str::from_utf8(b).map_err(|_| Corrupt { at, why: "text is not UTF-8" })
    }

    pub fn string(&mut self) -> Result<String> {
        self.str().map(String::from)
    }

    /// 0 for none, else 1 + a value below `limit`.
    pub fn option(&mut self, limit: usize) -> Result<Option<u32>> {
        match self.below(limit.saturating_add(1))? {
            0 => Ok(None),
            n => Ok(Some(n - 1)),
        }
    }

    pub fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => self.fail("not a boolean"),
        }
    }

    /// A count within `limit`, then that many items.
    pub fn list<T>(&mut self, limit: usize, mut each: impl FnMut(&mut Reader<'b>) -> Result<T>) -> Result<Vec<T>> {
        let n = self.count(limit)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_at_their_edges() {
        for n in [0, 1, 127, 128, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
            let mut w = Writer::default();
            w.uint(n);
            assert_eq!(Reader::new(&w.out).uint(), Ok(n));
        }
        for n in [0, -1, 1, i64::MIN, i64::MAX, -1_700_000_000_000] {
            let mut w = Writer::default();
            w.int(n);
            assert_eq!(Reader::new(&w.out).int(), Ok(n));
        }
    }

    #[test]
    fn overlong_and_truncated_integers_are_refused() {
        assert!(Reader::new(&[0xff; 11]).uint().is_err());
        assert!(Reader::new(&[0x80; 3]).uint().is_err());
        assert!(Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]).uint().is_err());
    }

    #[test]
    fn counts_cannot_claim_more_than_the_bytes_left() {
        let mut w = Writer::default();
        w.len(1_000_000);
        w.u8(0);
        assert!(Reader::new(&w.out).count(usize::MAX).is_err());
        assert!(Reader::new(&[5, 1, 2]).str().is_err());
        assert!(Reader::new(&[2, 0xc3, 0x28]).str().is_err());
    }
}
