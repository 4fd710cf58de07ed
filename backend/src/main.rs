fn main() {
    // `--help` and `--version` exit here (status 0, on stdout); bad flags exit 2.
    let config = match handover_backend::config::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    handover_backend::init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("handover-backend: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(handover_backend::serve(config)) {
        eprintln!("handover-backend: {e}");
        std::process::exit(1);
    }
}
