use handover_backend::config::Invocation;

fn main() {
    // `--help` and `--version` exit here (status 0, on stdout); bad flags exit 2.
    let invocation = match handover_backend::config::parse_invocation(std::env::args_os().skip(1)) {
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
    let code = match invocation {
        Invocation::Serve(config) => match runtime.block_on(handover_backend::serve(*config)) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("handover-backend: {e}");
                1
            }
        },
        Invocation::AuditVerify { database, handover } => runtime.block_on(
            handover_backend::ops::audit_verify(&database, handover.as_deref()),
        ),
        Invocation::Backup { database, to } => {
            runtime.block_on(handover_backend::ops::backup(&database, &to))
        }
        Invocation::TotpEnroll { admin } => handover_backend::ops::totp_enroll(&admin),
    };
    std::process::exit(code);
}
