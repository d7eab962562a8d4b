//! Evidence for the story's innovations: a decree (a PDF) and a photo (a PNG with its
//! thumbnail), both made here, so a frontend has files to show. Safe to run again: a
//! document whose title the innovation already has is not added twice.

use bytes::Bytes;
use diesel::prelude::*;

use crate::api::AppState;
use crate::db::WriteContext;
use crate::db::schema::{documents, innovations};
use crate::domain::evidence::{DocumentKind, FileType};
use crate::error::{ApiError, ApiResult};
use crate::storage::photos;
use crate::store::documents::{self as store, NewDocument, Owner, StoredFile};

/// The innovations of the article that get evidence.
const STORY: &[&str] = &["MUTTU 1000", "Siperi", "ELEGAN"];

/// Adds the evidence; answers how many documents were created and how many were there.
pub async fn seed(
    state: &AppState,
    context: &WriteContext,
    cohort_id: i64,
) -> ApiResult<(usize, usize)> {
    let (mut created, mut present) = (0, 0);
    for name in STORY {
        let found = state
            .db
            .read(move |conn| {
                Ok(innovations::table
                    .filter(innovations::cohort_id.eq(cohort_id))
                    .filter(innovations::name.eq(*name))
                    .select(innovations::id)
                    .first::<i64>(conn)
                    .optional()?)
            })
            .await?;
        let Some(innovation_id) = found else { continue };
        for (kind, title, file) in [
            (
                DocumentKind::Decree,
                format!("SK Bupati Kebumen tentang {name}"),
                decree(name),
            ),
            (
                DocumentKind::Photo,
                format!("Foto layanan {name}"),
                photo(name)?,
            ),
        ] {
            let known = title.clone();
            let exists = state
                .db
                .read(move |conn| {
                    Ok(diesel::select(diesel::dsl::exists(
                        documents::table
                            .filter(documents::innovation_id.eq(innovation_id))
                            .filter(documents::title.eq(known)),
                    ))
                    .get_result::<bool>(conn)?)
                })
                .await?;
            if exists {
                present += 1;
                continue;
            }
            let new = NewDocument {
                owner: Owner::Innovation(innovation_id),
                innovation_id,
                kind: kind.as_str().to_owned(),
                title,
                description: Some("Contoh buatan inovik seed --demo".to_owned()),
                public: true,
                url: None,
                file: Some(store_file(state, file, name).await?),
            };
            state
                .db
                .write(context.clone(), move |conn, context| {
                    store::create(conn, context, new)
                })
                .await?;
            created += 1;
        }
    }
    Ok((created, present))
}

/// What the demo uploads: a PDF, or a PNG photo.
enum DemoFile {
    Pdf(Bytes),
    Png(Bytes),
}

async fn store_file(state: &AppState, file: DemoFile, name: &str) -> ApiResult<StoredFile> {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let (bytes, file_type, thumbnail, file_name) = match file {
        DemoFile::Pdf(bytes) => (bytes, FileType::Pdf, None, format!("SK-{slug}.pdf")),
        DemoFile::Png(bytes) => {
            let photo = photos::process(bytes, FileType::Png)
                .await
                .map_err(ApiError::internal)?;
            let thumbnail = state.storage.put(photo.thumbnail).await?.sha256;
            (
                photo.picture,
                FileType::Png,
                Some(thumbnail),
                format!("foto-{slug}.png"),
            )
        }
    };
    let stored = state.storage.put(bytes).await?;
    Ok(StoredFile {
        name: Some(file_name),
        media_type: file_type.media_type().to_owned(),
        size: i64::try_from(stored.size).map_err(ApiError::internal)?,
        sha256: stored.sha256,
        thumbnail,
    })
}

/// A one-page PDF with the decree's heading, written by hand (PDF is text with byte
/// offsets in its cross-reference table).
fn decree(name: &str) -> DemoFile {
    let text: String = format!("KEPUTUSAN BUPATI KEBUMEN TENTANG INOVASI {name}")
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 14 Tf 56 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{object}\nendobj\n", index + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    DemoFile::Pdf(Bytes::from(pdf))
}

/// A 640x360 picture in the regency's colours, different for each innovation.
fn photo(name: &str) -> ApiResult<DemoFile> {
    let shade = name.bytes().fold(0_u8, |acc, b| acc.wrapping_add(b));
    let picture = image::RgbImage::from_fn(640, 360, |x, y| {
        image::Rgb([
            u8::try_from(x * 255 / 640).unwrap_or(255),
            u8::try_from(y * 255 / 360).unwrap_or(255),
            shade,
        ])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(ApiError::internal)?;
    Ok(DemoFile::Png(Bytes::from(png.into_inner())))
}
