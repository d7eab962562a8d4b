//! Indonesian texts for problem titles (by `type` slug) and field errors (by `code`), for
//! callers that send `Accept-Language: id`. A code missing here falls back to English, so
//! a new code never breaks a response; the test below lists which are missing.

/// The Indonesian message for `code`, filled with `params`, if the catalogue has one.
pub fn message(code: &str, params: &[(&str, String)]) -> Option<String> {
    let param = |name: &str| super::messages::param(params, name);
    Some(match code {
        "required" => "wajib diisi".into(),
        "blank" => "tidak boleh kosong".into(),
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("harus {min} sampai {max} karakter"),
            (None, Some(max)) => format!("paling banyak {max} karakter"),
            (Some(min), None) => format!("paling sedikit {min} karakter"),
            (None, None) => "panjangnya tidak sah".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("harus antara {min} dan {max}"),
            (Some(min), None) => format!("paling kecil {min}"),
            (None, Some(max)) => format!("paling besar {max}"),
            (None, None) => "di luar rentang".into(),
        },
        "invalid_choice" => match param("allowed") {
            Some(allowed) => format!("harus salah satu dari: {allowed}"),
            None => "bukan salah satu nilai yang diizinkan".into(),
        },
        "reused" => "sudah dipakai untuk permintaan lain".into(),
        "idempotency_key_invalid" => {
            "harus 1 sampai 255 karakter ASCII yang terlihat (UUID adalah pilihan yang baik)".into()
        }
        "header_too_long" => format!("paling banyak {} byte", param("max").unwrap_or_default()),
        "agency_code_invalid" => "harus 2-32 karakter A-Z, 0-9 dan -".into(),
        "region_code_invalid" => {
            "harus kode wilayah Kemendagri 4 digit, mis. 3305 untuk Kebumen".into()
        }
        "email_invalid" => "harus alamat e-mail yang sah".into(),
        "phone_invalid" => {
            "harus 6-32 karakter angka, spasi, +, -, ( dan ), mis. (0287) 381234".into()
        }
        "nip_invalid_length" => "NIP terdiri dari 18 digit (spasi antarkelompok boleh)".into(),
        "nip_not_digits" => {
            "NIP terdiri dari 18 digit, dengan paling banyak satu spasi antarkelompok (19860926 201505 1 001)".into()
        }
        "nip_invalid_birth_date" => {
            "tanggal lahir (digit 1-8, YYYYMMDD) bukan tanggal yang sah sejak 1900".into()
        }
        "nip_invalid_month" => "bulan pengangkatan (digit 13-14) harus 01-12".into(),
        "nip_appointment_before_birth" => {
            "pengangkatan pertama (digit 9-14, YYYYMM) harus sesudah tanggal lahir".into()
        }
        "nip_invalid_gender" => "digit jenis kelamin (digit 15) harus 1 atau 2".into(),
        "nip_invalid_serial" => "nomor urut (digit 16-18) tidak boleh 000".into(),
        "parent_not_found" => "tidak ada perangkat daerah dengan id ini".into(),
        "parent_inactive" => "perangkat daerah induk sudah diarsipkan".into(),
        "parent_cycle" => "perangkat daerah tidak dapat menjadi induk dirinya sendiri".into(),
        "duplicate" => "sudah dipakai".into(),
        "unknown_field" => "bukan isian sumber daya ini".into(),
        "read_only" => "diisi oleh server dan tidak dapat ditulis".into(),
        "invalid_characters" => "tidak boleh memuat karakter NUL (U+0000)".into(),
        "username_invalid" => {
            "harus 3-64 karakter a-z, 0-9, '.', '_' dan '-', diawali huruf atau angka".into()
        }
        "password_too_short" => "paling sedikit 12 karakter".into(),
        "password_too_long" => "paling banyak 128 karakter".into(),
        "password_too_simple" => "tidak boleh mengulang satu karakter saja".into(),
        "password_contains_username" => "tidak boleh memuat nama pengguna".into(),
        "password_incorrect" => "bukan kata sandi saat ini".into(),
        "agency_required" => "editor perangkat daerah harus terdaftar pada satu perangkat daerah".into(),
        "agency_not_found" => "tidak ada perangkat daerah dengan id ini".into(),
        "agency_inactive" => "perangkat daerah sudah diarsipkan".into(),
        "affair_invalid" => "setiap urusan pemerintahan harus 1-100 karakter, tanpa |".into(),
        "fixed_by_amended" => "perubahan tetap memakai tahun dan perangkat daerah perjanjian yang diubahnya".into(),
        "url_invalid" => "harus URL http atau https".into(),
        "date_invalid" => "harus tanggal, YYYY-MM-DD".into(),
        "cohort_not_found" => "tidak ada angkatan dengan id ini".into(),
        "innovation_archived" => "inovasi yang diarsipkan tidak dapat berpindah tahap".into(),
        "transition_not_allowed" => "tahap ini tidak dapat dicapai dari tahap sekarang".into(),
        "reason_required" => "perpindahan mundur memerlukan alasan".into(),
        "launched_on_not_delivery" => {
            "launched_on hanya diisi saat berpindah ke tahap delivery".into()
        }
        "not_found" => "tidak ada data dengan id ini".into(),
        "csv_not_utf8" => "berkas harus teks UTF-8".into(),
        "csv_invalid" => {
            "baris tidak terbaca sebagai CSV (tanda kutip berlebih, atau jumlah sel salah)".into()
        }
        "unknown_column" => "bukan kolom yang dibaca impor".into(),
        "column_missing" => "kolom wajib".into(),
        "duplicate_column" => "muncul dua kali pada baris judul".into(),
        "too_many_rows" => "berkas memuat lebih dari 20.000 baris; pecah berkasnya".into(),
        "no_rows" => "berkas memiliki baris judul tetapi tidak ada baris data".into(),
        "duplicate_in_file" => "baris lain dalam berkas memakai nama ini".into(),
        "innovation_not_found" => "tidak ada inovasi dengan id ini".into(),
        "innovation_other_agency" => {
            "inovasi ini milik perangkat daerah lain, bukan pihak perjanjian".into()
        }
        "commitments_required" => {
            "perjanjian memerlukan paling sedikit satu komitmen untuk ditandatangani".into()
        }
        "second_party_required" => {
            "isi pihak kedua: nama dan jabatan kepala perangkat daerah belum tercatat".into()
        }
        "decimal_invalid" => {
            "harus bilangan desimal dengan paling banyak dua angka di belakang koma, mis. 1000.50"
                .into()
        }
        "target_required" => {
            "isi target_value beserta satuannya, atau target_stage beserta due_on".into()
        }
        "date_out_of_range" => "harus tanggal antara 1900-01-01 dan 2100-12-31".into(),
        "invalid_value" => "bukan nilai yang diterima isian ini".into(),
        "invalid_type" => "tipe JSON-nya salah".into(),
        "unknown_parameter" => "bukan parameter endpoint ini".into(),
        "duplicate_parameter" => "diberikan lebih dari sekali".into(),
        "invalid_integer" => "harus bilangan bulat".into(),
        "invalid_boolean" => "harus true atau false".into(),
        "invalid_datetime" => {
            "harus tanggal-waktu RFC 3339, mis. 2017-10-12T03:00:00Z".into()
        }
        "invalid_cursor" => "bukan kursor yang diterbitkan endpoint ini".into(),
        "cursor_sort_mismatch" => "diterbitkan untuk urutan lain".into(),
        "page_and_cursor" => "page dan cursor tidak dapat digabung".into(),
        "file_required" => "kirim berkasnya dalam bagian bernama file".into(),
        "file_not_allowed" => "video berupa tautan: kirim url-nya, bukan berkas".into(),
        "url_not_allowed" => "hanya video yang berupa tautan; kirim berkasnya".into(),
        "empty_file" => "berkas kosong".into(),
        "file_type_not_accepted" => {
            "harus berkas PDF, JPEG, PNG atau WebP, atau dokumen Office Open XML atau OpenDocument"
                .into()
        }
        "duplicate_part" => "dikirim lebih dari sekali".into(),
        "unknown_part" => "bukan bagian dari formulir ini".into(),
        "multipart_invalid" => "isi multipart/form-data rusak atau terpotong".into(),
        "document_purged" => "berkasnya sudah dihapus permanen".into(),
        "weight_invalid" => {
            "harus bilangan desimal 0 sampai 9999.99 dengan paling banyak dua angka di belakang koma"
                .into()
        }
        "negative" => "tidak boleh negatif".into(),
        "no_quarter_target" => "isi target untuk sedikitnya satu triwulan".into(),
        "quarters_not_yearly_sum" => format!(
            "target triwulan kumulatif harus berjumlah target tahunan {} (kini berjumlah {})",
            param("yearly").unwrap_or_default(),
            param("sum").unwrap_or_default()
        ),
        "last_quarter_not_yearly" => format!(
            "target triwulan terakhir harus sama dengan target tahunan {}",
            param("yearly").unwrap_or_default()
        ),
        "target_falls" => "target yang meningkat tidak boleh lebih rendah dari triwulan sebelumnya".into(),
        "target_rises" => "target yang menurun tidak boleh lebih tinggi dari triwulan sebelumnya".into(),
        "value_target_required" => "target triwulan memerlukan nilai target beserta satuannya".into(),
        "quarter_not_started" => format!(
            "triwulan ini belum dimulai (dimulai {})",
            param("starts_on").unwrap_or_default()
        ),
        "quarters_count" => "harus berisi empat nilai, triwulan I sampai IV (null bila tidak ada)".into(),
        "weights_not_100" => format!(
            "bobot kedua aspek harus berjumlah 100 (kini berjumlah {})",
            param("total").unwrap_or_default()
        ),
        "duplicate_code" => "sudah menjadi kode variabel atau indikator lain".into(),
        "aspect_without_indicators" => format!(
            "aspek {} memerlukan paling sedikit satu indikator",
            param("aspect").unwrap_or_default()
        ),
        "variable_without_indicators" => "variabel memerlukan paling sedikit satu indikator".into(),
        "too_few_options" => "indikator memerlukan paling sedikit dua pilihan".into(),
        "grades_do_not_cover_zero" => {
            "salah satu predikat harus mulai dari 0 (termasuk), agar setiap indeks berpredikat"
                .into()
        }
        "year_mismatch" => "harus tahun katalog itu sendiri (atau dikosongkan)".into(),
        "inconsistent" => "berbeda dengan baris sebelumnya yang berkode sama".into(),
        "too_long" => match param("max") {
            Some(max) => format!("paling banyak {max} karakter"),
            None => "terlalu panjang".into(),
        },
        _ => return None,
    })
}

/// The Indonesian title of a problem `type` slug.
pub fn title(slug: &str) -> Option<&'static str> {
    Some(match slug {
        "bad-request" => "Permintaan tidak dapat dibaca",
        "unauthorized" => "Perlu autentikasi",
        "forbidden" => "Tidak diizinkan",
        "invalid-request"
        | "invalid-client"
        | "invalid-grant"
        | "unsupported-grant-type"
        | "unauthorized-client" => "Permintaan token ditolak",
        "too-many-requests" => "Terlalu banyak percobaan",
        "not-found" => "Tidak ditemukan",
        "method-not-allowed" => "Metode tidak diizinkan",
        "duplicate"
        | "concurrent-update"
        | "cohort-not-empty"
        | "own-account"
        | "agreement-closed"
        | "agreement-in-force"
        | "agreement-not-signed"
        | "agreement-signed" => "Bertentangan dengan keadaan sekarang",
        "illegal-transition" => "Perpindahan tahap tidak diizinkan",
        "precondition-failed" => "Versi tidak cocok",
        "payload-too-large" => "Isi permintaan terlalu besar",
        "unsupported-media-type" => "Jenis isi tidak didukung",
        "not-acceptable" => "Tidak ada representasi yang dapat diterima",
        "validation" => "Validasi gagal",
        "import-rejected" => "Berkas memuat baris yang bermasalah",
        "idempotency-key-in-use" => "Kunci idempotensi sedang dipakai",
        "idempotency-outcome-unknown" => "Hasil permintaan pertama tidak diketahui",
        "idempotency-key-reused" => "Kunci idempotensi dipakai ulang",
        "service-unavailable" => "Basis data tidak tersedia",
        "storage-unavailable" => "Penyimpanan berkas tidak tersedia",
        "gone" => "Sudah dihapus permanen",
        "range-not-satisfiable" => "Rentang tidak dapat dipenuhi",
        "unsupported-file-type" => "Jenis berkas tidak diterima",
        "timeout" => "Permintaan melewati batas waktu",
        "uri-too-long" => "Alamat terlalu panjang",
        "headers-too-large" => "Header permintaan terlalu besar",
        "internal" => "Kesalahan internal server",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    /// Every code of the English catalogue has an Indonesian text.
    #[test]
    fn every_english_code_has_an_indonesian_message() {
        let english = include_str!("messages.rs");
        let codes: Vec<&str> = english
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with('"') && line.contains("\" =>"))
            .filter_map(|line| line[1..].split('"').next())
            .collect();
        assert!(codes.len() > 50, "the catalogue was read: {codes:?}");
        let missing: Vec<&&str> = codes
            .iter()
            .filter(|code| super::message(code, &[]).is_none())
            .collect();
        assert!(missing.is_empty(), "no Indonesian text for {missing:?}");
    }
}
