fn main() {
    std::process::exit(ticketlint::cli::main());
}
