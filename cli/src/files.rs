//! The files the CLI reads and writes: state files (the ledger's `StateFile`),
//! keys files and transactions files, with one clear error per failure; and the one
//! place that writes: [`write_bytes`] and [`write_streamed`] (a single file: temporary file, sync,
//! rename) and
//! [`write_dir_atomically`] (a whole directory: temporary directory, sync, rename), with
//! the checks that refuse to overwrite an input or an existing directory without `--force`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{anyhow, bail, Context as _, Result};
use ledger::{AccountIndex, ChainId, SecretKey, State, StateFile, Transaction};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::exit::unusable_msg;

/// Reads and parses a JSON file.
fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = fs::read_to_string(path)?;
    Ok(serde_json::from_str(&text)?)
}

/// Reads a JSON file, or `None` when it does not exist.
fn read_json_optional<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(serde_json::from_str(&text)?)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes `value` as pretty JSON (plus a newline) through [`write_bytes`].
/// `private` files are readable by their owner only (on Unix).
pub fn write_json<T: Serialize>(path: &Path, value: &T, private: bool) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    write_bytes(path, text.as_bytes(), private)
}

/// Writes one file all or nothing: `bytes` go to a temporary file in the same
/// directory, are synced, and the file is renamed into place and the directory synced.
/// A failed write removes the temporary file and leaves any file at `path` as it was.
pub fn write_bytes(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    write_streamed(path, private, |file| Ok(file.write_all(bytes)?))
}

/// Writes one file all or nothing as [`write_bytes`] does, but from `fill`, which writes into a
/// buffered temporary file (seeking is allowed): a file larger than memory never has to be
/// built there first.
pub fn write_streamed(
    path: &Path,
    private: bool,
    fill: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> Result<()>,
) -> Result<()> {
    let tmp = beside(path, "tmp")?;
    let result = write_new(&tmp, private, fill).and_then(|()| {
        fs::rename(&tmp, path)?;
        sync_dir(parent_of(path))
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Checks, before any work, that `target` may become the directory a command writes:
/// missing, an empty directory, or (only with `replace`, from `--force`) any directory.
pub fn check_dir_target(target: &Path, replace: bool, flag: &str) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(unusable_msg(format_args!("{flag} {} exists and is not a directory", target.display())));
    }
    let empty = fs::read_dir(target).map(|mut d| d.next().is_none()).unwrap_or(false);
    if !empty && !replace {
        return Err(unusable_msg(format_args!(
            "{flag} {} already exists and is not empty (pass --force to replace it and everything in it)",
            target.display()
        )));
    }
    Ok(())
}

/// Writes a directory all or nothing. `fill` writes into a fresh temporary directory
/// beside `target` (same parent, so no rename crosses file systems); every file and the
/// directory are synced; then the directory is renamed into place. An existing `target`
/// is allowed as [`check_dir_target`] says; it is renamed aside first, the new directory
/// renamed into place, and only then the old one deleted: at every moment either the
/// old or the new directory is complete. On any error the temporary directory is
/// removed and `target` is left as it was.
pub fn write_dir_atomically(
    target: &Path,
    replace: bool,
    flag: &str,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    check_dir_target(target, replace, flag)?;
    let parent = parent_of(target);
    fs::create_dir_all(parent).with_context(|| format!("cannot create directory {}", parent.display()))?;
    let tmp = beside(target, "tmp")?;
    fs::create_dir(&tmp).with_context(|| format!("cannot create directory {}", tmp.display()))?;
    let mut guard = RemoveOnDrop(Some(tmp.clone()));
    fill(&tmp)?;
    sync_tree(&tmp).with_context(|| format!("cannot sync {}", tmp.display()))?;

    let old = if fs::symlink_metadata(target).is_ok() {
        let old = beside(target, "old")?;
        fs::rename(target, &old).with_context(|| format!("cannot move {} aside", target.display()))?;
        Some(old)
    } else {
        None
    };
    if let Err(err) = fs::rename(&tmp, target) {
        if let Some(old) = &old {
            // Put the old directory back; `guard` removes the new one.
            let _ = fs::rename(old, target);
        }
        return Err(err).with_context(|| format!("cannot move {} into place", target.display()));
    }
    guard.0 = None;
    if let Some(old) = old {
        fs::remove_dir_all(&old).with_context(|| {
            format!("wrote {} but cannot remove the old directory moved aside to {}", target.display(), old.display())
        })?;
    }
    sync_dir(parent).with_context(|| format!("cannot sync {}", parent.display()))
}

/// Refuses (exit 2) an output that is one of the inputs, or a directory holding one,
/// unless `force`: `inputs` are `(flag, path)`.
pub fn refuse_overwriting_inputs(out_flag: &str, out: &Path, inputs: &[(&str, &Path)], force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    // An output that does not exist yet holds no input.
    let Ok(out_real) = fs::canonicalize(out) else {
        return Ok(());
    };
    for (flag, input) in inputs {
        let Ok(input_real) = fs::canonicalize(input) else {
            continue;
        };
        if input_real == out_real {
            return Err(unusable_msg(format_args!(
                "{out_flag} {} is the {flag} input: writing it would overwrite an input (pass --force to overwrite it)",
                out.display()
            )));
        }
        if input_real.starts_with(&out_real) {
            return Err(unusable_msg(format_args!(
                "{out_flag} {} holds the {flag} input {}: replacing it would overwrite an input (pass --force to \
                 replace it and everything in it)",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Removes a temporary directory when dropped, unless disarmed (set to `None`).
#[derive(Debug)]
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// A hidden, unique name beside `path`: `.NAME.KIND-PID-N`.
fn beside(path: &Path, kind: &str) -> Result<PathBuf> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().ok_or_else(|| anyhow!("{} does not name a file or directory", path.display()))?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    Ok(path.with_file_name(format!(".{}.{kind}-{}-{n}", name.to_string_lossy(), std::process::id())))
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Syncs every file under `dir`, then `dir` itself.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            fs::File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Syncs a directory's entries (a no-op where directories cannot be opened).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn write_new(
    path: &Path,
    private: bool,
    fill: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> Result<()>,
) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = std::io::BufWriter::with_capacity(1 << 20, options.open(path)?);
    fill(&mut file)?;
    let file = file.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

/// Reads a state file and checks it (version, shape, stored root).
pub fn read_state(path: &Path) -> Result<State> {
    let file: StateFile = read_json(path).with_context(|| format!("cannot read state file {}", path.display()))?;
    State::from_file(&file).with_context(|| format!("cannot read state file {}", path.display()))
}

/// Writes a state file.
pub fn write_state(path: &Path, state: &State) -> Result<()> {
    write_json(path, &state.to_file(), false).with_context(|| format!("cannot write state file {}", path.display()))
}

/// A keys file: secret keys in plain text, by account index. A development
/// convenience, never a way to keep real keys.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeysFile {
    /// Format version.
    pub version: u32,
    /// The keys.
    pub keys: Vec<KeyEntry>,
}

/// One key of a keys file.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeyEntry {
    /// The account the key signs for.
    pub index: u32,
    /// The secret key, 64 hex characters.
    pub secret: String,
}

impl KeysFile {
    /// The version this build writes and reads.
    pub const VERSION: u32 = 1;

    /// A keys file holding `keys[i]` for account `i`.
    pub fn new(keys: &[SecretKey]) -> Self {
        let keys = (0u32..).zip(keys).map(|(index, key)| KeyEntry { index, secret: key.to_hex() }).collect();
        KeysFile { version: Self::VERSION, keys }
    }
}

/// The keys of a keys file, parsed and checked (version, hex, no index twice).
#[derive(Debug)]
pub struct Keys {
    path: PathBuf,
    keys: BTreeMap<u32, SecretKey>,
}

impl Keys {
    /// Reads a keys file.
    pub fn read(path: &Path) -> Result<Self> {
        let context = || format!("cannot read keys file {}", path.display());
        let file: KeysFile = read_json(path).with_context(context)?;
        let keys = Self::parse(file).with_context(context)?;
        Ok(Keys { path: path.to_path_buf(), keys })
    }

    fn parse(file: KeysFile) -> Result<BTreeMap<u32, SecretKey>> {
        if file.version != KeysFile::VERSION {
            bail!("keys file version {} (this build reads {})", file.version, KeysFile::VERSION);
        }
        let mut keys = BTreeMap::new();
        for entry in file.keys {
            let key = SecretKey::from_hex(&entry.secret).with_context(|| format!("key of account #{}", entry.index))?;
            if keys.insert(entry.index, key).is_some() {
                bail!("account #{} has two keys", entry.index);
            }
        }
        Ok(keys)
    }

    /// The key of account `index`.
    pub fn get(&self, index: AccountIndex) -> Result<SecretKey> {
        self.keys
            .get(&index.value())
            .cloned()
            .ok_or_else(|| anyhow!("keys file {} has no key for account {index}", self.path.display()))
    }

    /// The keys as a list where entry `i` signs for account `i`; the file must hold
    /// exactly the indices `0..n`.
    pub fn dense(&self) -> Result<Vec<SecretKey>> {
        for (position, index) in (0u32..).zip(self.keys.keys()) {
            if position != *index {
                bail!(
                    "keys file {} must hold the keys of accounts 0 to n-1 without gaps (account #{position} is missing)",
                    self.path.display()
                );
            }
        }
        Ok(self.keys.values().cloned().collect())
    }

    /// Checks that every key whose account exists in `state` is that account's key.
    pub fn check_against(&self, state: &State) -> Result<()> {
        for (index, key) in &self.keys {
            let index = AccountIndex::new(*index);
            if let Some(account) = state.account(index) {
                if key.public_key() != account.public_key {
                    bail!(
                        "the key of account {index} in keys file {} does not match the account's public key in the state",
                        self.path.display()
                    );
                }
            }
        }
        Ok(())
    }
}

/// A transactions file: `{"version":1,"chain_id":C,"transactions":[...]}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct TxFile {
    /// Format version.
    pub version: u32,
    /// The chain the transactions are signed for.
    pub chain_id: ChainId,
    /// The transactions, in order.
    pub transactions: Vec<Transaction>,
}

impl TxFile {
    /// The version this build writes and reads.
    pub const VERSION: u32 = 1;

    /// A transactions file for `chain`.
    pub fn new(chain: ChainId, transactions: Vec<Transaction>) -> Self {
        TxFile { version: Self::VERSION, chain_id: chain, transactions }
    }

    /// Reads a transactions file and checks its version and that it is for `chain`.
    pub fn read(path: &Path, chain: ChainId) -> Result<Self> {
        let context = || format!("cannot read transactions file {}", path.display());
        let file: TxFile = read_json(path).with_context(context)?;
        file.check(chain).with_context(context)?;
        Ok(file)
    }

    /// Like [`TxFile::read`], but `None` when the file does not exist.
    pub fn read_optional(path: &Path, chain: ChainId) -> Result<Option<Self>> {
        let context = || format!("cannot read transactions file {}", path.display());
        let Some(file): Option<TxFile> = read_json_optional(path).with_context(context)? else {
            return Ok(None);
        };
        file.check(chain).with_context(context)?;
        Ok(Some(file))
    }

    fn check(&self, chain: ChainId) -> Result<()> {
        if self.version != Self::VERSION {
            bail!("transactions file version {} (this build reads {})", self.version, Self::VERSION);
        }
        if self.chain_id != chain {
            bail!("the transactions are for chain {} but the state is chain {chain}", self.chain_id);
        }
        Ok(())
    }

    /// Writes the file.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_json(path, self, false).with_context(|| format!("cannot write transactions file {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty directory, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(format!("rollup-files-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Scratch(path)
        }

        /// The names in the directory, sorted (hidden temporary names included).
        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> =
                fs::read_dir(&self.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            names.sort();
            names
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn fill_with(content: &'static str) -> impl FnOnce(&Path) -> Result<()> {
        move |dir| {
            fs::write(dir.join("a"), content)?;
            fs::create_dir(dir.join("sub"))?;
            fs::write(dir.join("sub").join("b"), content)?;
            Ok(())
        }
    }

    #[test]
    fn a_directory_is_written_whole_or_not_at_all() {
        let scratch = Scratch::new("dir");
        let target = scratch.0.join("out");
        write_dir_atomically(&target, false, "--out", fill_with("old")).unwrap();
        assert_eq!(fs::read_to_string(target.join("sub/b")).unwrap(), "old");
        assert_eq!(scratch.names(), ["out"]);

        // Exists: refused without replace (exit 2), untouched.
        let err = write_dir_atomically(&target, false, "--out", fill_with("new")).unwrap_err();
        assert_eq!(crate::exit::code(&err), 2);
        assert!(err.to_string().contains("--force"), "{err}");

        // A writer failing halfway, with replace: the old directory stays, nothing stray.
        let err = write_dir_atomically(&target, true, "--out", |dir| {
            fs::write(dir.join("a"), "half")?;
            bail!("disk full")
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(fs::read_to_string(target.join("a")).unwrap(), "old");
        assert_eq!(scratch.names(), ["out"]);

        // Replaced: the new directory complete, the old one gone, nothing stray.
        fs::write(target.join("only-old"), "x").unwrap();
        write_dir_atomically(&target, true, "--out", fill_with("new")).unwrap();
        assert_eq!(fs::read_to_string(target.join("sub/b")).unwrap(), "new");
        assert!(!target.join("only-old").exists());
        assert_eq!(scratch.names(), ["out"]);

        // An empty directory is taken without --force; a file is never replaced.
        let empty = scratch.0.join("empty");
        fs::create_dir(&empty).unwrap();
        write_dir_atomically(&empty, false, "--out", fill_with("new")).unwrap();
        assert!(empty.join("a").is_file());
        let file = scratch.0.join("file");
        fs::write(&file, "keep").unwrap();
        assert!(write_dir_atomically(&file, true, "--out", fill_with("new")).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "keep");
        assert_eq!(scratch.names(), ["empty", "file", "out"]);
    }

    #[test]
    fn a_file_is_replaced_whole_or_not_at_all() {
        let scratch = Scratch::new("file");
        let path = scratch.0.join("f.json");
        write_bytes(&path, b"one", false).unwrap();
        write_bytes(&path, b"two", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(scratch.names(), ["f.json"]);
        // A directory in the way: the rename fails, the temporary file is removed.
        let dir = scratch.0.join("d");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("x"), "x").unwrap();
        assert!(write_bytes(&dir, b"three", false).is_err());
        assert_eq!(scratch.names(), ["d", "f.json"]);
    }

    #[test]
    fn inputs_are_not_overwritten_without_force() {
        let scratch = Scratch::new("inputs");
        let state = scratch.0.join("state.json");
        fs::write(&state, "{}").unwrap();
        let inputs = [("--state", state.as_path())];
        let same = refuse_overwriting_inputs("--out", &state, &inputs, false).unwrap_err();
        assert!(same.to_string().contains("--state") && crate::exit::code(&same) == 2, "{same}");
        let dotted = scratch.0.join(".").join("state.json");
        assert!(refuse_overwriting_inputs("--out", &dotted, &inputs, false).is_err());
        let holds = refuse_overwriting_inputs("--out", &scratch.0, &inputs, false).unwrap_err();
        assert!(holds.to_string().contains("holds the --state input"), "{holds}");
        assert!(refuse_overwriting_inputs("--out", &scratch.0, &inputs, true).is_ok());
        assert!(refuse_overwriting_inputs("--out", &scratch.0.join("new"), &inputs, false).is_ok());
    }
}
