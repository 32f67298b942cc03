//! The files the CLI reads and writes: state files (the ledger's `StateFile`),
//! keys files and transactions files, with one clear error per failure.

use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use ledger::{AccountIndex, ChainId, SecretKey, State, StateFile, Transaction};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

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

/// Writes `value` as pretty JSON (plus a newline), through a temporary file in the
/// same directory renamed into place, so a failed write never leaves half a file.
/// `private` files are readable by their owner only (on Unix).
pub fn write_json<T: Serialize>(path: &Path, value: &T, private: bool) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    write_bytes(path, text.as_bytes(), private)
}

/// Writes `bytes` through a temporary file renamed into place (see [`write_json`]).
pub fn write_bytes(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    let name = path.file_name().ok_or_else(|| anyhow!("not a file name"))?.to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = write_new(&tmp, bytes, private).and_then(|()| {
        fs::rename(&tmp, path)?;
        Ok(())
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
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
