//! Shell completions and man pages for the toolkit's binaries, generated
//! from their clap definitions so they can never disagree with `--help`.
//!
//! Each binary (`zrules`, `zgen`, `zmigrate`) has a hidden `generate`
//! subcommand that hands its own `clap::Command` to [`Generate::render`], as
//! ripgrep's `rg --generate man|complete-bash` and ruff's
//! `ruff generate-shell-completion SHELL` do; packagers run it once at build
//! time. Like the rest of the library this is pure: it returns the bytes and
//! the binary writes them to standard output.

pub use clap_complete::Shell;

/// What to generate (the hidden `generate` subcommand of every binary).
#[derive(Clone, Debug, clap::Subcommand)]
pub enum Generate {
    /// Print a completion script for SHELL (bash, zsh, fish, elvish, powershell).
    Completion {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print a man page in roff: the binary's own, or one subcommand's
    /// (`zrules generate man check` prints `zrules-check(1)`).
    Man {
        /// A subcommand whose page to print instead of the binary's.
        subcommand: Option<String>,
    },
}

/// A subcommand named for a man page that the binary does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{binary} has no subcommand {name:?} (its subcommands: {known})")]
pub struct UnknownSubcommand {
    /// The binary's name.
    pub binary: String,
    /// The name asked for.
    pub name: String,
    /// The visible subcommands, comma-separated.
    pub known: String,
}

impl Generate {
    /// The completion script or man page for the binary described by `cmd`
    /// (the binary's `Cli::command()`).
    ///
    /// ```
    /// use zrules::generate::Generate;
    ///
    /// let cli = clap::Command::new("demo")
    ///     .about("A demonstration")
    ///     .subcommand(clap::Command::new("check").about("Check things"));
    /// let bash = Generate::Completion { shell: zrules::generate::Shell::Bash }
    ///     .render(cli.clone())
    ///     .unwrap();
    /// assert!(String::from_utf8(bash).unwrap().contains("complete -F _demo"));
    ///
    /// let page = Generate::Man { subcommand: Some("check".into()) }.render(cli).unwrap();
    /// assert!(String::from_utf8(page).unwrap().starts_with(".ie \\n(.g .ds Aq"));
    /// ```
    pub fn render(&self, cmd: clap::Command) -> Result<Vec<u8>, UnknownSubcommand> {
        // clap's `help` subcommand is not a command a user reads a page for,
        // and building fills in the `zrules-check` display names.
        let mut cmd = cmd.disable_help_subcommand(true);
        cmd.build();
        let mut out = Vec::new();
        match self {
            Generate::Completion { shell } => {
                let name = cmd.get_name().to_owned();
                clap_complete::generate(*shell, &mut cmd, name, &mut out);
            }
            Generate::Man { subcommand: None } => {
                let source = source(&cmd);
                man(cmd, source, &mut out);
            }
            Generate::Man {
                subcommand: Some(name),
            } => {
                let visible = || cmd.get_subcommands().filter(|s| !s.is_hide_set());
                let Some(sub) = visible().find(|s| s.get_name() == name) else {
                    return Err(UnknownSubcommand {
                        binary: cmd.get_name().to_owned(),
                        name: name.clone(),
                        known: visible()
                            .map(|s| s.get_name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                };
                man(sub.clone(), source(&cmd), &mut out);
            }
        }
        Ok(out)
    }
}

/// The footer's "source": the binary and its version, on every page (a
/// subcommand has no version of its own).
fn source(binary: &clap::Command) -> String {
    format!(
        "{} {}",
        binary.get_name(),
        binary.get_version().unwrap_or_default()
    )
}

fn man(cmd: clap::Command, source: String, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd)
        .source(source)
        .manual("zone toolkit")
        .render(out);
}
