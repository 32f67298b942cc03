//! `rollup tx ...`: sign one transaction and add it to a transactions file.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, Subcommand};
use ledger::{AccountIndex, Nonce, SecretKey, State, Transaction, Transfer, TxAmount, Withdrawal};

use crate::files::{self, Keys, TxFile};
use crate::keys::parse_secret;
use crate::output;

/// Transactions to sign.
#[derive(Debug, Subcommand)]
pub enum TxCommand {
    /// Sign a transfer from one L2 account to another.
    Transfer(TransferArgs),
    /// Sign a withdrawal from an L2 account to its L1 owner.
    Withdraw(WithdrawArgs),
}

/// Arguments of `rollup tx transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    #[command(flatten)]
    common: Common,
    /// The receiving account.
    #[arg(long, value_name = "J")]
    to: u32,
    /// Units to transfer.
    #[arg(long, value_name = "A", help = amount_help("transfer"))]
    amount: u64,
    #[command(flatten)]
    dest: Destination,
}

/// Arguments of `rollup tx withdraw`.
#[derive(Debug, Args)]
pub struct WithdrawArgs {
    #[command(flatten)]
    common: Common,
    /// Units to withdraw.
    #[arg(long, value_name = "A", help = amount_help("withdraw"))]
    amount: u64,
    #[command(flatten)]
    dest: Destination,
}

/// The state, the sender, its key and its nonce.
#[derive(Debug, Args)]
pub struct Common {
    /// The state file the transaction is for (gives the chain id and the sender's nonce).
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    #[command(flatten)]
    key: KeySource,
    /// The sending account.
    #[arg(long, value_name = "I")]
    from: u32,
    /// The nonce to sign. Default: the sender's nonce in the state, plus the number
    /// of its transactions already in the --append file.
    #[arg(long, value_name = "N")]
    nonce: Option<u32>,
    /// Write --out or --append even when it is the --state or --keys file.
    #[arg(long)]
    force: bool,
}

/// Where the sender's secret key comes from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct KeySource {
    /// Keys file written by `rollup genesis` (plain-text secret keys).
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// The sender's secret key as 64 hex characters.
    #[arg(long, value_name = "HEX")]
    secret: Option<String>,
}

/// Where the signed transaction goes; without either option it is printed as JSON.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct Destination {
    /// Append to this transactions file (created if missing; rewritten all or nothing).
    /// The --state or --keys file is refused unless --force is given.
    #[arg(long, value_name = "FILE")]
    append: Option<PathBuf>,
    /// Write a new transactions file holding only this transaction (replacing any file
    /// there, all or nothing). The --state or --keys file is refused unless --force is given.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Help of `--amount`, with the ledger's current cap.
fn amount_help(verb: &str) -> String {
    format!("Units to {verb}, at most {}", ledger::tx::MAX_TX_AMOUNT)
}

/// Runs a `tx` command.
pub fn run(cmd: TxCommand) -> Result<()> {
    match cmd {
        TxCommand::Transfer(args) => {
            let to = AccountIndex::new(args.to);
            let amount = TxAmount::new(args.amount)?;
            sign_and_store(&args.common, &args.dest, |from, nonce, chain, key| {
                Ok(Transaction::Transfer(Transfer::signed(from, to, amount, nonce, chain, key)?))
            })
        }
        TxCommand::Withdraw(args) => {
            let amount = TxAmount::new(args.amount)?;
            sign_and_store(&args.common, &args.dest, |from, nonce, chain, key| {
                Ok(Transaction::Withdrawal(Withdrawal::signed(from, amount, nonce, chain, key)?))
            })
        }
    }
}

fn sign_and_store(
    common: &Common,
    dest: &Destination,
    build: impl FnOnce(AccountIndex, Nonce, ledger::ChainId, &SecretKey) -> Result<Transaction>,
) -> Result<()> {
    let mut inputs = vec![("--state", common.state.as_path())];
    if let Some(keys) = &common.key.keys {
        inputs.push(("--keys", keys.as_path()));
    }
    for (flag, path) in [("--out", &dest.out), ("--append", &dest.append)] {
        if let Some(path) = path {
            files::refuse_overwriting_inputs(flag, path, &inputs, common.force)?;
        }
    }
    let state = files::read_state(&common.state)?;
    let from = AccountIndex::new(common.from);
    let key = sender_key(common, &state, from)?;
    let existing = match &dest.append {
        Some(path) => TxFile::read_optional(path, state.chain())?,
        None => None,
    };
    let nonce = match common.nonce {
        Some(n) => Nonce::new(n),
        None => default_nonce(&state, from, existing.as_ref())?,
    };
    let tx = build(from, nonce, state.chain(), &key)?;
    let summary = describe(&tx);
    match (&dest.append, &dest.out) {
        (Some(path), _) => {
            let mut file = existing.unwrap_or_else(|| TxFile::new(state.chain(), Vec::new()));
            file.transactions.push(tx);
            file.write(path)?;
            output::line(format_args!(
                "appended {summary} to {}, which now holds {} transaction(s)",
                path.display(),
                file.transactions.len()
            ))
        }
        (None, Some(path)) => {
            TxFile::new(state.chain(), vec![tx]).write(path)?;
            output::line(format_args!("wrote {summary} to {}", path.display()))
        }
        (None, None) => output::json(&tx),
    }
}

/// The sender's key, checked against the sender's public key in the state.
fn sender_key(common: &Common, state: &State, from: AccountIndex) -> Result<SecretKey> {
    let account = state
        .account(from)
        .ok_or_else(|| anyhow!("account {from} does not exist in state file {}", common.state.display()))?;
    let key = match (&common.key.keys, &common.key.secret) {
        (Some(path), _) => Keys::read(path)?.get(from)?,
        (None, Some(secret)) => parse_secret(secret)?,
        // clap requires one of the two; this is the error should it ever not.
        (None, None) => bail!("give the sender's key with --keys or --secret"),
    };
    if key.public_key() != account.public_key {
        bail!("the secret key does not match the public key of account {from} in the state");
    }
    Ok(key)
}

/// The sender's nonce in the state plus its transactions already in the file.
fn default_nonce(state: &State, from: AccountIndex, file: Option<&TxFile>) -> Result<Nonce> {
    let current = state.account(from).map_or(Nonce::ZERO, |a| a.nonce);
    let pending = file.map_or(0, |f| {
        f.transactions
            .iter()
            .filter(|tx| match tx {
                Transaction::Transfer(t) => t.from == from,
                Transaction::Withdrawal(w) => w.from == from,
                Transaction::Deposit(_) => false,
            })
            .count()
    });
    u32::try_from(pending)
        .ok()
        .and_then(|p| current.value().checked_add(p))
        .map(Nonce::new)
        .with_context(|| format!("the nonce of account {from} would overflow"))
}

fn describe(tx: &Transaction) -> String {
    match tx {
        Transaction::Transfer(t) => format!("transfer {} -> {} of {} (nonce {})", t.from, t.to, t.amount, t.nonce),
        Transaction::Withdrawal(w) => {
            format!("withdrawal from {} of {} (nonce {})", w.from, w.amount, w.nonce)
        }
        Transaction::Deposit(d) => format!("deposit to {} of {}", d.to, d.amount),
    }
}
