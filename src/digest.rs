//! Content hashes: the 128-bit XXH3 digest of a file's bytes, used by incremental builds to tell
//! whether an input or an output changed. Not a security measure: it detects edits, it does not
//! resist forgery (the cache lives beside the sources, which an attacker could edit anyway).
//!
//! Pure functions over bytes and file metadata; no I/O except [`Digest::of_file`] and [`Stamp`].

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

/// The digest of some bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Digest(pub u128);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(xxh3_128(bytes))
    }

    /// The digest of a file's bytes, streamed so a large file is never held in memory.
    pub fn of_file(path: &Path) -> io::Result<Digest> {
        let mut file = fs::File::open(path)?;
        let mut hasher = Xxh3::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(Digest(hasher.digest128()))
    }

    /// The digest of a sequence of parts; the parts' lengths are hashed too, so `["ab", "c"]`
    /// and `["a", "bc"]` differ.
    pub fn of_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Digest {
        let mut hasher = Xxh3::new();
        for p in parts {
            hasher.update(&(p.len() as u64).to_le_bytes());
            hasher.update(p);
        }
        Digest(hasher.digest128())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// Written as 32 hex digits: JSON numbers cannot hold 128 bits.
impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        u128::from_str_radix(&text, 16)
            .map(Digest)
            .map_err(serde::de::Error::custom)
    }
}

/// How long a file or folder must be left alone before its stamp is trusted (see
/// [`Stamp::settled`]).
pub const SETTLED: Duration = Duration::from_secs(2);

/// What the file system says about a file without reading it: its size, modification time and
/// inode. Equal stamps mean "very probably unchanged"; a stamp never decides alone that a file
/// changed content, only that it must be hashed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    /// Nanoseconds since 1970 (as text in JSON, like the digest).
    #[serde(with = "nanos")]
    pub mtime: u128,
    pub inode: u64,
}

impl Stamp {
    /// The stamp of the file at `path` (symbolic links followed).
    pub fn of(path: &Path) -> io::Result<Stamp> {
        Stamp::of_kind(path, fs::Metadata::is_file, "not a regular file")
    }

    /// Whether the file or folder had been left alone for [`SETTLED`] at `now` (nanoseconds
    /// since 1970): only then may its stamp stand for what it holds next time, since a change
    /// in the same tick of the file system's clock as the stamp would not move it.
    pub fn settled(&self, now: u128) -> bool {
        self.mtime + SETTLED.as_nanos() < now
    }

    /// Now, in the unit of [`Stamp::mtime`] (nanoseconds since 1970).
    pub fn now() -> u128 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    }

    /// The stamp of the folder at `path` (symbolic links followed).
    pub fn of_folder(path: &Path) -> io::Result<Stamp> {
        Stamp::of_kind(path, fs::Metadata::is_dir, "not a folder")
    }

    fn of_kind(path: &Path, is: fn(&fs::Metadata) -> bool, not: &str) -> io::Result<Stamp> {
        let meta = fs::metadata(path)?;
        if !is(&meta) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, not));
        }
        let mtime = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Ok(Stamp {
            len: meta.len(),
            mtime,
            inode: inode(&meta),
        })
    }
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

mod nanos {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_tell_bytes_and_part_boundaries_apart() {
        assert_eq!(Digest::of(b"abc"), Digest::of(b"abc"));
        assert_ne!(Digest::of(b"abc"), Digest::of(b"abd"));
        let a: [&[u8]; 2] = [b"ab", b"c"];
        let b: [&[u8]; 2] = [b"a", b"bc"];
        assert_ne!(Digest::of_parts(a), Digest::of_parts(b));
    }

    #[test]
    fn digests_survive_json() {
        let d = Digest::of(b"x");
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Digest>(&text).unwrap(), d);
        assert!(serde_json::from_str::<Digest>("\"not hex\"").is_err());
    }

    #[test]
    fn a_file_digest_equals_the_digest_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&path, &bytes).unwrap();
        assert_eq!(Digest::of_file(&path).unwrap(), Digest::of(&bytes));
        assert_eq!(Stamp::of(&path).unwrap().len, 200_000);
    }
}
