//! Paths into a snapshot, for error messages: `flags.checkout.rules[2].clauses[0].op`.
//!
//! A path is a chain of borrowed segments on the loader's stack; it is only rendered into a
//! string when an error is reported, so valid snapshots pay nothing for it.

use crate::json::write_quoted;
use alloc::string::String;

#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub fn key(&'a self, name: &'a str) -> Path<'a> {
        Path::Key(self, name)
    }

    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match *self {
            Path::Root => {}
            Path::Key(parent, name) => {
                parent.write(out);
                if is_plain(name) {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                } else {
                    out.push('[');
                    write_quoted(out, name);
                    out.push(']');
                }
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(itoa::Buffer::new().format(i));
                out.push(']');
            }
        }
    }
}

/// Keys written as `.name`: ASCII letters, digits, `_` and `-`, not starting with a digit.
fn is_plain(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
}

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn renders_the_documented_form() {
        let root = Path::Root;
        let flags = root.key("flags");
        let flag = flags.key("checkout");
        let rules = flag.key("rules");
        let rule = rules.index(2);
        let op = rule.key("op");
        assert_eq!(op.render(), "flags.checkout.rules[2].op");
        let odd = flags.key("🚀 launch");
        let on = odd.key("on");
        assert_eq!(on.render(), "flags[\"🚀 launch\"].on");
        let digit = flags.key("1st");
        assert_eq!(digit.render(), "flags[\"1st\"]");
        assert_eq!(Path::Root.render(), "");
    }
}
