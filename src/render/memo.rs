//! Site-wide pages whose inputs did not change -> their published files, kept as they are
//! (part of the `render` stage; see `incremental` for what a build keeps of the previous one).
//!
//! Input: the digest each site-wide page (index, 404, search, datasets and programme pages)
//! of the previous build was rendered from, with its published file's digest. Output: each
//! page either rendered or, when this build would render it from the same digest, the
//! published file linked into the new tree ([`Staged`], not written), and the digests for the
//! next build. A page's digest covers every template of the theme, the template's name and
//! everything its tera context holds: the context is filled by one function, once into a
//! [`Filler::Digest`] (the values' JSON streamed into XXH3, with no tera values made) and, only
//! when the page is rendered, into a [`Filler::Context`]. Nothing is read or written here.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::Serialize;
use tera::Context;
use xxhash_rust::xxh3::Xxh3;

use super::{OutputContent, OutputFile, Staged, Templates, render_page};
use crate::diagnostics::Diagnostic;
use crate::digest::Digest;

/// The site-wide pages the previous build published whose files are still as it left them, by
/// output path: the digest each was rendered from and the digest of its published bytes.
pub type Published = BTreeMap<String, (Digest, Digest)>;

/// What this build did with the site-wide pages.
#[derive(Debug, Default)]
pub struct Memo {
    /// By output path: the digest each page was rendered (or kept) from, for the next build.
    pub digests: BTreeMap<String, Digest>,
    /// The pages kept from the previous build without being rendered, sorted.
    pub kept: Vec<String>,
}

/// Where a page's context goes: into its digest, or into the tera context it is rendered with.
pub(super) enum Filler {
    Digest(Box<Hasher>),
    Context(Context),
}

impl Filler {
    pub fn put<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match self {
            Filler::Digest(h) => h.put(key, value),
            Filler::Context(c) => c.insert(key, value),
        }
    }
}

/// XXH3 over each key and the JSON of its value. The views hold no floating-point numbers,
/// so equal JSON means equal values (JSON would not tell NaN from a missing value).
pub(super) struct Hasher {
    xxh3: Xxh3,
    /// JSON comes in pieces of a few bytes; XXH3 takes them a buffer at a time (a third of
    /// the cost of hashing the site's report views).
    buf: Vec<u8>,
    /// False when a value could not be written as JSON: such a digest is never reused.
    complete: bool,
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher {
            xxh3: Xxh3::new(),
            buf: Vec::with_capacity(BUFFER),
            complete: true,
        }
    }

    pub fn put<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.take(key.as_bytes());
        self.take(&[0]);
        self.complete &= serde_json::to_writer(&mut *self, value).is_ok();
        // JSON never holds a NUL byte: the next key starts after it.
        self.take(&[0]);
    }

    fn take(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > BUFFER {
            self.xxh3.update(&self.buf);
            self.buf.clear();
        }
        if bytes.len() >= BUFFER {
            self.xxh3.update(bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Marks the digest incomplete: a part of the context could not be hashed.
    pub fn fail(&mut self) {
        self.complete = false;
    }

    /// The digest, `None` when a value could not be hashed.
    pub fn finish(mut self) -> Option<Digest> {
        self.xxh3.update(&self.buf);
        self.complete.then(|| Digest(self.xxh3.digest128()))
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.take(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const BUFFER: usize = 16 * 1024;

/// The tera context `fill` fills.
pub(super) fn context(fill: &dyn Fn(&mut Filler)) -> Context {
    let mut f = Filler::Context(Context::new());
    fill(&mut f);
    match f {
        Filler::Context(c) => c,
        Filler::Digest(_) => Context::new(),
    }
}

/// The digest of one value's JSON (a report's view, say, hashed once for every page listing it).
pub(super) fn digest_of<T: Serialize + ?Sized>(value: &T) -> Option<Digest> {
    let mut h = Hasher::new();
    h.put("", value);
    h.finish()
}

/// The digest of every template of a theme (they extend and include each other).
pub(super) fn templates_digest<'a>(templates: impl Iterator<Item = (&'a str, &'a str)>) -> Digest {
    Digest::of_parts(templates.flat_map(|(name, text)| [name.as_bytes(), text.as_bytes()]))
}

/// Renders the site-wide pages or keeps them, and notes what each was made from.
pub(super) struct Keeper<'p> {
    templates: &'p Templates,
    /// `None`: no memo at all (`check`); empty: nothing to keep (a first or `--no-cache` build).
    previous: Option<&'p Published>,
    made: std::sync::Mutex<Memo>,
}

impl<'p> Keeper<'p> {
    pub fn new(templates: &'p Templates, previous: Option<&'p Published>) -> Keeper<'p> {
        Keeper {
            templates,
            previous,
            made: Default::default(),
        }
    }

    /// Whether digests are made at all (only for a build that records them).
    pub fn on(&self) -> bool {
        self.previous.is_some()
    }

    /// The pages `(template, path)` that share the context `fill` fills, made from `source`:
    /// each kept when the previous build rendered it from the same digest and its file is as
    /// that build left it, else rendered (the context is made once, for those rendered).
    pub fn pages(
        &self,
        pages: &[(&str, String)],
        source: &Path,
        fill: &dyn Fn(&mut Filler),
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        let shared = self.previous.and_then(|_| {
            let mut h = Filler::Digest(Box::new(Hasher::new()));
            fill(&mut h);
            match h {
                Filler::Digest(h) => (*h).finish(),
                Filler::Context(_) => None,
            }
        });
        let mut ctx = None;
        let mut out = Vec::new();
        for (template, path) in pages {
            let digest = shared.map(|c| {
                let parts = [
                    &c.0.to_le_bytes()[..],
                    &self.templates.digest.0.to_le_bytes(),
                ];
                Digest::of_parts(parts.into_iter().chain([template.as_bytes()]))
            });
            let published = self.previous.and_then(|p| p.get(path));
            let kept = match (digest, published) {
                (Some(d), Some(&(was, bytes))) if d == was => Some(bytes),
                _ => None,
            };
            {
                let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(d) = digest {
                    made.digests.insert(path.clone(), d);
                }
                if kept.is_some() {
                    made.kept.push(path.clone());
                }
            }
            out.push(match kept {
                Some(digest) => Ok(OutputFile {
                    path: path.clone(),
                    content: OutputContent::Staged(Staged {
                        digest,
                        written: false,
                    }),
                    source: source.to_path_buf(),
                }),
                None => {
                    let ctx = ctx.get_or_insert_with(|| context(fill));
                    render_page(self.templates, template, ctx, path, source)
                }
            });
        }
        out
    }

    /// What was kept and what every page was made from.
    pub fn finish(self) -> Memo {
        let mut memo = self.made.into_inner().unwrap_or_else(|p| p.into_inner());
        memo.kept.sort();
        memo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_follows_every_key_and_value() {
        let of = |pairs: &[(&'static str, &str)]| {
            let mut h = Hasher::new();
            for (k, v) in pairs {
                h.put(k, v);
            }
            h.finish().unwrap()
        };
        let one = of(&[("a", "x"), ("b", "y")]);
        assert_eq!(one, of(&[("a", "x"), ("b", "y")]));
        assert_ne!(one, of(&[("a", "x"), ("b", "z")]));
        assert_ne!(
            one,
            of(&[("a", "xb"), ("", "y")]),
            "keys and values are delimited"
        );
        assert_ne!(one, of(&[("b", "y"), ("a", "x")]));
    }

    #[test]
    fn a_value_that_is_not_json_gives_no_digest() {
        let mut h = Hasher::new();
        h.put(
            "map",
            &BTreeMap::from([((1, 2), "tuple keys are not JSON")]),
        );
        assert!(h.finish().is_none());
    }
}
