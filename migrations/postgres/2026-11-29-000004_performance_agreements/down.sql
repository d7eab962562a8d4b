DROP TABLE commitments;
DROP TABLE performance_agreements;
