//! PostgreSQL fixtures (cargo feature `postgres-tests`): every fixture gets a fresh schema of its
//! own in the server at `INVENTORY_TEST_POSTGRES_URL`, dropped again when the fixture is.
//! `scripts/test-postgres.sh` starts a throw-away server, sets the variable and runs the tests.

use ::postgres::{Client, NoTls};
use inventory_core::{PostgresStore, Uuid};

use super::Fixture;

/// The variable naming the server, as a `postgres://` URL.
pub const URL_VAR: &str = "INVENTORY_TEST_POSTGRES_URL";

/// The server's URL. The PostgreSQL tests were asked for (`postgres-tests`), so a missing server
/// fails them loudly rather than skipping them.
pub fn server_url() -> String {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => panic!(
            "{URL_VAR} is not set: the PostgreSQL tests (cargo feature postgres-tests) need a \
             server. scripts/test-postgres.sh starts a throw-away one and runs them; or point \
             {URL_VAR} at a postgres:// URL of a database you may create schemas in"
        ),
    }
}

/// A schema of its own in the test server, dropped (with everything in it) on drop.
pub struct Schema {
    server: String,
    pub name: String,
    /// The server URL with this schema as the `search_path`.
    pub url: String,
}

impl Schema {
    pub fn new() -> Self {
        Self::on(server_url())
    }

    /// A schema of its own in the server at `server`.
    pub fn on(server: String) -> Self {
        let name = format!("test_{}", Uuid::new_v4().simple());
        connect(&server)
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap_or_else(|e| panic!("cannot create schema {name}: {e}"));
        let sep = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{sep}options=-csearch_path%3D{name}");
        Self { server, name, url }
    }

    /// A direct connection with this schema as the search_path (to poke at the tables).
    pub fn client(&self) -> Client {
        connect(&self.url)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        // Best effort: the server is thrown away after the run anyway.
        if let Ok(mut c) = Client::connect(&self.server, NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

fn connect(url: &str) -> Client {
    Client::connect(url, NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to the PostgreSQL test server ({URL_VAR}): {e}"))
}

/// A fresh, empty inventory in PostgreSQL, opened by URL as a user would.
pub fn postgres() -> Fixture {
    let schema = Schema::new();
    let store = PostgresStore::open(&schema.url).expect("open the PostgreSQL store");
    Fixture::new(store, schema)
}
