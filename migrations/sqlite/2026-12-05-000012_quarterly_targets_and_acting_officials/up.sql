-- Quarterly targets of a commitment (part of what is signed): the method that makes the
-- quarters a year, and a target per quarter (hundredths; NULL: none for that quarter).
ALTER TABLE commitments ADD COLUMN quarterly_method TEXT
    CHECK (quarterly_method IN ('cumulative', 'latest', 'increasing', 'decreasing'));
ALTER TABLE commitments ADD COLUMN q1_target_hundredths BIGINT CHECK (q1_target_hundredths >= 0);
ALTER TABLE commitments ADD COLUMN q2_target_hundredths BIGINT CHECK (q2_target_hundredths >= 0);
ALTER TABLE commitments ADD COLUMN q3_target_hundredths BIGINT CHECK (q3_target_hundredths >= 0);
ALTER TABLE commitments ADD COLUMN q4_target_hundredths BIGINT CHECK (q4_target_hundredths >= 0);

-- A party may sign as an acting official: Plt. (pelaksana tugas) or Plh. (pelaksana
-- harian). The canonical form a signature's hash covers is versioned: agreements signed
-- before these columns existed keep form 1 and still verify with it.
ALTER TABLE performance_agreements ADD COLUMN first_party_acting TEXT
    CHECK (first_party_acting IN ('plt', 'plh'));
ALTER TABLE performance_agreements ADD COLUMN second_party_acting TEXT
    CHECK (second_party_acting IN ('plt', 'plh'));
ALTER TABLE performance_agreements ADD COLUMN canonical_version INTEGER NOT NULL DEFAULT 1
    CHECK (canonical_version IN (1, 2));
