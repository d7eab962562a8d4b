DROP TABLE stage_transitions;
DROP TABLE innovations;
DROP TABLE cohorts;
