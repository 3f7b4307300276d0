// The schema, as numbered migrations. A migration is never edited once released: a change to the
// schema is a new migration, and Migrate() applies the missing ones in order, each in its own
// transaction with its version row, so an existing database is upgraded in place.
#include "store/schema.h"

#include <algorithm>
#include <string>
#include <vector>

namespace lenacare::store {
namespace {

// `@ID@` in a migration's text is the dialect's auto-numbered primary key.
struct Migration {
  int version;
  const char* sqlite;
  const char* postgres;  // nullptr: the same text as for SQLite
};

std::string ForDialect(std::string sql, Dialect d) {
  const std::string id = d == Dialect::kPostgres ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  for (size_t at = sql.find("@ID@"); at != std::string::npos; at = sql.find("@ID@", at)) sql.replace(at, 4, id);
  return sql;
}

// Types both databases read the same way: BIGINT, DOUBLE PRECISION, TEXT. Dates are ISO text
// (YYYY-MM-DD sorts as a date); the audit time is an ISO UTC timestamp.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> all = {
      {1,
       R"sql(
CREATE TABLE patients (
  id @ID@,
  ref TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '',
  facts TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE courses (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  indication TEXT NOT NULL,
  start_date TEXT NOT NULL,
  header TEXT NOT NULL,
  source TEXT UNIQUE
);
CREATE TABLE conditions (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  indication TEXT NOT NULL,
  onset TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL UNIQUE
);
CREATE TABLE events (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  date TEXT NOT NULL,
  type TEXT NOT NULL,
  test TEXT,
  value DOUBLE PRECISION,
  lln DOUBLE PRECISION,
  uln DOUBLE PRECISION,
  body TEXT NOT NULL,
  source TEXT UNIQUE
);
CREATE TABLE audit (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
)sql",
       nullptr},
      // 2: the index the course loader and the worklist read by, and the audit log made
      // append-only inside the database (an UPDATE or DELETE of an audit row is refused).
      {2,
       R"sql(
CREATE INDEX events_by_patient ON events (patient_id, date, id);
CREATE INDEX courses_by_patient ON courses (patient_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
       R"sql(
CREATE INDEX events_by_patient ON events (patient_id, date, id);
CREATE INDEX courses_by_patient ON courses (patient_id, id);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
)sql"},
      // 3: a "plain" flag for rows whose course-file text says nothing beyond their columns, and
      // an index that holds those columns, so that rebuilding courses reads labs and dose-diary
      // rows from the index alone (the worklist over every course).
      {3,
       R"sql(
ALTER TABLE events ADD COLUMN plain INTEGER NOT NULL DEFAULT 0;
UPDATE events SET plain = 1
  WHERE ((type = 'lab' AND value IS NOT NULL) OR type IN ('dose-taken', 'dose-missed'))
    AND body NOT LIKE '%"note"%' AND body NOT LIKE '%"reason"%';
DROP INDEX events_by_patient;
CREATE INDEX events_for_courses ON events (patient_id, date, id, type, test, value, lln, uln, plain);
)sql",
       nullptr},
      // 4: accounts of the web application (roles, Argon2id password hashes, a patient account's
      // own patient), sign-in sessions and API tokens (only hashes of their secrets are stored),
      // and the patient's symptom diary.
      {4,
       R"sql(
CREATE TABLE users (
  id @ID@,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  patient_id BIGINT REFERENCES patients(id),
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  id @ID@,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE symptoms (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  date TEXT NOT NULL,
  symptom TEXT NOT NULL,
  severity TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  recorded_at TEXT NOT NULL
);
CREATE INDEX symptoms_by_patient ON symptoms (patient_id, date, id);
)sql",
       nullptr},
      // 5: corrections without changing a row: a row may replace (amend) or retract an earlier
      // one; a flagged write keeps the reason it was confirmed with; who recorded a row and when.
      {5,
       R"sql(
ALTER TABLE events ADD COLUMN replaces BIGINT REFERENCES events(id);
ALTER TABLE events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN warnings TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_replaces ON events (replaces);
)sql",
       nullptr},
      // 6: where an imported patient came from ("<source>|Patient/<id>"), so that two sources'
      // patients with the same FHIR id stay two patients (NULL: entered by hand, or imported before).
      {6,
       R"sql(
ALTER TABLE patients ADD COLUMN source TEXT;
CREATE UNIQUE INDEX patients_by_source ON patients (source);
)sql",
       nullptr},
      // 7: a keyed audit chain. Entries from `keyed_from` on are HMACs under a key kept outside
      // the database; the entries before keep their SHA-256 (never rewritten). `key_id` (the
      // key's fingerprint) and `mac` (the marker's own HMAC) are set when a store first opens
      // the database with its key; `checkpoints` counts the lines written to the checkpoint file.
      {7,
       R"sql(
CREATE TABLE audit_scheme (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  keyed_from BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  mac TEXT NOT NULL,
  checkpoints BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_scheme (id, keyed_from, key_id, mac) SELECT 1, seq + 1, '', '' FROM audit_head WHERE id = 1;
)sql",
       nullptr},
      // 8: the credentials' lifecycle and shared sign-in throttling: disabled accounts; sessions
      // with an idle time; API tokens with an expiry, the role they were made for, who made them
      // and their revocation (tokens made before have no expiry and stop working: make new ones);
      // failed sign-ins counted per hashed key, shared by every server on the database.
      {8,
       R"sql(
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE sessions ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
CREATE TABLE sign_in_throttle (
  key TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_failure_ms BIGINT NOT NULL
);
CREATE INDEX sign_in_throttle_by_time ON sign_in_throttle (last_failure_ms);
)sql",
       nullptr},
      // 9: the worklist's stored answer for each patient's latest course (app/worklist.h), so that
      // the worklist is one indexed query instead of a replay of every course. A row holds for one
      // day (`computed_on`) and one knowledge pack (`knowledge`, a fingerprint). The database marks
      // a row stale itself (computed_on NULL, `version` + 1) when anything the answer depends on
      // changes: a course, an event, a symptom, the patient's sex, birth date or facts. A row is
      // written only for the version it was computed from, so a change committed meanwhile by
      // another server is never overwritten with an older answer. The key columns order the
      // entries: `fixed_rank`/`fixed_due` the most urgent item that does not depend on the
      // look-ahead; `expiring_due`, `soon_due` and `fill_due` the earliest item of those kinds;
      // `key_rank`/`key_due` the entry's key for the default look-ahead. The index serves both
      // today's worklist and the search for stale rows (NULL, another day, another pack).
      {9,
       R"sql(
CREATE TABLE course_status (
  patient_id BIGINT PRIMARY KEY REFERENCES patients(id),
  version BIGINT NOT NULL DEFAULT 1,
  computed_on TEXT,
  knowledge TEXT NOT NULL DEFAULT '',
  ref TEXT NOT NULL DEFAULT '',
  indication TEXT NOT NULL DEFAULT '',
  fixed_rank BIGINT,
  fixed_due TEXT NOT NULL DEFAULT '',
  expiring_due TEXT,
  soon_due TEXT,
  fill_due TEXT,
  response BIGINT NOT NULL DEFAULT 0,
  key_rank BIGINT,
  key_due TEXT NOT NULL DEFAULT '',
  items TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX course_status_by_key ON course_status (computed_on, knowledge, key_rank, key_due, ref);
INSERT INTO course_status (patient_id) SELECT DISTINCT patient_id FROM courses;
CREATE TRIGGER course_status_course AFTER INSERT ON courses BEGIN
  INSERT INTO course_status (patient_id) VALUES (NEW.patient_id)
    ON CONFLICT (patient_id) DO UPDATE SET computed_on = NULL, version = course_status.version + 1;
END;
CREATE TRIGGER course_status_event AFTER INSERT ON events BEGIN
  UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER course_status_event_change AFTER UPDATE ON events BEGIN
  UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id IN (OLD.patient_id, NEW.patient_id);
END;
CREATE TRIGGER course_status_symptom AFTER INSERT ON symptoms BEGIN
  UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = NEW.patient_id;
END;
CREATE TRIGGER course_status_patient AFTER UPDATE OF sex, birth_date, facts ON patients BEGIN
  UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = NEW.id;
END;
)sql",
       // PostgreSQL: statement-level triggers over the transition table, so that a bulk insert
       // marks each patient once; `ref` sorts byte-wise, as the worklist's keyset pages compare it.
       R"sql(
CREATE TABLE course_status (
  patient_id BIGINT PRIMARY KEY REFERENCES patients(id),
  version BIGINT NOT NULL DEFAULT 1,
  computed_on TEXT,
  knowledge TEXT NOT NULL DEFAULT '',
  ref TEXT COLLATE "C" NOT NULL DEFAULT '',
  indication TEXT NOT NULL DEFAULT '',
  fixed_rank BIGINT,
  fixed_due TEXT COLLATE "C" NOT NULL DEFAULT '',
  expiring_due TEXT COLLATE "C",
  soon_due TEXT COLLATE "C",
  fill_due TEXT COLLATE "C",
  response BIGINT NOT NULL DEFAULT 0,
  key_rank BIGINT,
  key_due TEXT COLLATE "C" NOT NULL DEFAULT '',
  items TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX course_status_by_key ON course_status (computed_on, knowledge, key_rank, key_due, ref);
INSERT INTO course_status (patient_id) SELECT DISTINCT patient_id FROM courses;
CREATE FUNCTION course_status_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed BIGINT;
BEGIN
  -- One statement per patient, by primary key: a join with the transition table (which has no
  -- statistics) could be planned as a scan of every row.
  IF TG_TABLE_NAME = 'courses' THEN
    FOR changed IN SELECT DISTINCT patient_id FROM new_rows LOOP
      INSERT INTO course_status (patient_id) VALUES (changed)
        ON CONFLICT (patient_id) DO UPDATE SET computed_on = NULL, version = course_status.version + 1;
    END LOOP;
  ELSIF TG_TABLE_NAME = 'patients' THEN
    FOR changed IN SELECT DISTINCT id FROM new_rows LOOP
      UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = changed;
    END LOOP;
  ELSE
    FOR changed IN SELECT DISTINCT patient_id FROM new_rows LOOP
      UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = changed;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER course_status_course AFTER INSERT ON courses REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION course_status_stale();
CREATE TRIGGER course_status_event AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION course_status_stale();
CREATE TRIGGER course_status_event_change AFTER UPDATE ON events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION course_status_stale();
CREATE TRIGGER course_status_symptom AFTER INSERT ON symptoms REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION course_status_stale();
CREATE TRIGGER course_status_patient AFTER UPDATE ON patients REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION course_status_stale();
)sql"},
      // 10 (PostgreSQL): a write that keeps its patients' answers itself (Store::KeepStatus, which
      // bumps the version) says so for its transaction (lenacare.keeps_status = 'on'); the triggers
      // then leave the rows of the events, symptoms and patients it changes to it: one update of
      // the row per write instead of two. A new course still gets its row here. Rows leave room on
      // their page, so that an answer rewritten with the same keys is a heap-only update (no new
      // index entries). SQLite's writes keep the triggers of 9.
      {10, "-- nothing for SQLite\n",
       R"sql(
CREATE OR REPLACE FUNCTION course_status_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed BIGINT;
BEGIN
  IF TG_TABLE_NAME = 'courses' THEN
    FOR changed IN SELECT DISTINCT patient_id FROM new_rows LOOP
      INSERT INTO course_status (patient_id) VALUES (changed)
        ON CONFLICT (patient_id) DO UPDATE SET computed_on = NULL, version = course_status.version + 1;
    END LOOP;
  ELSIF current_setting('lenacare.keeps_status', true) = 'on' THEN
    RETURN NULL;
  ELSIF TG_TABLE_NAME = 'patients' THEN
    FOR changed IN SELECT DISTINCT id FROM new_rows LOOP
      UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = changed;
    END LOOP;
  ELSE
    FOR changed IN SELECT DISTINCT patient_id FROM new_rows LOOP
      UPDATE course_status SET computed_on = NULL, version = version + 1 WHERE patient_id = changed;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
ALTER TABLE course_status SET (fillfactor = 70);
)sql"},
      // 11: the JWT ids (jti) CDS clients have used, until their tokens expire, so that a token is
      // accepted once by all the servers on one database (webapp/cds_jwt.h).
      {11,
       R"sql(
CREATE TABLE cds_jti (
  issuer TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires BIGINT NOT NULL,
  PRIMARY KEY (issuer, jti)
);
CREATE INDEX cds_jti_by_expiry ON cds_jti (expires);
)sql",
       nullptr},
      // 12: a patient's private calendar subscriptions (store/accounts.h): the hash of the secret in
      // the URL, the time of day the patient takes the dose (the reminders' time), and when the
      // link was made and revoked. At most one link of a patient is live.
      {12,
       R"sql(
CREATE TABLE calendar_feeds (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  secret_hash TEXT NOT NULL UNIQUE,
  dose_time TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX calendar_feeds_by_patient ON calendar_feeds (patient_id);
)sql",
       nullptr},
      // 13: caregivers (store/accounts.h): a patient's one-time invitations (the code's hash), the
      // links of caregiver accounts to patients, and who entered each symptom-diary entry.
      {13,
       R"sql(
CREATE TABLE caregiver_invites (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  code_hash TEXT NOT NULL UNIQUE,
  may_write INTEGER NOT NULL,
  remind_after TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX caregiver_invites_by_patient ON caregiver_invites (patient_id);
CREATE TABLE caregiver_links (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users(id),
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  name TEXT NOT NULL,
  may_write INTEGER NOT NULL,
  remind_after TEXT NOT NULL DEFAULT '',
  invite_id BIGINT REFERENCES caregiver_invites(id),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT
);
CREATE INDEX caregiver_links_by_user ON caregiver_links (user_id);
CREATE INDEX caregiver_links_by_patient ON caregiver_links (patient_id);
ALTER TABLE symptoms ADD COLUMN entered_by TEXT NOT NULL DEFAULT '';
)sql",
       nullptr},
      // 14: the questions a patient (or a caregiver who may write) notes down for the next visit.
      {14,
       R"sql(
CREATE TABLE visit_questions (
  id @ID@,
  patient_id BIGINT NOT NULL REFERENCES patients(id),
  text TEXT NOT NULL,
  entered_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX visit_questions_by_patient ON visit_questions (patient_id, id);
)sql",
       nullptr},
  };
  return all;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> SchemaVersionOf(Connection& db) {
  if (!db.read_only()) {
    Status s =
        db.ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT)");
    if (!s.ok()) return s.error();
  }
  auto v = QueryInt(db, "SELECT max(version) FROM schema_migrations", {}, 0);
  if (!v.ok()) return v.error();
  return static_cast<int>(*v);
}

Status MigrateTo(Connection& db, int up_to, const std::string& now) {
  auto current = SchemaVersionOf(db);
  if (!current.ok()) return current.error();
  if (*current > LatestSchemaVersion()) {
    return Error::Failed("--db", "the database has schema version " + std::to_string(*current) +
                                     ", newer than this lenacare (" + std::to_string(LatestSchemaVersion()) +
                                     "): upgrade lenacare");
  }
  if (db.read_only() && *current < std::min(up_to, LatestSchemaVersion())) {
    return Error::Failed("--db", "the database has schema version " + std::to_string(*current) +
                                     " and is read-only, so it cannot be brought to version " +
                                     std::to_string(std::min(up_to, LatestSchemaVersion())) +
                                     ": open a writable copy once to upgrade it");
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= *current || m.version > up_to) continue;
    Status s = InTransaction(db, [&]() -> Status {
      const char* sql = db.dialect() == Dialect::kPostgres && m.postgres != nullptr ? m.postgres : m.sqlite;
      Status step = db.ExecScript(ForDialect(sql, db.dialect()));
      if (!step.ok()) return step;
      auto row = db.Run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                        {static_cast<int64_t>(m.version), std::string_view(now)});
      return row.ok() ? Status::Ok() : Status(row.error());
    });
    if (!s.ok()) {
      Error e = s.error();
      e.message = "migration " + std::to_string(m.version) + " failed: " + e.message;
      return e;
    }
  }
  return Status::Ok();
}

}  // namespace lenacare::store
