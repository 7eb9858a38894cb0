//! Imported snapshots' patterns (`jsRegex`, docs/snapshot.md) matched by workerd's own RegExp:
//! exactly what the JavaScript SDKs the imports come from match, and no engine in the upload
//! (regress would add 177 KB gzipped). The RegExp objects stay in this isolate's table, by handle,
//! until the snapshot holding them is dropped.

use edgeflag::regex::{Matcher, Regexes};
use std::cell::RefCell;
use std::sync::Arc;
use worker::js_sys::RegExp;

thread_local! {
    static TABLE: RefCell<Vec<Option<RegExp>>> = const { RefCell::new(Vec::new()) };
}

struct Handle(usize);

impl Matcher for Handle {
    fn test(&self, text: &str) -> bool {
        TABLE.with_borrow(|t| t.get(self.0).and_then(Option::as_ref).is_some_and(|re| re.test(text)))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        TABLE.with_borrow_mut(|t| {
            if let Some(slot) = t.get_mut(self.0) {
                *slot = None;
            }
        });
    }
}

// Only patterns of the subset get here (the core checks them first), which RegExp reads.
fn compile(pattern: &str, ignore_case: bool) -> Option<Arc<dyn Matcher>> {
    let re = RegExp::new(pattern, if ignore_case { "i" } else { "" });
    let handle = TABLE.with_borrow_mut(|t| match t.iter().position(Option::is_none) {
        Some(i) => {
            t[i] = Some(re);
            i
        }
        None => {
            t.push(Some(re));
            t.len() - 1
        }
    });
    Some(Arc::new(Handle(handle)))
}

static WORKERD: Regexes = Regexes { compile };

/// Installs workerd's RegExp (once per isolate; later calls change nothing).
pub fn install() {
    edgeflag::regex::install(&WORKERD);
}
