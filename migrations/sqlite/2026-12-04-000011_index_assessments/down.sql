DROP TABLE index_answer_documents;
DROP TABLE index_answers;
DROP TABLE index_assessments;
