// Two knowledge directories compared entry by entry, for reviewing a label update before it is
// installed (`lenacare knowledge diff OLD NEW`). An entry is a table of a knowledge file with an
// id ([[hold_rule]] id = "mm-platelets"), or a single table such as [pack]; its fields are sorted
// into what the change is about: the value, the citation, the verification, or the note.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace lenacare {

struct FieldChange {
  std::string field;
  std::string about;          // "value", "source", "verification", "note"
  std::string before, after;  // as written in TOML; "" when the field is absent on that side
};

struct EntryChange {
  std::string file;                 // "us/monitoring.toml"
  std::string section;              // "cbc_schedule"
  std::string id;                   // "mcl-cbc"; "" for a single table
  std::string change;               // "added", "removed", "changed"
  std::vector<FieldChange> fields;  // for "changed"
};

struct KnowledgeDiff {
  std::string old_dir, new_dir;
  std::string old_label, new_label;  // "us pack, label 2023-08"
  std::vector<EntryChange> entries;  // by file, section, id
  // Whether each side loads (the loader's checks); a new pack that does not load names why.
  std::string old_problem, new_problem;
};

KnowledgeDiff DiffKnowledge(const std::string& old_dir, const std::string& new_dir, const std::string& pack);

}  // namespace lenacare
