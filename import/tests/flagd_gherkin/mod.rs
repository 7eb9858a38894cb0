//! A small Gherkin reader: Feature / Background / Scenario / Scenario Outline with tagged
//! Examples tables, expanded into scenarios of plain step texts (keywords dropped).

/// One scenario, Examples rows expanded.
pub struct Scenario {
    /// The title, with the Examples row's values for an outline.
    pub name: String,
    /// The feature's, the scenario's and the Examples block's tags.
    pub tags: Vec<String>,
    /// The step texts, background first, `<column>` replaced.
    pub steps: Vec<String>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

fn step(line: &str) -> Option<String> {
    ["Given ", "When ", "Then ", "And ", "But ", "* "].iter().find_map(|k| line.strip_prefix(k)).map(str::to_string)
}

struct Outline {
    name: String,
    tags: Vec<String>,
    steps: Vec<String>,
    outline: bool,
    examples: Vec<(Vec<String>, Vec<Vec<String>>)>,
}

/// Every scenario of a feature file.
pub fn scenarios(text: &str) -> Vec<Scenario> {
    let mut feature_tags = Vec::new();
    let mut background: Vec<String> = Vec::new();
    let mut in_background = false;
    let mut pending_tags: Vec<String> = Vec::new();
    let mut list: Vec<Outline> = Vec::new();
    let mut in_examples = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('@') {
            pending_tags.extend(line.split_whitespace().map(str::to_string));
        } else if line.starts_with("Feature:") {
            feature_tags = std::mem::take(&mut pending_tags);
        } else if line.starts_with("Background:") {
            in_background = true;
        } else if let Some(name) = line.strip_prefix("Scenario Outline:").or_else(|| line.strip_prefix("Scenario:")) {
            in_background = false;
            in_examples = false;
            let mut tags = feature_tags.clone();
            tags.append(&mut pending_tags);
            list.push(Outline {
                name: name.trim().to_string(),
                tags,
                steps: Vec::new(),
                outline: line.starts_with("Scenario Outline"),
                examples: Vec::new(),
            });
        } else if line.starts_with("Examples:") {
            in_examples = true;
            if let Some(o) = list.last_mut() {
                o.examples.push((std::mem::take(&mut pending_tags), Vec::new()));
            }
        } else if line.starts_with('|') {
            // A table: an Examples table, or a step's data table (not needed by the steps).
            if in_examples {
                if let Some((_, rows)) = list.last_mut().and_then(|o| o.examples.last_mut()) {
                    rows.push(cells(line));
                }
            }
        } else if let Some(s) = step(line) {
            if in_background {
                background.push(s);
            } else if let Some(o) = list.last_mut() {
                o.steps.push(s);
            }
        }
    }
    let mut out = Vec::new();
    for o in list {
        let mut steps = background.clone();
        // A step repeating the background's first ("an evaluator") adds nothing.
        steps.extend(o.steps.iter().filter(|s| !background.contains(s)).cloned());
        if !o.outline {
            out.push(Scenario { name: o.name, tags: o.tags, steps });
            continue;
        }
        for (tags, rows) in &o.examples {
            let Some((head, body)) = rows.split_first() else { continue };
            for row in body {
                let fill =
                    |s: &String| head.iter().zip(row).fold(s.clone(), |acc, (h, v)| acc.replace(&format!("<{h}>"), v));
                let mut all_tags = o.tags.clone();
                all_tags.extend(tags.iter().cloned());
                out.push(Scenario {
                    name: format!("{} [{}]", o.name, row.join(", ")),
                    tags: all_tags,
                    steps: steps.iter().map(fill).collect(),
                });
            }
        }
    }
    out
}
