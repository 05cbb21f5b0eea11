//! The Postgres schema, applied at start in one transaction that first takes an advisory lock:
//! when two replicas start at once, the second waits for the first and then finds nothing to do.
//! DDL is transactional in Postgres, so a failed migration leaves the schema as it was.

use deadpool_postgres::Object;

use super::err;
use crate::store::StoreError;

/// The schema, in order; `gateway_schema` lists the versions applied (1-based).
const MIGRATIONS: &[&str] = &[include_str!("../../../migrations/postgres/0001_init.sql")];

/// The advisory lock's key (any constant the gateway alone uses: "blinger-gateway schema").
const LOCK_KEY: i64 = 0x626c_696e_6765_7201;

/// Applies the migrations not applied yet.
pub(super) async fn run(client: &mut Object) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(err)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS gateway_schema (version INTEGER PRIMARY KEY, \
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await
    .map_err(err)?;
    let applied: i32 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM gateway_schema", &[])
        .await
        .map_err(err)?
        .get(0);
    for (n, sql) in MIGRATIONS.iter().enumerate() {
        let version = i32::try_from(n).unwrap_or(i32::MAX).saturating_add(1);
        if version <= applied {
            continue;
        }
        tx.batch_execute(sql).await.map_err(|e| {
            let mut e = err(e);
            e.0 = format!("migration {version}: {}", e.0);
            e
        })?;
        tx.execute(
            "INSERT INTO gateway_schema (version) VALUES ($1)",
            &[&version],
        )
        .await
        .map_err(err)?;
    }
    tx.commit().await.map_err(err)?;
    Ok(())
}
