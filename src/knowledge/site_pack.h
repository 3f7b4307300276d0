// A clinic's own review of the knowledge: the sign-offs of its reviewer (the oncology pharmacist),
// kept in a site pack — a directory of its own beside the base pack, <site>/signoffs.toml — that
// the loader applies over the base pack. A sign-off confirms an entry against the label the
// reviewer holds, or corrects its value; either way the entry then reads "confirmed locally by
// NAME on DATE against LABEL" instead of "unverified". A sign-off holds only for the base entry it
// was made on (a digest of it): a new base pack that changes the entry puts it back into review.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace lenacare {

// An entry of the knowledge files: "us/monitoring.toml", "cbc_schedule", "mcl-cbc" (id "" for a
// single [table] without one).
struct EntryKey {
  std::string file, section, id;
  std::string Describe() const;  // "us/monitoring.toml cbc_schedule 'mcl-cbc'"
  bool operator==(const EntryKey&) const = default;
};

struct Signoff {
  EntryKey entry;
  std::string action;  // "confirm" or "correct"
  std::string label;   // the label the reviewer checked against: "REVLIMID US label 3/2027"
  std::string by;      // who: "Pat Smith (demo-pharmacist)"
  std::string on;      // the date, YYYY-MM-DD
  std::string note;
  std::string base;  // EntryDigest() of the base pack's entry it was made on
  std::string set;   // for "correct": the keys it replaces, with their new values, as TOML text
  // "confirmed locally by Pat Smith (demo-pharmacist) on 2026-12-04 against REVLIMID US label 3/2027".
  std::string Words() const;
};

struct SitePack {
  std::string dir;  // "" when there is none
  std::vector<Signoff> signoffs;
  const Signoff* Find(const EntryKey& e) const;
  std::string File() const;  // <dir>/signoffs.toml
};

// Reads <dir>/signoffs.toml; an empty `dir`, or a directory without the file, is an empty pack. A
// malformed sign-off is an error naming it.
Result<SitePack> LoadSitePack(const std::string& dir);
// Writes the pack's file whole (a temporary file renamed over it), creating the directory.
Status SaveSitePack(const SitePack& site);
// The pack's file as text (what SaveSitePack writes).
std::string SitePackText(const SitePack& site);

// The keys a correction may set: every key of the entry but its id and its citation.
bool CorrectableKey(std::string_view key);
// EntryDigest, FindEntry and ApplySignoffs, which work on parsed TOML, are in knowledge_file.h.

}  // namespace lenacare
