-- Benchmark data for PostgreSQL, in a few set-based statements (1M innovations in about a
-- minute): :regions regions' worth of agencies (40 each) and cohorts (2 each), and
-- :innovations innovations spread over them, each with its "created" stage transition.
-- Run by bench/suite.py on a freshly migrated database:
--   psql -v regions=500 -v innovations=1000000 -f bench/seed/postgres.sql
-- Innovation i is at lab stage i % 5 (drum_up .. display): ids 5k+3 and 5k+4 are launched,
-- so public; every 10th innovation is digital and at display.
\set ON_ERROR_STOP on
BEGIN;

CREATE TEMPORARY TABLE words (n int PRIMARY KEY, word text) ON COMMIT DROP;
INSERT INTO words
SELECT ordinality - 1, word
FROM unnest(ARRAY['tanah', 'sehat', 'pajak', 'sekolah', 'legal', 'umkm', 'air', 'jalan',
  'pasar', 'ternak', 'ikan', 'padi', 'desa', 'arsip', 'nikah', 'akta', 'ktp', 'izin',
  'sampah', 'banjir', 'gizi', 'posyandu', 'bidan', 'obat', 'rujukan', 'ambulans', 'wisata',
  'batik', 'genteng', 'kopi', 'listrik', 'internet', 'perpustakaan', 'guru', 'beasiswa',
  'zakat', 'wakaf', 'koperasi', 'bank', 'retribusi', 'parkir', 'terminal', 'irigasi',
  'hutan', 'pantai', 'goa', 'lansia', 'disabilitas', 'anak', 'stunting'])
  WITH ORDINALITY AS w (word, ordinality);

INSERT INTO agencies (id, code, name, kind, region_code, active, search_text, version,
                      created_at, updated_at)
SELECT a,
       'AG-' || a,
       'Dinas ' || a,
       (ARRAY['agency', 'secretariat_section', 'sub_district', 'health_center', 'hospital',
              'enterprise', 'other'])[1 + a % 7],
       CASE WHEN (a - 1) / 40 = 0 THEN '3305' ELSE lpad((1100 + (a - 1) / 40)::text, 4, '0') END,
       TRUE,
       'dinas ' || a || chr(31) || 'ag-' || a,
       1,
       timestamptz '2016-05-10 02:00:00+00',
       timestamptz '2016-05-10 02:00:00+00'
FROM generate_series(1, :regions * 40) AS a;

INSERT INTO cohorts (id, name, region_code, year, partner, lab_stage, version, created_at,
                     updated_at)
SELECT c,
       'Laboratorium Inovasi ' || (2015 + 2 - c % 2),
       CASE WHEN (c - 1) / 2 = 0 THEN '3305' ELSE lpad((1100 + (c - 1) / 2)::text, 4, '0') END,
       2015 + 2 - c % 2,
       'LAN RI',
       'display',
       1,
       timestamptz '2016-05-10 02:00:00+00',
       timestamptz '2016-05-10 02:00:00+00'
FROM generate_series(1, :regions * 2) AS c;

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
       (ARRAY['governance', 'public_service', 'other'])[1 + i % 3],
       i % 10 = 9,
       '["pelayanan umum"]',
       'Pelayanan ' || w.word || ' lambat',
       (ARRAY['drum_up', 'diagnose', 'design', 'delivery', 'display'])[1 + i % 5],
       1 + i % 5,
       CASE WHEN i % 5 >= 3 THEN date '2016-10-12' + i % 2000 END,
       CASE WHEN i % 5 >= 3 THEN 'active' ELSE 'draft' END,
       'inovasi ' || i || ' ' || w.word || chr(31) || 'layanan ' || w.word || ' terpadu'
         || chr(31) || 'pelayanan ' || w.word || ' lambat',
       1,
       timestamptz '2016-05-10 02:00:00+00' + i * interval '1 second',
       timestamptz '2016-05-10 02:00:00+00' + i * interval '1 second',
       -- The folded name (src/domain/text.rs): the names here are ASCII and the words lower-case.
       'inovasi ' || i || ' ' || w.word
FROM generate_series(1, :innovations) AS i
CROSS JOIN LATERAL (SELECT 1 + (i - 1) % (:regions * 40) AS agency) AS a
JOIN words AS w ON w.n = (i * 7) % 50;

INSERT INTO stage_transitions (innovation_id, from_stage, to_stage, occurred_at, actor_type,
                               actor_name, note)
SELECT id, NULL, lab_stage, created_at, 'system', 'bench', 'created' FROM innovations;

SELECT setval('agencies_id_seq', (SELECT max(id) FROM agencies));
SELECT setval('cohorts_id_seq', (SELECT max(id) FROM cohorts));
SELECT setval('innovations_id_seq', (SELECT max(id) FROM innovations));
COMMIT;
ANALYZE;
