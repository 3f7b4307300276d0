// `lenacare backup`, `backup verify` and `restore` (store/backup.h): the records of a clinic, with
// the clinic's sign-offs of the knowledge, in one file that is proven to restore.
#include "store/backup.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "cli/common.h"
#include "core/text.h"
#include "knowledge/loader.h"
#include "store/db.h"
#include "store/store.h"

namespace lenacare::cli {
namespace {

namespace fs = std::filesystem;

std::string Target(const Options& o) { return o.db.empty() ? store::DefaultTarget() : o.db; }

// The header as JSON, with the sign-offs and checkpoints it carries said, not printed.
nlohmann::json HeaderJson(const store::BackupHeader& h) {
  nlohmann::json j = store::BackupHeaderJson(h);
  j["site_knowledge"] = !h.site_knowledge.empty();
  j["checkpoints"] = std::count(h.checkpoints.begin(), h.checkpoints.end(), '\n');
  return j;
}

std::string Rows(const store::BackupHeader& h, const char* table) {
  auto it = h.rows.find(table);
  return std::to_string(it == h.rows.end() ? 0 : it->second);
}

std::string Summary(const store::BackupHeader& h) {
  return h.dialect + " database of " + h.created_at + ": " + Rows(h, "patients") + " patients, " + Rows(h, "events") +
         " events, audit log to entry " + std::to_string(h.audit_seq) + "; knowledge " + h.knowledge +
         (h.site_knowledge.empty() ? "" : "; with the clinic's sign-offs") + "; " + std::to_string(h.bytes) +
         " bytes, SHA-256 " + h.sha256;
}

// --to DIR: a new file named after the time (UTC) in it; --to FILE: that file.
std::string BackupFile(const std::string& to) {
  std::error_code ec;
  if (!fs::is_directory(to, ec)) return to;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char name[64];
  std::strftime(name, sizeof name, "lenacare-%Y%m%dT%H%M%SZ.lcbak", &tm);
  return (fs::path(to) / name).string();
}

// The backups `backup --to DIR` wrote in DIR, oldest first (their names sort by time).
std::vector<fs::path> BackupsIn(const std::string& dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && name.rfind("lenacare-", 0) == 0 && name.size() > 15 &&
        name.compare(name.size() - 6, 6, ".lcbak") == 0) {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

int RunBackup(const Options& o) {
  if (o.backup_to.empty()) return Fail(Error::BadInput("to", "missing: the file (or directory) to write to"), o);
  std::error_code ec;
  const bool into_directory = fs::is_directory(o.backup_to, ec);
  if (o.backup_keep < 0) return Fail(Error::BadInput("keep", "must be 1 or more (0: keep every backup)"), o);
  if (o.backup_keep > 0 && !into_directory) {
    return Fail(Error::BadInput("keep", "only with --to DIR, a directory of backups"), o);
  }
  store::BackupHeader about;
  about.lenacare = LENACARE_VERSION;
  if (auto k = Load(o); k.ok()) {
    about.knowledge = (*k)->pack.id + " (" + (*k)->pack.document + ", " + (*k)->pack.label_date + "; fingerprint " +
                      (*k)->fingerprint + ")";
  } else {
    about.knowledge = "not loaded: " + k.error().Describe();
  }
  const std::string site = SiteKnowledgeDir(o.site_knowledge, o.db);
  if (!site.empty()) {
    std::ifstream in(fs::path(site) / "signoffs.toml");
    std::ostringstream text;
    if (in) text << in.rdbuf();
    about.site_knowledge = text.str();
  }
  const std::string file = BackupFile(o.backup_to);
  auto h = store::TakeBackup(Target(o), file, about, store::AuditFiles{o.audit_key, o.audit_checkpoints});
  if (!h.ok()) return Fail(h.error(), o);
  // Older backups go only once the new one has been read back whole.
  std::vector<std::string> removed;
  if (o.backup_keep > 0) {
    auto verified = store::VerifyBackup(file);
    if (!verified.ok()) {
      Error e = verified.error();
      e.message = "the new backup " + file + " does not verify, so no older one was removed: " + e.message;
      return Fail(e, o);
    }
    std::vector<fs::path> all = BackupsIn(o.backup_to);
    for (size_t i = 0; i + static_cast<size_t>(o.backup_keep) < all.size(); ++i) {
      if (all[i] == fs::path(file)) continue;
      if (fs::remove(all[i], ec)) removed.push_back(all[i].string());
    }
  }
  nlohmann::json j = HeaderJson(*h);
  j["file"] = file;
  j["removed"] = removed;
  std::string text = "Backup written: " + file + "\n" + Summary(*h);
  if (!removed.empty()) text += "\nRemoved " + std::to_string(removed.size()) + " older backups (--keep)";
  return Emit(o, j, text);
}

int RunBackupVerify(const Options& o) {
  auto h = store::VerifyBackup(o.backup_file);
  if (!h.ok()) {
    Error e = h.error();
    e.message = o.backup_file + ": " + e.message;
    return Fail(e, o);
  }
  nlohmann::json j = HeaderJson(*h);
  j["file"] = o.backup_file;
  j["valid"] = true;
  return Emit(o, j,
              o.backup_file + ": a whole backup (checksum, " +
                  (h->dialect == "sqlite" ? std::string("integrity check, rows and audit head")
                                          : std::string("every table read back by pg_restore")) +
                  ")\n" + Summary(*h));
}

int RunRestore(const Options& o) {
  const std::string target = Target(o);
  auto report =
      store::RestoreBackup(o.backup_file, target, *o.clock, store::AuditFiles{o.audit_key, o.audit_checkpoints});
  if (!report.ok()) return Fail(report.error(), o);
  const store::BackupHeader& h = report->header;
  std::string sign_offs;
  if (!h.site_knowledge.empty()) {
    const std::string site = SiteKnowledgeDir(o.site_knowledge, target);
    const fs::path file = fs::path(site) / "signoffs.toml";
    std::error_code ec;
    if (site.empty()) {
      sign_offs =
          "The backup holds the clinic's sign-offs of the knowledge: give --site-knowledge DIR to restore them.";
    } else if (fs::exists(file, ec)) {
      sign_offs =
          "The clinic's sign-offs were left as they are in " + file.string() + " (the backup's were not written).";
    } else {
      fs::create_directories(site, ec);
      std::ofstream out(file);
      out << h.site_knowledge;
      out.close();
      sign_offs = out ? "The clinic's sign-offs were restored to " + file.string() + "."
                      : "The clinic's sign-offs could not be written to " + file.string() + ".";
    }
  }
  nlohmann::json j = HeaderJson(h);
  j["restored_to"] = target;
  j["audit_entries_verified"] = report->audit_entries;
  j["checkpoints_checked"] = report->checkpoints;
  j["site_knowledge_note"] = sign_offs;
  return Emit(o, j,
              "Restored into " + target +
                  " and verified: integrity, rows of every table, audit head, and the audit "
                  "chain (" +
                  std::to_string(report->audit_entries) + " entries).\n" + Summary(h) +
                  (sign_offs.empty() ? "" : "\n" + sign_offs));
}

}  // namespace lenacare::cli
