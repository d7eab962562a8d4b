DROP TABLE monitoring_quarters;
DROP TABLE quarterly_realization_documents;
DROP TABLE quarterly_realizations;
