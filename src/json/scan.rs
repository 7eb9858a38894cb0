//! A structural scan of JSON text: member names as written and where values end, without
//! parsing them. Signed snapshots are found this way, so that the signed bytes are checked before
//! anything reads them (`crate::signature`).

/// `text` without JSON whitespace (space, tab, LF, CR) at its end, or at its start too when
/// `trim` is used: byte loops, lighter in the Wasm module than `str`'s pattern trimming.
pub(crate) fn trim_end(text: &str) -> &str {
    let mut end = text.len();
    while end > 0 && is_whitespace(text.as_bytes()[end - 1]) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

pub(crate) fn trim(text: &str) -> &str {
    let text = trim_end(text);
    let start = text.bytes().take_while(|&b| is_whitespace(b)).count();
    text.get(start..).unwrap_or_default()
}

pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Finds an envelope's parts without parsing them: member names as written and where values
/// end. Only structure is read here; each part is parsed afterwards.
pub(crate) struct Scan<'t> {
    pub text: &'t str,
    pub i: usize,
}

impl<'t> Scan<'t> {
    pub fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    pub fn whitespace(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.i += 1;
        }
    }

    /// `byte` after optional whitespace: consumed, or false.
    pub fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        let found = self.peek() == Some(byte);
        self.i += usize::from(found);
        found
    }

    /// A string after optional whitespace, as written between its quotes (escapes kept).
    pub fn name(&mut self) -> Option<&'t str> {
        self.whitespace();
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.i + 1;
        self.string()?;
        self.text.get(start..self.i - 1)
    }

    /// Skips a string at its opening quote, leaving `i` after the closing one.
    pub fn string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }

    /// Skips a value up to the `,` or `}` that ends it (outside strings, at its own level):
    /// its byte range without the whitespace after it.
    pub fn value(&mut self) -> Option<(usize, usize)> {
        self.whitespace();
        let start = self.i;
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b',' | b'}' | b']' if depth == 0 => break,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
            self.i += 1;
        }
        let end = start + trim_end(self.text.get(start..self.i)?).len();
        Some((start, end))
    }
}
