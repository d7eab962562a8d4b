DROP TABLE agencies;
