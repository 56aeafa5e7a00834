//! `wsadm generate completions|man`: from the clap definitions, checked into the repository.

use crate::output::{Block, Report};
use clap::CommandFactory;
use clap_complete::Shell;
use serde::Serialize;
use std::path::{Path, PathBuf};
use wsadm_core::Error;

#[derive(Debug, Serialize)]
pub struct Generated {
    /// Files written (empty when the output went to stdout).
    pub files: Vec<PathBuf>,
    #[serde(skip)]
    pub text: Option<String>,
}

impl Report for Generated {
    fn view(&self) -> Vec<Block> {
        match &self.text {
            Some(t) => vec![Block::Raw(t.clone())],
            None => vec![Block::Raw(self.files.iter().map(|f| format!("wrote {}\n", f.display())).collect())],
        }
    }
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

pub fn completions(shell: Shell, dir: Option<&Path>) -> Result<Generated, Error> {
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "wsadm", &mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    match dir {
        None => Ok(Generated { files: vec![], text: Some(text) }),
        Some(d) => {
            std::fs::create_dir_all(d).map_err(io(format!("cannot create {}", d.display())))?;
            let name = match shell {
                Shell::Bash => "wsadm.bash".to_string(),
                Shell::Zsh => "_wsadm".to_string(),
                Shell::Fish => "wsadm.fish".to_string(),
                Shell::PowerShell => "_wsadm.ps1".to_string(),
                Shell::Elvish => "wsadm.elv".to_string(),
                other => format!("wsadm.{other}"),
            };
            let path = d.join(name);
            std::fs::write(&path, text).map_err(io(format!("cannot write {}", path.display())))?;
            Ok(Generated { files: vec![path], text: None })
        }
    }
}

pub fn man(dir: &Path) -> Result<Generated, Error> {
    std::fs::create_dir_all(dir).map_err(io(format!("cannot create {}", dir.display())))?;
    let mut files = Vec::new();
    // Built, so that global options and the version propagate to every subcommand's page.
    let mut cmd = crate::cli::Cli::command();
    cmd.build();
    write_pages(&cmd, "wsadm", dir, &mut files)?;
    Ok(Generated { files, text: None })
}

fn write_pages(cmd: &clap::Command, name: &str, dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let page = cmd.clone().name(name.to_string()).bin_name(name.replace('-', " "));
    let path = dir.join(format!("{name}.1"));
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf).map_err(io(format!("cannot render {name}.1")))?;
    std::fs::write(&path, buf).map_err(io(format!("cannot write {}", path.display())))?;
    files.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, files)?;
    }
    Ok(())
}
