fn main() {
    let config = match handover_backend::config::parse(std::env::args().skip(1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{}", handover_backend::config::HELP);
            return;
        }
        Err(e) => {
            eprintln!("handover-backend: {e}");
            std::process::exit(2);
        }
    };
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
