//! The `inovik` command: serve the API (default), migrate, print the OpenAPI document, or
//! load the demo agencies.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use inovik::config::Config;
use inovik::db::Manager;

#[derive(Parser)]
#[command(
    name = "inovik",
    version,
    about = "Registry and API of a public-service innovation lab"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document (as committed in openapi/openapi.json, or with
    /// `--openapi-version 3.0` the 3.0.3 rendition in openapi/openapi-3.0.json).
    Openapi {
        #[arg(long, default_value = "3.1", value_parser = ["3.1", "3.0"])]
        openapi_version: String,
    },
    /// Create a user (e.g. the first administrator). The password is read from a prompt,
    /// or from one line of stdin when stdin is not a terminal; never from a flag.
    CreateUser {
        #[arg(long)]
        username: String,
        /// admin, agency_editor or viewer.
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// The agency an agency_editor acts for, by code (e.g. BAG-HUKUM).
        #[arg(long)]
        agency_code: Option<String>,
    },
    /// Create an API client for another regional system; prints its id and secret once.
    CreateClient {
        #[arg(long)]
        name: String,
        /// admin, agency_editor or viewer.
        #[arg(long)]
        role: String,
        #[arg(long)]
        agency_code: Option<String>,
    },
    /// Load records from a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Check or tidy the evidence file store (INOVIK_STORAGE_URL).
    Storage {
        #[command(subcommand)]
        task: StorageTask,
    },
    /// Load sample data; safe to run again.
    Seed {
        /// The agencies of the Kebumen story: Setda and its sections, BPMPT, the RSUD,
        /// Puskesmas, a BUMD and several dinas.
        #[arg(long)]
        demo: bool,
    },
}

#[derive(Subcommand)]
enum StorageTask {
    /// Re-read and re-hash every stored file a document names; list the missing or
    /// corrupt ones and exit 1 if there are any.
    Verify,
    /// Delete stored files no document names, older than the grace period.
    Gc {
        /// Hours an unreferenced file is kept (an upload in flight writes its file
        /// before its row).
        #[arg(long, default_value_t = 24)]
        grace_hours: i64,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// A cohort's innovations from CSV (the export's columns; see the README). Every row
    /// is checked and every bad one listed; then all are created, or none.
    Innovations {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The cohort the innovations join.
        #[arg(long)]
        cohort_id: i64,
        /// Check every row and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn main() -> ExitCode {
    inovik::memory::tune_allocator();
    // A missing .env is normal; a broken one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("warning: ignoring .env: {e}");
    }
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match run(Cli::parse().command.unwrap_or(Command::Serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Openapi { openapi_version } => {
            let doc = if openapi_version == "3.0" {
                serde_json::to_string_pretty(&inovik::api::openapi_30())
            } else {
                inovik::api::openapi().to_pretty_json()
            }
            .map_err(|e| format!("cannot render the OpenAPI document: {e}"))?;
            println!("{doc}");
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let mut conn = Manager::connect_once(&config.database_url)
                .map_err(|e| format!("cannot connect to the {}: {e}", config.database_url))?;
            let applied = inovik::db::run_migrations(&mut conn)?;
            println!(
                "{} migration(s) applied to the {}",
                applied.len(),
                config.database_url
            );
            Ok(())
        }
        Command::Seed { demo } => {
            if !demo {
                return Err("say what to seed: `inovik seed --demo`".into());
            }
            let state = inovik::app::prepare_for_command(Config::from_env()?)?;
            let report = actix_web::rt::System::new()
                .block_on(inovik::seed::demo(&state))
                .map_err(|e| format!("seeding failed: {e}"))?;
            println!("{report}");
            Ok(())
        }
        Command::CreateUser {
            username,
            role,
            display_name,
            agency_code,
        } => {
            let password = inovik::operator::read_password()?;
            let state = inovik::app::prepare_for_command(Config::from_env()?)?;
            let report = actix_web::rt::System::new().block_on(inovik::operator::create_user(
                &state,
                &username,
                display_name,
                &role,
                agency_code,
                password,
            ))?;
            println!("{report}");
            Ok(())
        }
        Command::CreateClient {
            name,
            role,
            agency_code,
        } => {
            let state = inovik::app::prepare_for_command(Config::from_env()?)?;
            let report = actix_web::rt::System::new().block_on(inovik::operator::create_client(
                &state,
                name,
                &role,
                agency_code,
            ))?;
            println!("{report}");
            Ok(())
        }
        Command::Import {
            what:
                ImportWhat::Innovations {
                    file,
                    cohort_id,
                    dry_run,
                },
        } => {
            let bytes =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let state = inovik::app::prepare_for_command(Config::from_env()?)?;
            let report = actix_web::rt::System::new().block_on(
                inovik::operator::import_innovations(&state, bytes, cohort_id, dry_run),
            )?;
            println!("{report}");
            Ok(())
        }
        Command::Storage { task } => {
            let state = inovik::app::prepare_for_command(Config::from_env()?)?;
            let report = actix_web::rt::System::new().block_on(async {
                match task {
                    StorageTask::Verify => inovik::operator::storage::verify(&state).await,
                    StorageTask::Gc { grace_hours } => {
                        inovik::operator::storage::collect_garbage(
                            &state,
                            chrono::Duration::hours(grace_hours.max(0)),
                        )
                        .await
                    }
                }
            })?;
            println!("{report}");
            Ok(())
        }
        Command::Serve => serve(Config::from_env()?),
    }
}

fn serve(config: Config) -> Result<(), String> {
    let bind = config.bind.clone();
    let state = inovik::app::prepare(config)?;
    let listener = TcpListener::bind(&bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    log::info!(
        "Inovik serving on http://{bind} (Swagger UI at http://{bind}/swagger-ui/) with the {}",
        state.config.database_url
    );
    actix_web::rt::System::new()
        .block_on(async move { inovik::app::server(state, listener)?.await })
        .map_err(|e| format!("server failed: {e}"))
}
