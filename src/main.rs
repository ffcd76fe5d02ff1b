/// The arena of a short run (`heap`), else the system allocator.
#[global_allocator]
static GLOBAL: ticketlint::heap::Allocator = ticketlint::heap::Allocator;

fn main() {
    ticketlint::error::install_panic_hook();
    // A panic that escapes the per-file guard was reported by the hook; exit 2 like any error.
    let code = std::panic::catch_unwind(ticketlint::cli::main).unwrap_or(2);
    std::process::exit(code);
}
