CREATE TABLE half_written (id int PRIMARY KEY);
SELECT this_function_does_not_exist();
