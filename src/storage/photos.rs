//! What is kept of a photo: the picture without its metadata (EXIF, XMP, IPTC, comments:
//! a phone photo's GPS position of a citizen's home must not leak), turned upright, and a
//! small thumbnail for listings. Photos are processed whole in memory (bounded by the
//! upload limit), on a blocking thread, one at a time per process.

use std::io::Cursor;
use std::sync::LazyLock;

use bytes::Bytes;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use img_parts::{ImageEXIF, jpeg::Jpeg, png::Png, webp::WebP};

use crate::domain::evidence::FileType;

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 480;

/// Largest picture decoded: 100 megapixels (a decompression bomb is refused, not drawn).
const MAX_SIDE: u32 = 16_384;
const MAX_DECODED_BYTES: u64 = 400 * 1024 * 1024;

/// One photo at a time per process: a decoded picture is far larger than its file.
static ONE_AT_A_TIME: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(1));

/// A photo as it is kept.
#[derive(Debug, Clone)]
pub struct ProcessedPhoto {
    /// The picture without metadata, upright.
    pub picture: Bytes,
    /// A JPEG at most [`THUMBNAIL_SIDE`] pixels on its longest side.
    pub thumbnail: Bytes,
}

/// Strips `original`'s metadata and makes its thumbnail; `Err` says why the picture
/// cannot be read (a broken or oversized image).
pub async fn process(original: Bytes, file_type: FileType) -> Result<ProcessedPhoto, String> {
    let _turn = ONE_AT_A_TIME
        .acquire()
        .await
        .map_err(|_| "photo processing is shut down".to_owned())?;
    tokio::task::spawn_blocking(move || process_now(original, file_type))
        .await
        .map_err(|e| format!("photo processing failed: {e}"))?
}

fn process_now(original: Bytes, file_type: FileType) -> Result<ProcessedPhoto, String> {
    let format = match file_type {
        FileType::Jpeg => ImageFormat::Jpeg,
        FileType::Png => ImageFormat::Png,
        FileType::Webp => ImageFormat::WebP,
        other => return Err(format!("{} is not a photo", other.media_type())),
    };
    let mut reader = ImageReader::with_format(Cursor::new(original.as_ref()), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("the picture cannot be read: {e}"))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("the picture cannot be read: {e}"))?;
    let picture_bytes = if orientation == Orientation::NoTransforms {
        without_metadata(original, file_type)?
    } else {
        // The orientation lived in the EXIF being removed: turn the pixels instead.
        picture.apply_orientation(orientation);
        encode(&picture, format)?
    };
    let thumbnail = if picture.width().max(picture.height()) > THUMBNAIL_SIDE {
        picture.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        picture.clone()
    };
    Ok(ProcessedPhoto {
        picture: picture_bytes,
        thumbnail: encode(
            &DynamicImage::ImageRgb8(thumbnail.to_rgb8()),
            ImageFormat::Jpeg,
        )?,
    })
}

/// The same picture (its pixels untouched) without EXIF, XMP, IPTC or comments.
fn without_metadata(original: Bytes, file_type: FileType) -> Result<Bytes, String> {
    let broken = |e: img_parts::Error| format!("the picture cannot be read: {e}");
    Ok(match file_type {
        FileType::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(original).map_err(broken)?;
            // APP1 (EXIF, XMP), APP13 (IPTC) and COM (comments) go; JFIF, the colour
            // profile (APP2) and Adobe's colour transform (APP14) stay.
            jpeg.segments_mut()
                .retain(|segment| !matches!(segment.marker(), 0xE1 | 0xED | 0xFE));
            jpeg.encoder().bytes()
        }
        FileType::Png => {
            let mut png = Png::from_bytes(original).map_err(broken)?;
            png.chunks_mut().retain(|chunk| {
                !matches!(
                    &chunk.kind(),
                    b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"
                )
            });
            png.encoder().bytes()
        }
        FileType::Webp => {
            let mut webp = WebP::from_bytes(original).map_err(broken)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            webp.encoder().bytes()
        }
        other => return Err(format!("{} is not a photo", other.media_type())),
    })
}

fn encode(picture: &DynamicImage, format: ImageFormat) -> Result<Bytes, String> {
    let mut out = Cursor::new(Vec::new());
    let written = match format {
        ImageFormat::Jpeg => picture.to_rgb8().write_with_encoder(
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85),
        ),
        other => picture.write_to(&mut out, other),
    };
    written.map_err(|e| format!("the picture cannot be written: {e}"))?;
    Ok(Bytes::from(out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2x1 JPEG made here, with an EXIF segment holding a GPS-like marker.
    fn jpeg_with_exif() -> Bytes {
        let picture =
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(2, 1, image::Rgb([200, 10, 10])));
        let plain = encode(&picture, ImageFormat::Jpeg).unwrap();
        let mut jpeg = Jpeg::from_bytes(plain).unwrap();
        jpeg.set_exif(Some(Bytes::from_static(
            b"Exif\0\0MM\0*\0\0\0\x08\0\0GPS-7.6701,109.6563",
        )));
        jpeg.encoder().bytes()
    }

    #[test]
    fn a_photo_turned_by_its_exif_is_turned_upright_before_the_exif_goes() {
        let wide =
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 20, image::Rgb([9, 9, 9])));
        let mut jpeg = Jpeg::from_bytes(encode(&wide, ImageFormat::Jpeg).unwrap()).unwrap();
        // One IFD entry: Orientation (0x0112), SHORT, 6 = "rotate 90 degrees clockwise".
        jpeg.set_exif(Some(Bytes::from_static(
            b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0",
        )));
        let processed = process_now(jpeg.encoder().bytes(), FileType::Jpeg).unwrap();
        let upright = image::load_from_memory(&processed.picture).unwrap();
        assert_eq!((upright.width(), upright.height()), (20, 40));
        assert!(!processed.picture.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn a_photo_loses_its_metadata_and_gains_a_thumbnail() {
        let original = jpeg_with_exif();
        assert!(original.windows(3).any(|w| w == b"GPS"));
        let processed = process_now(original, FileType::Jpeg).unwrap();
        assert!(!processed.picture.windows(3).any(|w| w == b"GPS"));
        assert!(!processed.picture.windows(4).any(|w| w == b"Exif"));
        let thumbnail = image::load_from_memory(&processed.thumbnail).unwrap();
        assert!(thumbnail.width() <= THUMBNAIL_SIDE && thumbnail.height() <= THUMBNAIL_SIDE);
        assert!(
            process_now(
                Bytes::from_static(b"\xff\xd8\xff\xe0 broken"),
                FileType::Jpeg
            )
            .is_err()
        );
    }
}
