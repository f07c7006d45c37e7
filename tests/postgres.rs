//! The PostgreSQL test cluster itself (the ground the PostgreSQL backend's
//! conformance suite will stand on): it starts on loopback, takes SQL,
//! delivers LISTEN/NOTIFY between two connections, and is gone when dropped.
//! On a machine without PostgreSQL the test says it was skipped and why.

#![allow(clippy::unwrap_used)]

mod pg;

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

#[test]
fn a_throwaway_cluster_takes_sql_and_notifications_then_goes_away() {
    let Some(cluster) = pg::cluster_or_skip("a_throwaway_cluster_takes_sql_and_notifications_then_goes_away") else {
        return;
    };
    let url = cluster.url("postgres");
    let mut client =
        postgres::Client::connect(&url, postgres::NoTls).unwrap_or_else(|e| panic!("{e}\n{}", cluster.log()));
    client.batch_execute("CREATE TABLE stock (on_hand integer NOT NULL CHECK (on_hand >= 0))").unwrap();
    client.execute("INSERT INTO stock VALUES ($1), ($2)", &[&3_i32, &4_i32]).unwrap();
    let total: i64 = client.query_one("SELECT sum(on_hand) FROM stock", &[]).unwrap().get(0);
    assert_eq!(total, 7);
    assert!(client.execute("UPDATE stock SET on_hand = on_hand - 5", &[]).is_err(), "the CHECK holds");

    // A change notice from another connection arrives (what terminals on other hosts will use).
    client.batch_execute("LISTEN store_changed").unwrap();
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    other.batch_execute("NOTIFY store_changed, 'v42'").unwrap();
    let note = client.notifications().timeout_iter(Duration::from_secs(5)).next().unwrap().unwrap();
    assert_eq!((note.channel(), note.payload()), ("store_changed", "v42"));

    drop(other);
    drop(client);
    let port = cluster.port;
    drop(cluster);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the server is stopped when the cluster is dropped"
    );
}
