DROP TABLE index_options;
DROP TABLE index_indicators;
DROP TABLE index_variables;
DROP TABLE index_grades;
DROP TABLE index_catalogues;
