//! Flags: the kill switch, variations, targets, rules, fallthrough, prerequisites, metadata.

use super::attribute::AttrRef;
use super::rule::Rule;
use super::serve::Serve;
use super::variation::{Kind, Variation};
use crate::sets::KeyMap;
use alloc::string::String;
use alloc::vec::Vec;

/// Descriptive data; never affects evaluation.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    /// What the flag is for.
    pub description: Option<String>,
    /// Who to ask about it.
    pub owner: Option<String>,
    /// When it was created (ms since the epoch).
    pub created_at: Option<i64>,
    /// When it is due to be removed (ms since the epoch).
    pub expires_at: Option<i64>,
    /// Free-form labels.
    pub tags: Vec<String>,
}

/// The targets of one attribute: unit value → (variation, index of the target in the flag).
#[derive(Clone, Debug)]
pub(crate) struct TargetGroup {
    pub attr: AttrRef,
    pub entries: KeyMap<(u32, u32)>,
    /// The same for hashed values: hash (hex) → (variation, index of the target).
    pub hashed: KeyMap<(u32, u32)>,
}

/// `flag` must serve `variation` (indexes into the snapshot's flags and that flag's variations).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Prerequisite {
    pub flag: u32,
    pub variation: u32,
}

/// A compiled flag.
#[derive(Clone, Debug)]
pub struct Flag {
    pub(crate) key: String,
    pub(crate) on: bool,
    pub(crate) kind: Kind,
    pub(crate) variations: Vec<Variation>,
    pub(crate) off_variation: Option<u32>,
    pub(crate) targets: Vec<TargetGroup>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) fallthrough: Serve,
    pub(crate) prerequisites: Vec<Prerequisite>,
    pub(crate) client_visible: bool,
    /// Evaluations produce exposures (`trackEvents`, default true); summaries count them either way.
    pub(crate) track_events: bool,
    pub(crate) metadata: Metadata,
    /// On, with no prerequisites, targets or rules, and a fixed fallthrough.
    pub(crate) is_static: bool,
}

impl Flag {
    /// The flag key.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The kill switch.
    pub fn is_on(&self) -> bool {
        self.on
    }
    /// The kind of its values.
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// Its variations, in order.
    pub fn variations(&self) -> &[Variation] {
        &self.variations
    }
    /// May it be sent to browsers?
    pub fn client_visible(&self) -> bool {
        self.client_visible
    }
    /// Do its evaluations produce exposures? (Summaries count them either way.)
    pub fn track_events(&self) -> bool {
        self.track_events
    }
    /// Description, owner, dates, tags.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
    /// The flags its prerequisites name, as positions in [`crate::Snapshot::flags`], in order;
    /// then those its rules' prerequisites name (imported snapshots).
    pub fn prerequisite_flags(&self) -> impl Iterator<Item = usize> + '_ {
        let own = self.prerequisites.iter().map(|p| p.flag as usize);
        #[cfg(feature = "peers")]
        let own = own.chain(self.rules.iter().flat_map(|r| r.prerequisites.iter().map(|p| p.flag as usize)));
        own
    }
    /// Ids of its rules, in order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
    /// How many buckets each rollout and experiment the flag serves has, rules first: 100000
    /// for edgeflag's scheme, the weights' sum for a peer's (`docs/bucketing.md`). A result's
    /// `bucket` is below its rollout's.
    pub fn bucket_totals(&self) -> impl Iterator<Item = u32> + '_ {
        self.rules.iter().map(|r| &r.serve).chain([&self.fallthrough]).filter_map(|s| match s {
            Serve::Variation(_) => None,
            Serve::Rollout(r) => Some(r.slices.total()),
            Serve::Experiment(e) => Some(e.slices.total()),
            #[cfg(feature = "peers")]
            Serve::Peer(p) => Some(p.slices.total()),
        })
    }
}
