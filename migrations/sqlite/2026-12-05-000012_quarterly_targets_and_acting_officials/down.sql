ALTER TABLE performance_agreements DROP COLUMN canonical_version;
ALTER TABLE performance_agreements DROP COLUMN second_party_acting;
ALTER TABLE performance_agreements DROP COLUMN first_party_acting;
ALTER TABLE commitments DROP COLUMN q4_target_hundredths;
ALTER TABLE commitments DROP COLUMN q3_target_hundredths;
ALTER TABLE commitments DROP COLUMN q2_target_hundredths;
ALTER TABLE commitments DROP COLUMN q1_target_hundredths;
ALTER TABLE commitments DROP COLUMN quarterly_method;
