//! The yearly index's catalogues in the database, on both backends: a draft written whole,
//! published once it keeps every rule, frozen after; the demo's illustrative catalogue.
//! (The HTTP endpoints over them come next: until then these go through the store, on the
//! same write path, transactions and audit as the API.)

use inovik::db::WriteContext;
use inovik::domain::agreement::Hundredths;
use inovik::domain::caller::Caller;
use inovik::domain::version::ExpectedVersion;
use inovik::error::ApiError;
use inovik::store::index_catalogues as store;

use crate::helpers::{TestApp, spawn_app};

fn context() -> WriteContext {
    WriteContext {
        caller: Caller::System,
        request_id: "test-index".into(),
        idempotency: None,
    }
}

async fn write<T: Send + 'static>(
    app: &TestApp,
    work: impl FnOnce(&mut inovik::db::DbConnection, &WriteContext) -> Result<T, ApiError>
    + Send
    + 'static,
) -> Result<T, ApiError> {
    app.state.db.write(context(), work).await
}

fn field_codes(error: ApiError) -> Vec<(String, String)> {
    match error {
        ApiError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a 422, got {other:?}"),
    }
}

#[actix_web::test]
async fn a_draft_is_replaced_whole_published_once_and_frozen_after() {
    let app = spawn_app().await;
    let mut content = inovik::seed::illustrative_index_catalogue();
    content.variables.truncate(1);
    let draft = {
        let content = content.clone();
        write(&app, move |conn, context| {
            store::create(conn, context, 2031, &content, None)
        })
        .await
        .unwrap()
    };
    assert_eq!(draft.row.status, "draft");
    assert_eq!(draft.row.version, 1);
    assert_eq!(draft.content(), content, "stored and read back as written");

    // Only the government aspect: a draft may be incomplete, but cannot be published.
    let refused = write(&app, |conn, context| {
        store::publish(conn, context, 2031, &ExpectedVersion::Any)
    })
    .await
    .unwrap_err();
    assert_eq!(
        field_codes(refused),
        [(
            "variables".to_owned(),
            "aspect_without_indicators".to_owned()
        )]
    );

    // Broken weights are refused and leave the draft as it was.
    let mut broken = inovik::seed::illustrative_index_catalogue();
    broken.formula.innovation_weight = Hundredths(7000);
    let refused = write(&app, move |conn, context| {
        store::replace(conn, context, 2031, &ExpectedVersion::Any, &broken)
    })
    .await
    .unwrap_err();
    assert_eq!(
        field_codes(refused),
        [("innovation_weight".to_owned(), "weights_not_100".to_owned())]
    );
    let unchanged = app
        .state
        .db
        .read(|conn| store::find(conn, 2031))
        .await
        .unwrap();
    assert_eq!(unchanged.content(), content);

    // A stale version is refused; the whole catalogue replaces the draft, new ids and all.
    let whole = inovik::seed::illustrative_index_catalogue();
    let stale = {
        let whole = whole.clone();
        write(&app, move |conn, context| {
            store::replace(
                conn,
                context,
                2031,
                &ExpectedVersion::OneOf(vec!["\"7\"".into()]),
                &whole,
            )
        })
        .await
        .unwrap_err()
    };
    assert!(
        matches!(stale, ApiError::PreconditionFailed { .. }),
        "{stale:?}"
    );
    let replaced = {
        let whole = whole.clone();
        write(&app, move |conn, context| {
            store::replace(conn, context, 2031, &ExpectedVersion::Any, &whole)
        })
        .await
        .unwrap()
    };
    assert_eq!((replaced.row.version, replaced.content()), (2, whole));

    let published = write(&app, |conn, context| {
        store::publish(conn, context, 2031, &ExpectedVersion::Any)
    })
    .await
    .unwrap();
    assert_eq!(published.row.status, "published");
    assert!(published.row.published_at.is_some());

    // Frozen: no replace, no second publish, no delete.
    for attempt in 0..3 {
        let refused = write(&app, move |conn, context| {
            let content = inovik::seed::illustrative_index_catalogue();
            match attempt {
                0 => {
                    store::replace(conn, context, 2031, &ExpectedVersion::Any, &content).map(|_| ())
                }
                1 => store::publish(conn, context, 2031, &ExpectedVersion::Any).map(|_| ()),
                _ => store::delete(conn, context, 2031, &ExpectedVersion::Any),
            }
        })
        .await
        .unwrap_err();
        assert!(
            matches!(
                refused,
                ApiError::Conflict {
                    slug: "catalogue-published",
                    ..
                }
            ),
            "{refused:?}"
        );
    }

    // One catalogue per year.
    let again = write(&app, move |conn, context| {
        store::create(conn, context, 2031, &content, None)
    })
    .await
    .unwrap_err();
    assert!(
        matches!(
            again,
            ApiError::Conflict {
                slug: "duplicate",
                ..
            }
        ),
        "{again:?}"
    );
}

#[actix_web::test]
async fn a_deleted_draft_takes_its_parts_along_and_every_step_is_audited() {
    let app = spawn_app().await;
    write(&app, |conn, context| {
        let content = inovik::seed::illustrative_index_catalogue();
        store::create(conn, context, 2032, &content, None)?;
        store::delete(conn, context, 2032, &ExpectedVersion::Any)
    })
    .await
    .unwrap();
    let gone = app
        .state
        .db
        .read(|conn| store::find(conn, 2032))
        .await
        .unwrap_err();
    assert!(matches!(gone, ApiError::NotFound), "{gone:?}");
    let trail = app
        .get("/api/v1/audit-events?resource_type=index_catalogue")
        .await
        .json();
    let mut actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{trail}"))
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        ["index_catalogue.create", "index_catalogue.delete"]
    );
    // The parts went with it (foreign keys cascade on both backends).
    let options: i64 = app
        .state
        .db
        .read(|conn| {
            use diesel::prelude::*;
            Ok(inovik::db::schema::index_options::table
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(options, 0);
}

#[actix_web::test]
async fn the_demo_seed_publishes_the_illustrative_catalogue_once() {
    let app = spawn_app().await;
    let first = inovik::seed::demo(&app.state).await.unwrap();
    let year = i64::from(chrono::Datelike::year(&app.state.config.today()));
    assert!(
        first.contains(&format!("the illustrative {year} index catalogue created")),
        "{first}"
    );
    let catalogue = app
        .state
        .db
        .read(move |conn| store::find(conn, year))
        .await
        .unwrap();
    assert_eq!(catalogue.row.status, "published");
    assert!(catalogue.row.illustrative);
    assert!(catalogue.row.title.contains("bukan katalog resmi"));
    let second = inovik::seed::demo(&app.state).await.unwrap();
    assert!(
        second.contains("index catalogue already present"),
        "{second}"
    );
}
