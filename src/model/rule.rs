//! Rules: clauses that must all match, and what to serve when they do.

use super::clause::Clause;
use super::serve::Serve;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub clauses: Vec<Clause>,
    pub serve: Serve,
}
