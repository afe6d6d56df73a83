//! The `pave` binary: everything happens in [`pave::cli::main`].

fn main() -> std::process::ExitCode {
    pave::cli::main()
}
