//! `rollup export`: the circuit, a batch's witness and the proving key in iden3's formats
//! (`.r1cs`, `.wtns`, `.zkey`, see `prover::iden3`), so snarkjs can check the circuit, check the
//! witness against it and prove with our keys; and the snarkjs commands that do so by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use prover::{Keys, Prover};
use serde::Serialize;

use crate::exit::unusable_msg;
use crate::files;
use crate::output;
use crate::zk;

/// The export commands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The circuit of a key directory as an iden3 `.r1cs` file (version 1), for
    /// `snarkjs r1cs info` and `snarkjs wtns check`.
    R1cs(KeyExportArgs),
    /// The full witness of one batch as a `.wtns` file (version 2): takes what `rollup prove`
    /// takes, applies the transactions as one batch and writes the circuit's assignment.
    Wtns(WtnsArgs),
    /// The proving key of a key directory as a snarkjs Groth16 `.zkey` file, for
    /// `snarkjs groth16 prove` and `snarkjs zkey export verificationkey`.
    Zkey(KeyExportArgs),
    /// Print the commands that check the exported files by hand with snarkjs 0.7.6: r1cs
    /// info, wtns check, groth16 prove and verify, zkey export verificationkey and
    /// solidityverifier, and `rollup verify` of snarkjs' proof.
    SnarkjsCommands(CommandsArgs),
    /// A Solidity Groth16 verifier contract for the key directory's verifying key (ours, run on revm by
    /// `rollup bench evm`).
    #[command(long_about = crate::export_verifier::LONG_ABOUT)]
    Verifier(crate::export_verifier::VerifierArgs),
}

/// Runs `rollup export`.
pub fn run(command: ExportCommand) -> Result<()> {
    match command {
        ExportCommand::R1cs(args) => export_from_keys(args, Format::R1cs),
        ExportCommand::Wtns(args) => export_wtns(args),
        ExportCommand::Zkey(args) => export_from_keys(args, Format::Zkey),
        ExportCommand::SnarkjsCommands(args) => snarkjs_commands(args),
        ExportCommand::Verifier(args) => crate::export_verifier::run(args),
    }
}

/// Where an exported file goes.
#[derive(Debug, Args)]
pub struct OutArgs {
    /// The file to write, all or nothing (a temporary file beside it, renamed into place). An
    /// existing file, or an input, is refused unless --force is given.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace an existing --out file, even an input.
    #[arg(long)]
    force: bool,
    /// Print the summary as one line of JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `rollup export r1cs` and `rollup export zkey`.
#[derive(Debug, Args)]
pub struct KeyExportArgs {
    /// Key directory written by `rollup setup`.
    #[arg(long, value_name = "KEYDIR")]
    keys: PathBuf,
    #[command(flatten)]
    out: OutArgs,
}

/// Arguments of `rollup export wtns`.
#[derive(Debug, Args)]
pub struct WtnsArgs {
    #[command(flatten)]
    input: zk::BatchInputArgs,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(Debug, Clone, Copy)]
enum Format {
    R1cs,
    Zkey,
}

#[derive(Serialize)]
struct Summary {
    format: &'static str,
    out: String,
    bytes: u64,
    constraints: usize,
    wires: usize,
    public_inputs: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_size: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commitment: Option<String>,
}

/// Refuses, before any work, an --out that is an input, a directory, or an existing file
/// without --force.
fn check_out(out: &OutArgs, inputs: &[(&str, &Path)]) -> Result<()> {
    files::refuse_overwriting_inputs("--out", &out.out, inputs, out.force)?;
    match std::fs::symlink_metadata(&out.out) {
        Ok(meta) if meta.is_dir() => {
            Err(unusable_msg(format_args!("--out {} is a directory, not a file", out.out.display())))
        }
        Ok(_) if !out.force => {
            Err(unusable_msg(format_args!("--out {} already exists (pass --force to replace it)", out.out.display())))
        }
        _ => Ok(()),
    }
}

fn read_keys(dir: &Path) -> Result<Keys> {
    Keys::read(dir).map_err(zk::prover_error(format!("cannot read key directory {}", dir.display())))
}

/// Streams an export into --out, all or nothing: `write` gets a buffered temporary file beside
/// it (renamed into place once complete and synced) and returns the bytes it wrote. The file
/// is never built in memory, so exports of large circuits need no more than the keys do.
fn write(
    out: &OutArgs,
    what: &str,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> prover::Result<u64>,
) -> Result<u64> {
    if let Some(parent) = out.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create directory {}", parent.display()))?;
    }
    let mut written = 0;
    files::write_streamed(&out.out, false, |file| {
        written = write(file).map_err(zk::prover_error(what.to_string()))?;
        Ok(())
    })
    .with_context(|| format!("cannot write {}", out.out.display()))?;
    Ok(written)
}

fn export_from_keys(args: KeyExportArgs, format: Format) -> Result<()> {
    check_out(&args.out, &[("--keys", args.keys.as_path())])?;
    let keys = read_keys(&args.keys)?;
    let (name, written) = match format {
        Format::R1cs => (".r1cs", write(&args.out, "cannot export the keys", |f| keys.write_r1cs(f))?),
        Format::Zkey => (".zkey", write(&args.out, "cannot export the keys", |f| keys.write_zkey(f))?),
    };
    let size = keys.meta.size;
    report(
        &args.out,
        Summary {
            format: name,
            out: args.out.out.display().to_string(),
            bytes: written,
            constraints: size.constraints,
            wires: size.instance_variables + size.witness_variables,
            public_inputs: size.instance_variables - 1,
            domain_size: matches!(format, Format::Zkey).then_some(keys.pk.h_query.len()),
            commitment: None,
        },
    )
}

fn export_wtns(args: WtnsArgs) -> Result<()> {
    check_out(&args.out, &args.input.paths())?;
    let zk::LoadedBatch { keys, record, .. } = args.input.load()?;
    let size = keys.meta.size;
    let assignment =
        Prover::new(keys).witness_assignment(&record).map_err(zk::prover_error("cannot build the witness"))?;
    let written = write(&args.out, "cannot export the witness", |f| prover::iden3::write_wtns(f, &assignment))?;
    report(
        &args.out,
        Summary {
            format: ".wtns",
            out: args.out.out.display().to_string(),
            bytes: written,
            constraints: size.constraints,
            wires: assignment.len(),
            public_inputs: size.instance_variables - 1,
            domain_size: None,
            commitment: Some(ledger::field::fr_to_decimal(&record.commitment())),
        },
    )
}

fn report(out: &OutArgs, summary: Summary) -> Result<()> {
    if out.json {
        return output::json(&summary);
    }
    let mut text = format!(
        "wrote {} ({}): {} bytes ({}); {} constraints, {} wires, {} public input{}",
        summary.out,
        summary.format,
        summary.bytes,
        zk::human_bytes(summary.bytes),
        summary.constraints,
        summary.wires,
        summary.public_inputs,
        if summary.public_inputs == 1 { "" } else { "s" }
    );
    if let Some(n) = summary.domain_size {
        let _ = write!(text, ", a domain of {n} points");
    }
    if let Some(c) = &summary.commitment {
        let _ = write!(text, "\ncommitment (the public input): {c}");
    }
    output::line(text)
}

/// Arguments of `rollup export snarkjs-commands`.
#[derive(Debug, Args)]
pub struct CommandsArgs {
    /// Directory the files go to (the exports, unless named below, and snarkjs' outputs:
    /// proof.json, public.json, verification_key.json, verifier.sol).
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The circuit file [default: DIR/circuit.r1cs].
    #[arg(long, value_name = "FILE")]
    r1cs: Option<PathBuf>,
    /// The witness file [default: DIR/witness.wtns].
    #[arg(long, value_name = "FILE")]
    wtns: Option<PathBuf>,
    /// The proving key file [default: DIR/circuit.zkey].
    #[arg(long, value_name = "FILE")]
    zkey: Option<PathBuf>,
    /// Key directory: adds the `rollup export` commands for the r1cs and zkey files, and compares
    /// snarkjs' verifying key and proof with ours (KEYDIR/vk.json).
    #[arg(long, value_name = "KEYDIR")]
    keys: Option<PathBuf>,
    /// State file the batch starts from: with --keys and --txs, adds `rollup export wtns`.
    #[arg(long, value_name = "FILE", requires_all = ["keys", "txs"])]
    state: Option<PathBuf>,
    /// Transactions file of the batch: with --keys and --state, adds `rollup export wtns`.
    #[arg(long, value_name = "FILE", requires_all = ["keys", "state"])]
    txs: Option<PathBuf>,
    /// How to run snarkjs (a command line), for example `npx snarkjs@0.7.6` or
    /// `node verifier/tests/snarkjs/node_modules/snarkjs/build/cli.cjs`.
    #[arg(long, value_name = "CMD", default_value = "snarkjs")]
    snarkjs: String,
}

/// `path` for a POSIX shell: as is when it needs no quoting, else in single quotes.
fn shell_quote(path: &Path) -> String {
    let text = path.to_string_lossy();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ',' | ':' | '@'));
    if plain {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The script `rollup export snarkjs-commands` prints.
fn commands_script(args: &CommandsArgs) -> String {
    let q = |p: &Path| shell_quote(p);
    let file = |given: &Option<PathBuf>, default: &str| given.clone().unwrap_or_else(|| args.dir.join(default));
    let (r1cs, wtns, zkey) =
        (file(&args.r1cs, "circuit.r1cs"), file(&args.wtns, "witness.wtns"), file(&args.zkey, "circuit.zkey"));
    let out = |name: &str| q(&args.dir.join(name));
    let (proof, public, vk, sol) =
        (out("proof.json"), out("public.json"), out("verification_key.json"), out("verifier.sol"));
    let s = &args.snarkjs;
    let mut text = String::from(
        "#!/bin/sh\n# Check the rollup's circuit, witness and keys by hand with snarkjs 0.7.6 (the version the\n\
         # tests pin: npm ci --prefix verifier/tests/snarkjs). Every command must succeed.\nset -e\n",
    );
    if let Some(keys) = &args.keys {
        let _ = writeln!(text, "\n# Export the circuit and the proving key (and the witness of one batch).");
        let _ = writeln!(text, "rollup export r1cs --keys {} --out {}", q(keys), q(&r1cs));
        let _ = writeln!(text, "rollup export zkey --keys {} --out {}", q(keys), q(&zkey));
        if let (Some(state), Some(txs)) = (&args.state, &args.txs) {
            let _ = writeln!(
                text,
                "rollup export wtns --keys {} --state {} --txs {} --out {}",
                q(keys),
                q(state),
                q(txs),
                q(&wtns)
            );
        }
    }
    let _ = write!(
        text,
        "\n# The circuit: curve bn-128, the number of wires and constraints, one public input.\n\
         {s} r1cs info {r1cs}\n\
         # The witness satisfies every constraint (prints WITNESS IS CORRECT).\n\
         {s} wtns check {r1cs} {wtns}\n\
         # A proof by snarkjs' own prover with our key and witness.\n\
         {s} groth16 prove {zkey} {wtns} {proof} {public}\n\
         # The verifying key snarkjs reads from our key, and its verdict on the proof (OK!).\n\
         {s} zkey export verificationkey {zkey} {vk}\n\
         {s} groth16 verify {vk} {public} {proof}\n\
         # A Solidity verifier for the same key.\n\
         {s} zkey export solidityverifier {zkey} {sol}\n",
        r1cs = q(&r1cs),
        wtns = q(&wtns),
        zkey = q(&zkey),
    );
    if let Some(keys) = &args.keys {
        let ours = q(&keys.join(prover::keys::files::VK_JSON));
        let _ = write!(
            text,
            "\n# Our verifier accepts snarkjs' proof, with our verifying key and with snarkjs' export of it.\n\
             rollup verify --vk {ours} --proof {proof} --public {public}\n\
             rollup verify --vk {vk} --proof {proof} --public {public}\n"
        );
    }
    text
}

fn snarkjs_commands(args: CommandsArgs) -> Result<()> {
    if args.snarkjs.trim().is_empty() {
        return Err(unusable_msg("--snarkjs must name a command"));
    }
    output::line(commands_script(&args).trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_the_shell() {
        assert_eq!(shell_quote(Path::new("out/circuit.zkey")), "out/circuit.zkey");
        assert_eq!(shell_quote(Path::new("my dir/a.r1cs")), "'my dir/a.r1cs'");
        assert_eq!(shell_quote(Path::new("it's")), r"'it'\''s'");
        assert_eq!(shell_quote(Path::new("")), "''");
    }

    #[test]
    fn the_script_names_every_check() {
        let args = CommandsArgs {
            dir: PathBuf::from("out dir"),
            r1cs: None,
            wtns: Some(PathBuf::from("w.wtns")),
            zkey: None,
            keys: Some(PathBuf::from("keys")),
            state: Some(PathBuf::from("state.json")),
            txs: Some(PathBuf::from("txs.json")),
            snarkjs: "npx snarkjs@0.7.6".into(),
        };
        let text = commands_script(&args);
        for line in [
            "rollup export r1cs --keys keys --out 'out dir/circuit.r1cs'",
            "rollup export zkey --keys keys --out 'out dir/circuit.zkey'",
            "rollup export wtns --keys keys --state state.json --txs txs.json --out w.wtns",
            "npx snarkjs@0.7.6 r1cs info 'out dir/circuit.r1cs'",
            "npx snarkjs@0.7.6 wtns check 'out dir/circuit.r1cs' w.wtns",
            "npx snarkjs@0.7.6 groth16 prove 'out dir/circuit.zkey' w.wtns 'out dir/proof.json' 'out dir/public.json'",
            "npx snarkjs@0.7.6 zkey export verificationkey 'out dir/circuit.zkey' 'out dir/verification_key.json'",
            "npx snarkjs@0.7.6 groth16 verify 'out dir/verification_key.json' 'out dir/public.json' 'out dir/proof.json'",
            "npx snarkjs@0.7.6 zkey export solidityverifier 'out dir/circuit.zkey' 'out dir/verifier.sol'",
            "rollup verify --vk keys/vk.json --proof 'out dir/proof.json' --public 'out dir/public.json'",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
        // Without keys: only the snarkjs checks.
        let bare = CommandsArgs { keys: None, state: None, txs: None, ..args };
        let text = commands_script(&bare);
        assert!(!text.contains("rollup export") && !text.contains("rollup verify"), "{text}");
        assert!(text.contains("groth16 prove"));
    }
}
