-- Receipts name the counter they were written for. The foreign key is checked at COMMIT only, so a
-- turn that names a counter with no row fails in its commit, after its grain method has returned.
CREATE TABLE testgrains.receipts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grain text NOT NULL,
  counter_key text NOT NULL,
  CONSTRAINT receipts_counter_fk FOREIGN KEY (counter_key) REFERENCES testgrains.counters (key) DEFERRABLE INITIALLY DEFERRED
);
