-- Benchmark data for SQLite: the same rows as bench/seed/postgres.sql (read it for the
-- shape), with recursive CTEs instead of generate_series. bench/suite.py replaces
-- {regions} and {innovations} and runs it in one transaction.
CREATE TEMPORARY TABLE words (n INTEGER PRIMARY KEY, word TEXT);
INSERT INTO words (n, word)
SELECT key, value FROM json_each('["tanah", "sehat", "pajak", "sekolah", "legal", "umkm",
  "air", "jalan", "pasar", "ternak", "ikan", "padi", "desa", "arsip", "nikah", "akta", "ktp",
  "izin", "sampah", "banjir", "gizi", "posyandu", "bidan", "obat", "rujukan", "ambulans",
  "wisata", "batik", "genteng", "kopi", "listrik", "internet", "perpustakaan", "guru",
  "beasiswa", "zakat", "wakaf", "koperasi", "bank", "retribusi", "parkir", "terminal",
  "irigasi", "hutan", "pantai", "goa", "lansia", "disabilitas", "anak", "stunting"]');

WITH RECURSIVE seq(a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM seq WHERE a < {regions} * 40)
INSERT INTO agencies (id, code, name, kind, region_code, active, search_text, version,
                      created_at, updated_at)
SELECT a,
       'AG-' || a,
       'Dinas ' || a,
       json_extract('["agency", "secretariat_section", "sub_district", "health_center",
                      "hospital", "enterprise", "other"]', '$[' || (a % 7) || ']'),
       CASE WHEN (a - 1) / 40 = 0 THEN '3305' ELSE printf('%04d', 1100 + (a - 1) / 40) END,
       1,
       'dinas ' || a || char(31) || 'ag-' || a,
       1,
       '2016-05-10 02:00:00.000000',
       '2016-05-10 02:00:00.000000'
FROM seq;

WITH RECURSIVE seq(c) AS (SELECT 1 UNION ALL SELECT c + 1 FROM seq WHERE c < {regions} * 2)
INSERT INTO cohorts (id, name, region_code, year, partner, lab_stage, version, created_at,
                     updated_at)
SELECT c,
       'Laboratorium Inovasi ' || (2015 + 2 - c % 2),
       CASE WHEN (c - 1) / 2 = 0 THEN '3305' ELSE printf('%04d', 1100 + (c - 1) / 2) END,
       2015 + 2 - c % 2,
       'LAN RI',
       'display',
       1,
       '2016-05-10 02:00:00.000000',
       '2016-05-10 02:00:00.000000'
FROM seq;

WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {innovations})
INSERT INTO innovations (id, cohort_id, agency_id, name, acronym_expansion, initiator_type,
                         form, digital, government_affairs, problem, lab_stage, stage_rank,
                         launched_on, status, search_text, version, created_at, updated_at,
                         name_key)
SELECT i,
       ((agency - 1) / 40) * 2 + 1 + i % 2,
       agency,
       'Inovasi ' || i || ' ' || w.word,
       'Layanan ' || w.word || ' terpadu',
       'agency',
       json_extract('["governance", "public_service", "other"]', '$[' || (i % 3) || ']'),
       i % 10 = 9,
       '["pelayanan umum"]',
       'Pelayanan ' || w.word || ' lambat',
       json_extract('["drum_up", "diagnose", "design", "delivery", "display"]', '$[' || (i % 5) || ']'),
       1 + i % 5,
       CASE WHEN i % 5 >= 3 THEN date('2016-10-12', '+' || (i % 2000) || ' days') END,
       CASE WHEN i % 5 >= 3 THEN 'active' ELSE 'draft' END,
       'inovasi ' || i || ' ' || w.word || char(31) || 'layanan ' || w.word || ' terpadu'
         || char(31) || 'pelayanan ' || w.word || ' lambat',
       1,
       strftime('%Y-%m-%d %H:%M:%S.000000', '2016-05-10 02:00:00', '+' || i || ' seconds'),
       strftime('%Y-%m-%d %H:%M:%S.000000', '2016-05-10 02:00:00', '+' || i || ' seconds'),
       -- The folded name (src/domain/text.rs): the names here are ASCII and the words lower-case.
       'inovasi ' || i || ' ' || w.word
FROM (SELECT i, 1 + (i - 1) % ({regions} * 40) AS agency FROM seq) AS s
JOIN words AS w ON w.n = (i * 7) % 50;

INSERT INTO stage_transitions (innovation_id, from_stage, to_stage, occurred_at, actor_type,
                               actor_name, note)
SELECT id, NULL, lab_stage, created_at, 'system', 'bench', 'created' FROM innovations;
