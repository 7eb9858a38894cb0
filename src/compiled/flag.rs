//! Flags: key, switches (bit 0 on, 1 client-visible, 2 tracked), kind, variations, the off
//! variation, targets, rules, fallthrough, prerequisites and metadata.

use super::bytes::{Reader, Result, Writer};
use super::clause::{self, attribute};
use super::{json, serve, Bounds};
use crate::limits::{MAX_LIST_ITEMS, MAX_RULES, MAX_VARIATIONS};
use crate::model::flag::{Flag, Metadata, Prerequisite, TargetGroup};
use crate::model::rule::Rule;
use crate::model::variation::{Kind, Variation};
use crate::sets::KeyMap;
use alloc::string::String;

const KINDS: [Kind; 4] = [Kind::Boolean, Kind::String, Kind::Number, Kind::Json];

/// A flag; `peers` when the header announces PEERS (a rule's prerequisites follow its serve).
pub(super) fn write(w: &mut Writer, f: &Flag, peers: bool) {
    let _ = peers;
    w.str(&f.key);
    w.u8(f.on as u8 | (f.client_visible as u8) << 1 | (f.track_events as u8) << 2);
    w.u8(KINDS.iter().position(|k| *k == f.kind).unwrap_or(0) as u8);
    w.list(&f.variations, |w, v| {
        w.str(&v.name);
        json::write(w, &v.value);
    });
    w.option(f.off_variation);
    w.list(&f.targets, |w, g| {
        w.str(&g.attr.text);
        for map in [&g.entries, &g.hashed] {
            w.list(map.entries(), |w, (unit, (variation, target))| {
                w.str(unit);
                w.uint(*variation as u64);
                w.uint(*target as u64);
            });
        }
    });
    w.list(&f.rules, |w, rule| {
        w.str(&rule.id);
        clause::write_all(w, &rule.clauses);
        serve::write(w, &rule.serve);
        #[cfg(feature = "peers")]
        if peers {
            w.list(&rule.prerequisites, |w, p| {
                w.uint(p.flag as u64);
                w.list(&p.variations, |w, v| w.uint(*v as u64));
            });
        }
    });
    serve::write(w, &f.fallthrough);
    w.list(&f.prerequisites, |w, p| {
        w.uint(p.flag as u64);
        w.uint(p.variation as u64);
    });
    let m = &f.metadata;
    for text in [&m.description, &m.owner] {
        w.u8(text.is_some() as u8);
        w.str(text.as_deref().unwrap_or_default());
    }
    for time in [m.created_at, m.expires_at] {
        w.u8(time.is_some() as u8);
        w.int(time.unwrap_or(0));
    }
    w.list(&m.tags, |w, t| w.str(t));
}

/// A flag. Its prerequisites' variations are checked once every flag is read.
pub(super) fn read(r: &mut Reader<'_>, b: &Bounds) -> Result<Flag> {
    let key = r.string()?;
    let bits = r.u8()?;
    let kind = KINDS[r.below(KINDS.len())? as usize];
    let variations = r.list(MAX_VARIATIONS, |r| Ok(Variation { name: r.string()?, value: json::read(r)? }))?;
    let n = variations.len();
    if n == 0 {
        return r.fail("a flag without variations");
    }
    let off_variation = r.option(n)?;
    let targets = r.list(MAX_LIST_ITEMS, |r| {
        let attr = attribute(r)?;
        let mut map = || {
            let entries = r.list(MAX_LIST_ITEMS, |r| Ok((r.string()?, (r.below(n)?, r.below(u32::MAX as usize)?))))?;
            match KeyMap::sorted(entries) {
                Some(m) => Ok(m),
                None => r.fail("targets out of order"),
            }
        };
        Ok(TargetGroup { attr, entries: map()?, hashed: map()? })
    })?;
    let rules = r.list(MAX_RULES, |r| {
        Ok(Rule {
            id: r.string()?,
            clauses: clause::read_all(r, b)?,
            serve: serve::read(r, b, n, true)?,
            #[cfg(feature = "peers")]
            prerequisites: match b.peers {
                true => r.list(MAX_LIST_ITEMS, |r| {
                    let flag = r.below(b.flags)?;
                    let variations = r.list(MAX_VARIATIONS, |r| r.below(MAX_VARIATIONS))?;
                    Ok(crate::model::rule::RulePrerequisite { flag, variations })
                })?,
                false => alloc::vec::Vec::new(),
            },
        })
    })?;
    let fallthrough = serve::read(r, b, n, false)?;
    let prerequisites =
        r.list(MAX_LIST_ITEMS, |r| Ok(Prerequisite { flag: r.below(b.flags)?, variation: r.below(MAX_VARIATIONS)? }))?;
    let mut text = || -> Result<Option<String>> {
        let present = r.bool()?;
        let s = r.string()?;
        Ok(present.then_some(s))
    };
    let (description, owner) = (text()?, text()?);
    let mut time = || -> Result<Option<i64>> {
        let present = r.bool()?;
        let t = r.int()?;
        Ok(present.then_some(t))
    };
    let (created_at, expires_at) = (time()?, time()?);
    let tags = r.list(MAX_LIST_ITEMS, Reader::string)?;
    Ok(Flag {
        key,
        on: bits & 1 != 0,
        kind,
        variations,
        off_variation,
        targets,
        rules,
        fallthrough,
        prerequisites,
        client_visible: bits & 2 != 0,
        track_events: bits & 4 != 0,
        metadata: Metadata { description, owner, created_at, expires_at, tags },
        is_static: false, // Snapshot::from_parts derives it
    })
}

/// Flags and the prerequisites they name: each names a variation its flag has.
pub(super) fn check_prerequisites(r: &Reader<'_>, flags: &[Flag]) -> Result<()> {
    for f in flags {
        for p in &f.prerequisites {
            if p.variation as usize >= flags[p.flag as usize].variations.len() {
                return r.fail("a prerequisite on a variation its flag does not have");
            }
        }
        #[cfg(feature = "peers")]
        for p in f.rules.iter().flat_map(|rule| &rule.prerequisites) {
            let of = flags[p.flag as usize].variations.len();
            if p.variations.is_empty() || p.variations.iter().any(|&v| v as usize >= of) {
                return r.fail("a rule's prerequisite on a variation its flag does not have");
            }
        }
    }
    Ok(())
}
