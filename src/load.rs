//! Site root -> `Sources`: the report folders under `content/` and the theme files, sorted.
//!
//! This stage only reads. It checks what the file system can get wrong (symlink loops, links
//! leaving the root or pointing nowhere, devices and pipes, files too large, bad folder names,
//! unreadable or non-UTF-8 files) and never guesses an order: reports are sorted by slug,
//! chapters are ordered later by front matter. Every text file is read through
//! [`read_capped`], which never reads more than [`MAX_SOURCE_BYTES`], whatever the file
//! system says its size is.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::{
    Asset, AssetData, ReportListing, ReportSource, SourceFile, Sources, ThemeSource,
};
use crate::themes;

/// The largest Markdown or YAML source file read; larger files are refused unread.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// The bytes of the regular file at `path`, refusing, before anything is read, devices, pipes
/// and sockets (`InvalidInput`: `/dev/zero` reports a size of 0 and never ends; opening a pipe
/// blocks) and files larger than [`MAX_SOURCE_BYTES`] (`FileTooLarge`). The read itself stops
/// one byte past the cap, so a file that grows while it is read cannot exhaust memory either.
pub fn read_capped(path: &Path) -> io::Result<Vec<u8>> {
    read_at_most(path, MAX_SOURCE_BYTES)
}

fn read_at_most(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let too_large = |size: String| {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "file is {size}, over the limit of {cap} bytes ({} MiB)",
                cap >> 20
            ),
        )
    };
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a device, pipe or socket)",
        ));
    }
    if meta.len() > cap {
        return Err(too_large(format!("{} bytes", meta.len())));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(path)?
        .take(cap + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large("larger than its size said".to_string()));
    }
    Ok(bytes)
}

/// [`read_capped`] for UTF-8 text: a drop-in for `fs::read_to_string` with the same limits,
/// with line ends made one kind ([`normalize_line_ends`]).
pub fn read_to_string_capped(path: &Path) -> io::Result<String> {
    read_text_at_most(path, MAX_SOURCE_BYTES)
}

/// [`read_to_string_capped`] with the limit `cap`, for files evalpress writes itself and that
/// grow with the site (the snapshots of `changes`).
pub fn read_text_at_most(path: &Path, cap: u64) -> io::Result<String> {
    String::from_utf8(read_at_most(path, cap)?)
        .map(normalize_line_ends)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
}

/// A lone `\r` (an old Mac line end) becomes `\n`; `\r\n` stays. YAML and CommonMark count a
/// lone `\r` as a line break and the line index does not, so without this the positions in one
/// file disagreed (a YAML error placed past the file's last line, found by fuzzing). Byte
/// offsets are unchanged.
pub fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let bytes: Vec<u8> = text
        .as_bytes()
        .iter()
        .enumerate()
        .map(|(i, &b)| match (b, text.as_bytes().get(i + 1)) {
            (b'\r', Some(b'\n')) => b'\r',
            (b'\r', _) => b'\n',
            _ => b,
        })
        .collect();
    // Only ASCII bytes were replaced by ASCII bytes.
    String::from_utf8(bytes).expect("still UTF-8")
}

/// The text of a theme asset (a stylesheet), compiled in or read with the limits above.
pub fn asset_text(asset: &Asset) -> Result<String, Diagnostic> {
    let text = match &asset.data {
        AssetData::Embedded(bytes) => String::from_utf8(bytes.to_vec())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.utf8_error())),
        AssetData::File(path) => read_to_string_capped(path),
    };
    text.map_err(|e| {
        Diagnostic::error(
            &asset.source,
            Pos::FILE,
            format!("cannot read the file: {e}"),
        )
        .help("save it as UTF-8 text")
    })
}

/// Reads the sources of the site at `root` with the theme named `theme`.
pub fn load(root: &Path, theme: &str) -> (Sources, Diagnostics) {
    let mut diags = Diagnostics::new();
    let content = root.join("content");
    let mut reports = Vec::new();
    let mut front_page = None;
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("content", Pos::FILE, "the site has no content/ folder")
                .help("create content/<slug>/index.md, or run `evalpress new report <slug>`"),
        );
    } else {
        for (entry, kind) in sorted_entries(root, &content, &mut diags) {
            let rel = relative(root, &entry);
            let name = file_name(&entry);
            if kind.is_dir() {
                if let Some(report) = load_report(root, (&entry, kind), &name, &mut diags) {
                    reports.push(report);
                }
            } else if name == "_index.md" {
                front_page = read_text(root, &entry, &mut diags);
            } else if !name.starts_with('.') {
                diags.push(
                    Diagnostic::warning(&rel, Pos::FILE, "file ignored: content/ holds report folders")
                        .help("move the file into a report folder, or use content/_index.md for the front page"),
                );
            }
        }
    }
    let theme = load_theme(root, theme, &mut diags);
    (
        Sources {
            front_page,
            reports,
            theme,
        },
        diags,
    )
}

fn load_report(
    root: &Path,
    (dir, kind): (&Path, Kind),
    slug: &str,
    diags: &mut Diagnostics,
) -> Option<ReportListing> {
    let rel = relative(root, dir);
    if let Err(suggestion) = check_slug(slug) {
        diags.push(
            Diagnostic::error(&rel, Pos::FILE, format!("report folder name `{slug}` is not a valid slug"))
                .help(format!(
                    "use lowercase letters a-z, digits and hyphens, e.g. `{suggestion}`; the name becomes the URL"
                )),
        );
        return None;
    }
    let index_path = dir.join("index.md");
    let flat = (kind == Kind::Folder).then(|| list_flat(dir)).flatten();
    // A link, device or pipe named index.md is there, and read_text says what is wrong with it.
    let listed = flat
        .as_ref()
        .is_some_and(|files| files.contains(&index_path));
    if !listed && fs::symlink_metadata(&index_path).is_err() {
        diags.push(
            Diagnostic::error(&rel, Pos::FILE, "report folder has no index.md")
                .help("add index.md with front matter, or run `evalpress new report <slug>`"),
        );
        return None;
    }
    let mut markdown = BTreeMap::new();
    let mut assets = Vec::new();
    let files = flat.unwrap_or_else(|| walk_files(root, dir, diags));
    for entry in files {
        let name = file_name(&entry);
        let inner = entry
            .strip_prefix(dir)
            .unwrap_or(&entry)
            .to_string_lossy()
            .replace('\\', "/");
        if name.starts_with('.') || inner == "index.md" {
            continue;
        }
        if name.ends_with(".md") && !inner.contains('/') {
            markdown.insert(name, entry);
        } else {
            assets.push(Asset {
                data: AssetData::File(entry.clone()),
                source: relative(root, &entry),
                to: format!("{slug}/{inner}"),
            });
        }
    }
    Some(ReportListing {
        slug: slug.to_string(),
        index: index_path,
        markdown,
        assets,
    })
}

/// Reads the Markdown files of one listed report (under the site `root`); `None` when its
/// `index.md` cannot be read, with an error naming the file. Called inside the report's parse
/// task: the text lives only while the report is parsed.
pub fn read_report(root: &Path, listing: &ReportListing) -> (Option<ReportSource>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let index = read_text(root, &listing.index, &mut diags);
    let markdown = listing
        .markdown
        .iter()
        .filter_map(|(name, path)| Some((name.clone(), read_text(root, path, &mut diags)?)))
        .collect();
    let report = index.map(|index| ReportSource {
        slug: listing.slug.clone(),
        index,
        markdown,
        assets: listing.assets.clone(),
    });
    (report, diags)
}

/// The default theme compiled into the binary, with the site's `themes/default/` and then
/// `themes/<name>/` laid over it file by file.
fn load_theme(root: &Path, name: &str, diags: &mut Diagnostics) -> ThemeSource {
    let mut theme = themes::embedded();
    let mut layers = vec!["default".to_string()];
    if name != "default" {
        layers.push(name.to_string());
        if !root.join("themes").join(name).is_dir() {
            diags.push(
                Diagnostic::error(
                    "evalpress.yaml",
                    Pos::FILE,
                    format!("theme `{name}` not found"),
                )
                .help(format!("create themes/{name}/ or set `theme: default`")),
            );
        }
    }
    for layer in layers {
        let dir = root.join("themes").join(&layer);
        if !dir.is_dir() {
            continue;
        }
        for entry in walk_files(root, &dir, diags) {
            let inner = entry
                .strip_prefix(&dir)
                .unwrap_or(&entry)
                .to_string_lossy()
                .replace('\\', "/");
            let rel = relative(root, &entry);
            if let Some(tpl) = inner.strip_prefix("templates/") {
                if let Some(file) = read_text(root, &entry, diags) {
                    theme.templates.insert(tpl.to_string(), file);
                }
            } else if let Some(loc) = inner
                .strip_prefix("locales/")
                .and_then(|l| l.strip_suffix(".yaml"))
            {
                if let Some(file) = read_text(root, &entry, diags) {
                    theme.locales.insert(loc.to_string(), file);
                }
            } else if let Some(asset) = inner.strip_prefix("static/") {
                let to = format!("static/{asset}");
                theme.assets.retain(|a| a.to != to);
                theme.assets.push(Asset {
                    data: AssetData::File(entry.clone()),
                    source: rel,
                    to,
                });
            } else if !file_name(&entry).starts_with('.') {
                diags.push(
                    Diagnostic::warning(
                        &rel,
                        Pos::FILE,
                        "file ignored: not under templates/, static/ or locales/",
                    )
                    .help("themes hold templates/*.html, static/* and locales/<code>.yaml"),
                );
            }
        }
    }
    theme.assets.sort_by(|a, b| a.to.cmp(&b.to));
    theme
}

/// A slug is lowercase ASCII letters, digits and single hyphens; on failure, a suggestion.
pub fn check_slug(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if ok {
        Ok(())
    } else {
        Err(crate::markdown::slugify(slug))
    }
}

/// What an entry of a listed folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folder,
    /// A symbolic link to a folder (inside the site).
    LinkedFolder,
    Other,
}

impl Kind {
    fn is_dir(self) -> bool {
        self != Kind::Other
    }
}

/// The folder's entries sorted by name, with symlinks checked, each with its kind.
fn sorted_entries(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<(PathBuf, Kind)> {
    let mut out = Vec::new();
    match fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                // The kind comes with the listing; only a link needs a look at what it names.
                let kind = match entry.file_type() {
                    Ok(t) if t.is_dir() => Kind::Folder,
                    Ok(t) if !t.is_symlink() => Kind::Other,
                    _ if !check_link(root, &path, diags) => continue,
                    _ if path.is_dir() => Kind::LinkedFolder,
                    _ => Kind::Other,
                };
                out.push((path, kind));
            }
        }
        Err(e) => diags.push(
            Diagnostic::error(
                relative(root, dir),
                Pos::FILE,
                format!("cannot read folder: {e}"),
            )
            .help("check that the folder exists and is readable"),
        ),
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every file under `dir`, sorted, following symlinks that stay inside the root.
pub(crate) fn walk_files(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if let Some(files) = flat_files(dir) {
        return files;
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(next) = it.next() {
        match next {
            Ok(entry) => {
                if entry.path_is_symlink() && !check_link(root, entry.path(), diags) {
                    if entry.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    continue;
                }
                let kind = entry.file_type();
                if kind.is_file() {
                    out.push(entry.into_path());
                } else if !kind.is_dir() {
                    diags.push(
                        Diagnostic::error(
                            relative(root, entry.path()),
                            Pos::FILE,
                            "not a regular file (a device, pipe or socket)",
                        )
                        .help("remove it, or replace it with an ordinary file"),
                    );
                }
            }
            Err(e) => {
                // A link that dangles or loops on itself fails here, before check_link saw it.
                if let Some(p) = e.path().filter(|p| p.is_symlink())
                    && e.loop_ancestor().is_none()
                    && !check_link(root, p, diags)
                {
                    continue;
                }
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| relative(root, dir));
                let (message, help) = if e.loop_ancestor().is_some() {
                    (
                        "symbolic link loop".to_string(),
                        "remove the link that points back to its own folder",
                    )
                } else {
                    (
                        format!("cannot read: {e}"),
                        "check that the file exists and is readable",
                    )
                };
                diags.push(Diagnostic::error(path, Pos::FILE, message).help(help));
            }
        }
    }
    out
}

/// The files of `dir`, sorted, when it is no link and holds nothing but regular files (most
/// report folders): what [`walk_files`] gives, from one listing. A walk that follows links
/// first resolves the folder's path and each of its parents (to see link loops), several
/// system calls per report at a thousand reports. `None` for anything else.
fn flat_files(dir: &Path) -> Option<Vec<PathBuf>> {
    if !fs::symlink_metadata(dir).ok()?.is_dir() {
        return None;
    }
    list_flat(dir)
}

/// [`flat_files`] of a folder known to be no link.
fn list_flat(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        if !entry.file_type().ok()?.is_file() {
            return None;
        }
        files.push(entry.path());
    }
    // One folder: the order of the paths is the order of the names.
    files.sort();
    Some(files)
}

/// False (with an error) for a symlink that dangles or points outside the site root.
fn check_link(root: &Path, path: &Path, diags: &mut Diagnostics) -> bool {
    let is_link = fs::symlink_metadata(path)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    if !is_link {
        return true;
    }
    let rel = relative(root, path);
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(e) => {
            let to = fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            let message = if e.kind() == io::ErrorKind::NotFound {
                format!("symbolic link points to `{to}`, which does not exist")
            } else {
                format!("symbolic link to `{to}` never reaches a file (a loop of links)")
            };
            diags.push(
                Diagnostic::error(rel, Pos::FILE, message)
                    .help("remove the link or point it at a file inside the site"),
            );
            return false;
        }
    };
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if !target.starts_with(&root) {
        diags.push(
            Diagnostic::error(
                rel,
                Pos::FILE,
                format!(
                    "symbolic link points outside the site root, to {}",
                    target.display()
                ),
            )
            .help("copy the file into the site instead of linking to it"),
        );
        return false;
    }
    true
}

/// A source text file, or `None` with an error naming what is wrong with it.
fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    if !check_link(root, path, diags) {
        return None;
    }
    let rel = relative(root, path);
    let bytes = match read_capped(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let help = match e.kind() {
                io::ErrorKind::FileTooLarge => "split the text into chapter files",
                io::ErrorKind::InvalidInput => "remove it, or replace it with an ordinary file",
                _ => "check that the file exists and is readable",
            };
            let message = match e.kind() {
                io::ErrorKind::FileTooLarge | io::ErrorKind::InvalidInput => e.to_string(),
                _ => format!("cannot read file: {e}"),
            };
            diags.push(Diagnostic::error(&rel, Pos::FILE, message).help(help));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(SourceFile {
            path: rel,
            text: normalize_line_ends(text.trim_start_matches('\u{feff}').to_string()),
        }),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            diags.push(
                Diagnostic::error(&rel, Pos::of_offset(&text, at), "file is not valid UTF-8")
                    .help("save the file as UTF-8"),
            );
            None
        }
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_folder_is_listed_as_the_walk_lists_it() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r");
        fs::create_dir(&report).unwrap();
        for name in ["index.md", "b.png", "a.csv", "Z.txt"] {
            fs::write(report.join(name), name).unwrap();
        }
        let mut diags = Diagnostics::new();
        let flat = flat_files(&report).expect("only files");
        let walked: Vec<PathBuf> = WalkDir::new(&report)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        assert_eq!(flat, walked);
        assert_eq!(walk_files(dir.path(), &report, &mut diags), walked);
        // A sub-folder (or a link) takes the walk, which goes into it.
        fs::create_dir(report.join("img")).unwrap();
        fs::write(report.join("img/c.png"), "c").unwrap();
        assert_eq!(flat_files(&report), None);
        let all = walk_files(dir.path(), &report, &mut diags);
        assert!(all.contains(&report.join("img/c.png")), "{all:?}");
        assert_eq!(all.len(), 5);
        assert!(diags.iter().next().is_none());
    }

    #[test]
    fn slugs_are_checked_with_a_suggestion() {
        assert!(check_slug("rapport-2024").is_ok());
        assert_eq!(check_slug("Rapport 2024").unwrap_err(), "rapport-2024");
        assert_eq!(check_slug("Særlig_indsats").unwrap_err(), "saerlig-indsats");
        assert!(check_slug("-a").is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn lone_carriage_returns_become_line_feeds() {
        assert_eq!(normalize_line_ends("a\rb\r\nc\r".into()), "a\nb\r\nc\n");
        assert_eq!(normalize_line_ends("æ\rø".into()), "æ\nø");
        assert_eq!(normalize_line_ends("plain\n".into()), "plain\n");
    }

    #[test]
    fn reading_stops_at_the_cap_whatever_the_size_said() {
        // /proc files say their size is 0 and then deliver text, as a growing file would.
        let status = Path::new("/proc/self/status");
        assert_eq!(fs::metadata(status).unwrap().len(), 0);
        let e = read_at_most(status, 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            e.to_string(),
            "file is larger than its size said, over the limit of 10 bytes (0 MiB)"
        );
        assert!(read_at_most(status, 1 << 20).is_ok());
        let e = read_capped(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_file_gone_between_listing_and_parsing_is_an_error_with_its_path() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content/r");
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("index.md"),
            "---\ntitle: R\nchapters: [a.md]\n---\n",
        )
        .unwrap();
        fs::write(dir.join("a.md"), "# A\n").unwrap();
        let (sources, diags) = load(root.path(), "default");
        assert!(!diags.has_errors(), "{diags:?}");
        let listing = &sources.reports[0];
        // Listing reads no text: the files are read when the report is parsed.
        let (read, diags) = read_report(root.path(), listing);
        assert_eq!(diags.iter().count(), 0, "{diags:?}");
        assert_eq!(read.unwrap().markdown["a.md"].text, "# A\n");

        fs::remove_file(dir.join("a.md")).unwrap();
        let (read, diags) = read_report(root.path(), listing);
        let chapters = read.expect("index.md is still there").markdown;
        assert!(chapters.is_empty(), "{chapters:?}");
        let d = diags.into_sorted();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].is_error());
        assert_eq!(d[0].file, Path::new("content/r/a.md"));
        assert!(
            d[0].message.starts_with("cannot read file"),
            "{}",
            d[0].message
        );

        fs::remove_file(dir.join("index.md")).unwrap();
        let (read, diags) = read_report(root.path(), listing);
        assert!(read.is_none());
        let files: Vec<_> = diags.into_sorted().into_iter().map(|d| d.file).collect();
        assert!(
            files.contains(&Path::new("content/r/index.md").to_path_buf()),
            "{files:?}"
        );
    }
}
