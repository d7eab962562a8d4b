//! Evidence documents ("bukti dukung"): their kinds, which files count as evidence (judged
//! by their content, never by their name or the client's `Content-Type`), and what a
//! client's file name may keep.

use super::field_issue::FieldIssue;

text_enum! {
    /// What a document is evidence of.
    pub enum DocumentKind {
        /// The Bupati's decree (SK/Perbup) that establishes the innovation.
        Decree => "decree",
        /// The innovation's profile.
        Profile => "profile",
        /// Its budget.
        Budget => "budget",
        /// A photo of the service running.
        Photo => "photo",
        /// A report.
        Report => "report",
        /// A short video: a link to a video host, not a file.
        Video => "video",
        Other => "other",
    }
}

impl DocumentKind {
    /// Whether documents of this kind are a link (`url`) instead of a file.
    pub fn is_link(self) -> bool {
        self == Self::Video
    }
}

pub const TITLE_MAX: u64 = 200;
pub const DESCRIPTION_MAX: u64 = 2000;
/// Longest file name kept (in characters).
pub const FILE_NAME_MAX: usize = 255;

/// A file type the service accepts as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
}

impl FileType {
    pub const ALL: &'static [Self] = &[
        Self::Pdf,
        Self::Jpeg,
        Self::Png,
        Self::Webp,
        Self::Docx,
        Self::Xlsx,
        Self::Pptx,
        Self::Odt,
        Self::Ods,
        Self::Odp,
    ];

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Odp => "application/vnd.oasis.opendocument.presentation",
        }
    }

    /// The usual file extension, for a download without a name of its own.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Pptx => "pptx",
            Self::Odt => "odt",
            Self::Ods => "ods",
            Self::Odp => "odp",
        }
    }

    pub fn from_media_type(media_type: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.media_type() == media_type)
    }

    /// Photos: their metadata (EXIF, GPS positions) is removed and a thumbnail made.
    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp)
    }
}

/// The type of a file from its first bytes: one the service accepts, or what it is
/// instead (`"HTML"`, `"an executable"`, `"an unrecognised format"`, ...), for the 415.
pub fn sniff(head: &[u8]) -> Result<FileType, String> {
    let found = infer::get(head);
    let media_type = found.map(|t| t.mime_type()).unwrap_or("");
    if let Some(accepted) = FileType::from_media_type(media_type) {
        return Ok(accepted);
    }
    Err(match found {
        None if looks_like_markup(head) => "HTML or XML (a web page or an SVG image)".to_owned(),
        None => "an unrecognised format".to_owned(),
        Some(t) if t.matcher_type() == infer::MatcherType::App => {
            format!("an executable ({media_type})")
        }
        Some(t) => format!("{media_type} ({})", t.extension()),
    })
}

/// Markup that browsers would render (HTML, SVG, XML), which `infer` does not name.
fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<')
}

/// The file name a client gave, kept as metadata only: its last path component, without
/// control characters, trimmed, at most [`FILE_NAME_MAX`] characters; `None` when nothing
/// is left (or only `.` and `..`).
pub fn file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        None
    } else {
        Some(cleaned.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_judged_by_their_first_bytes() {
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Ok(FileType::Pdf)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0"),
            Ok(FileType::Png)
        );
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Ok(FileType::Jpeg));
        assert!(sniff(b"<!DOCTYPE html><html><script>alert(1)</script>").is_err());
        assert!(sniff(b"  <svg xmlns='http://www.w3.org/2000/svg'/>").is_err());
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".to_vec();
        elf.resize(64, 0);
        let elf = sniff(&elf).unwrap_err();
        assert!(elf.contains("executable"), "{elf}");
        assert!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff").is_err());
        assert!(sniff(b"#!/bin/sh\nrm -rf /").is_err());
        assert!(sniff(b"plain words").is_err());
    }

    #[test]
    fn a_file_name_is_a_name_never_a_path() {
        assert_eq!(file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            file_name("C:\\Users\\x\\SK Bupati.pdf").as_deref(),
            Some("SK Bupati.pdf")
        );
        assert_eq!(file_name("a\u{0}b\nc.pdf").as_deref(), Some("abc.pdf"));
        assert_eq!(file_name(".."), None);
        assert_eq!(file_name("dir/"), None);
        assert_eq!(
            file_name(&"x".repeat(300)).map(|n| n.len()),
            Some(FILE_NAME_MAX)
        );
    }
}

/// A document cited as evidence (by an index answer, a quarter's realization), as the
/// rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CitedDocument {
    pub kind: DocumentKind,
    /// The innovation the document is evidence for.
    pub innovation_id: i64,
    pub archived: bool,
}

/// What keeps `documents` (in the order given at `document_ids.N`; `None`: no such
/// document) from being cited: another innovation's (unless `innovation_id` is `None`,
/// which may cite any), archived, or of a kind not in `accepted` (empty: any kind).
pub fn citation_issues(
    documents: &[Option<CitedDocument>],
    innovation_id: Option<i64>,
    accepted: &[DocumentKind],
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        let path = format!("document_ids.{index}");
        let Some(document) = document else {
            issues.push(FieldIssue::new(path, "unknown_document"));
            continue;
        };
        if innovation_id.is_some_and(|id| id != document.innovation_id) {
            issues.push(FieldIssue::new(path, "document_of_another_innovation"));
        } else if document.archived {
            issues.push(FieldIssue::new(path, "document_archived"));
        } else if !accepted.is_empty() && !accepted.contains(&document.kind) {
            let names: Vec<&str> = accepted.iter().map(|k| k.as_str()).collect();
            issues.push(
                FieldIssue::new(path, "evidence_kind_not_accepted")
                    .with("kind", document.kind)
                    .with("accepted", names.join(", ")),
            );
        }
    }
    issues
}
