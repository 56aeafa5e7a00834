//! The terminal, for the two commands that talk to it while they run: `wsadm client` (stdin
//! lines in, frames and status out; line editing and history on a TTY) and `wsadm loadtest`
//! (live progress on stderr). This is the only place besides the printer that writes to
//! stdout or stderr; the commands decide what to say, this module only says it.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    /// End of input (Ctrl-D, or the end of piped stdin).
    Eof,
    /// Ctrl-C at the prompt.
    Interrupt,
}

/// True when both stdin and stdout are terminals: the client is interactive.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

type Printer = Box<dyn rustyline::ExternalPrinter + Send>;

/// The client's console: scripted (stdin lines, stdout, stderr) or interactive (rustyline).
pub struct Console {
    printer: Option<Mutex<Printer>>,
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl Console {
    /// Scripted: stdin is read line by line.
    pub fn scripted() -> (Console, mpsc::Receiver<Input>) {
        let (tx, rx) = mpsc::channel(64);
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                match line {
                    Ok(l) => {
                        if tx.blocking_send(Input::Line(l)).is_err() {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
            let _ = tx.blocking_send(Input::Eof);
        });
        (
            Console {
                printer: None,
                #[cfg(unix)]
                saved: None,
            },
            rx,
        )
    }

    /// Interactive: a line editor with history on its own thread; output is printed above the prompt.
    pub fn interactive(prompt: String) -> std::io::Result<(Console, mpsc::Receiver<Input>)> {
        let io = |e: rustyline::error::ReadlineError| std::io::Error::other(e.to_string());
        #[cfg(unix)]
        let saved = {
            // Restored on the way out even if the editor thread is still blocked in a read.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            (unsafe { libc::tcgetattr(0, &mut t) } == 0).then_some(t)
        };
        let config = rustyline::Config::builder().auto_add_history(true).max_history_size(1000).map_err(io)?.build();
        let mut editor = rustyline::DefaultEditor::with_config(config).map_err(io)?;
        let printer: Printer = Box::new(editor.create_external_printer().map_err(io)?);
        let (tx, rx) = mpsc::channel(64);
        std::thread::spawn(move || loop {
            let input = match editor.readline(&prompt) {
                Ok(line) => Input::Line(line),
                Err(rustyline::error::ReadlineError::Interrupted) => Input::Interrupt,
                Err(_) => Input::Eof,
            };
            // The thread ends with the session: on Ctrl-D, Ctrl-C and /quit.
            let last = match &input {
                Input::Line(l) => l.trim() == "/quit",
                _ => true,
            };
            if tx.blocking_send(input).is_err() || last {
                return;
            }
        });
        Ok((
            Console {
                printer: Some(Mutex::new(printer)),
                #[cfg(unix)]
                saved,
            },
            rx,
        ))
    }

    /// A line of output: stdout when scripted, above the prompt when interactive.
    pub fn out(&self, line: &str) {
        match &self.printer {
            Some(p) => self.print_above(p, line),
            None => {
                let mut o = std::io::stdout().lock();
                let _ = writeln!(o, "{line}");
                let _ = o.flush();
            }
        }
    }

    /// A status line: stderr when scripted, above the prompt when interactive.
    pub fn err(&self, line: &str) {
        match &self.printer {
            Some(p) => self.print_above(p, line),
            None => eprintln!("{line}"),
        }
    }

    fn print_above(&self, p: &Mutex<Printer>, line: &str) {
        let mut p = p.lock().unwrap_or_else(|e| e.into_inner());
        let _ = p.print(format!("{line}\n"));
    }

    /// Gives the terminal back as it was.
    pub fn finish(&self) {
        #[cfg(unix)]
        if let Some(t) = &self.saved {
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, t);
            }
        }
    }
}

/// Live progress on stderr (indicatif): drawn only on a terminal, silent elsewhere.
#[derive(Clone)]
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// A spinner with a status line (work of unknown length).
    pub fn new() -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(None, Self::target());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// A bar counting `total` items, with rate and ETA.
    pub fn bar(total: u64) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(Some(total), Self::target());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len}  {per_sec}  ETA {eta}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress { bar }
    }

    fn target() -> indicatif::ProgressDrawTarget {
        if stderr_is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        }
    }

    pub fn update(&self, line: &str) {
        self.bar.set_message(line.to_string());
    }

    pub fn set_position(&self, done: u64) {
        self.bar.set_position(done);
    }

    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// Why the process was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ctrl-C (SIGINT).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

/// Ctrl-C and SIGTERM, as a channel (each signal once per delivery).
pub fn stop_signals() -> mpsc::Receiver<Stop> {
    let (tx, rx) = mpsc::channel(4);
    let t = tx.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if t.send(Stop::Interrupt).await.is_err() {
                return;
            }
        }
    });
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            while term.recv().await.is_some() {
                if tx.send(Stop::Terminate).await.is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// `HH:MM:SS.mmm` in local time for epoch milliseconds.
pub fn local_hms_ms(epoch_ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(epoch_ms).unwrap_or_default();
    t.to_zoned(jiff::tz::TimeZone::system()).strftime("%H:%M:%S%.3f").to_string()
}

/// `HH:MM:SS` in local time for epoch milliseconds.
pub fn local_hms(epoch_ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(epoch_ms).unwrap_or_default();
    t.to_zoned(jiff::tz::TimeZone::system()).strftime("%H:%M:%S").to_string()
}
