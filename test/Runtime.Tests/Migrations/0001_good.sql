CREATE TABLE good_table (id int PRIMARY KEY);
