//! `evalpress new report <slug>` -> a report folder that builds at once.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Pos};

/// Creates `content/<slug>/index.md` under `root`, dated `date` (YYYY-MM-DD).
/// Refuses invalid slugs and existing folders; returns the file written.
pub fn new_report(root: &Path, slug: &str, date: &str) -> Result<PathBuf, Diagnostic> {
    crate::load::check_slug(slug).map_err(|suggestion| {
        Diagnostic::error(
            "content",
            Pos::FILE,
            format!("`{slug}` is not a valid report slug"),
        )
        .help(format!(
            "use lowercase letters a-z, digits and hyphens, e.g. `{suggestion}`"
        ))
    })?;
    let dir = root.join("content").join(slug);
    if dir.exists() {
        return Err(
            Diagnostic::error(&dir, Pos::FILE, "a report with this slug already exists")
                .help("choose another slug or edit the existing report"),
        );
    }
    fs::create_dir_all(&dir).map_err(|e| {
        Diagnostic::error(&dir, Pos::FILE, format!("cannot create folder: {e}"))
            .help("check permissions")
    })?;
    let path = dir.join("index.md");
    fs::write(&path, template(slug, date)).map_err(|e| {
        Diagnostic::error(&path, Pos::FILE, format!("cannot write file: {e}"))
            .help("check permissions")
    })?;
    Ok(path)
}

fn template(slug: &str, date: &str) -> String {
    let title = slug.replace('-', " ");
    format!(
        r#"---
title: "{title}"
subtitle: ""
kind: evaluering
date: {date}
publisher: ""
authors: []
identifiers: []
summary: "En kort beskrivelse til forsiden."
draft: false
chapters: []
---

Skriv rapportens indledende tekst her.

# Indledning

Kapitler skrives med `#`, afsnit med `##`. Nummererede elementer skrives som direktiver:

```box
label: eksempel
title: Et eksempel på en boks
---
Indholdet af boksen er almindelig Markdown.
```

Henvis til elementet med [@eksempel].
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_slugs_and_existing_reports() {
        let dir = std::env::temp_dir().join(format!("evalpress-scaffold-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        assert!(new_report(&dir, "Bad Slug", "2024-01-01").is_err());
        let path = new_report(&dir, "ny-rapport", "2024-01-01").unwrap();
        assert!(
            fs::read_to_string(path)
                .unwrap()
                .contains("date: 2024-01-01")
        );
        assert!(new_report(&dir, "ny-rapport", "2024-01-01").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
