#include "webapp/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace lenacare::webapp {
namespace {

// The length of the valid UTF-8 sequence at s[i] (1-4), or 0 when it is not valid.
size_t Utf8Length(const unsigned char* s, size_t i, size_t n) {
  const unsigned char c = s[i];
  auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && s[i + 1] < 0xA0) return 0;  // overlong
    if (c == 0xED && s[i + 1] > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && s[i + 1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && s[i + 1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void WriteString(std::string_view text, std::string& out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  out += '"';
  size_t run = 0;  // start of the bytes to copy as they are
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t len = Utf8Length(s, i, n);
      if (len > 0) {
        i += len;
        continue;
      }
    }
    out.append(text, run, i - run);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out += "\xEF\xBF\xBD";  // an invalid byte: U+FFFD
        }
    }
    ++i;
    run = i;
  }
  out.append(text, run, n - run);
  out += '"';
}

void WriteFloat(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += "null";  // as nlohmann::json::dump()
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view text(buf, static_cast<size_t>(end - buf));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

}  // namespace

void WriteJson(const nlohmann::json& j, std::string& out) {
  using V = nlohmann::json::value_t;
  switch (j.type()) {
    case V::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        WriteString(it.key(), out);
        out += ':';
        WriteJson(it.value(), out);
      }
      out += '}';
      return;
    }
    case V::array: {
      out += '[';
      bool first = true;
      for (const auto& x : j) {
        if (!first) out += ',';
        first = false;
        WriteJson(x, out);
      }
      out += ']';
      return;
    }
    case V::string:
      WriteString(j.get_ref<const std::string&>(), out);
      return;
    case V::boolean:
      out += j.get<bool>() ? "true" : "false";
      return;
    case V::number_integer:
      out += std::to_string(j.get<int64_t>());
      return;
    case V::number_unsigned:
      out += std::to_string(j.get<uint64_t>());
      return;
    case V::number_float:
      WriteFloat(j.get<double>(), out);
      return;
    case V::null:
    case V::discarded:
    case V::binary:
      out += "null";
      return;
  }
}

void WriteWorklistJson(const app::Worklist& w, std::string& out) {
  // Keys in the order nlohmann::json's objects keep them (sorted), as WriteJson writes them.
  auto key = [&out](std::string_view k) {
    out += '"';
    out += k;
    out += "\":";
  };
  auto field = [&](std::string_view k, std::string_view text) {
    key(k);
    WriteString(text, out);
  };
  out += '{';
  field("as_of", w.as_of.ToString());
  out += ',';
  key("entries");
  out += '[';
  for (size_t e = 0; e < w.entries.size(); ++e) {
    const app::WorkEntry& entry = w.entries[e];
    if (e > 0) out += ',';
    out += '{';
    field("indication", entry.indication);
    out += ',';
    key("items");
    out += '[';
    for (size_t i = 0; i < entry.items.size(); ++i) {
      const app::WorkItem& item = entry.items[i];
      if (i > 0) out += ',';
      out += '{';
      field("detail", item.detail);
      out += ',';
      key("due");
      if (item.due) {
        WriteString(item.due->ToString(), out);
      } else {
        out += "null";
      }
      out += ',';
      if (!item.finding.empty()) {
        field("finding", item.finding);
        out += ',';
      }
      field("source", item.source);
      out += ',';
      field("urgency", app::UrgencyId(item.urgency));
      out += ',';
      key("verified");
      out += item.verified ? "true" : "false";
      out += ',';
      field("what", item.what);
      out += '}';
    }
    out += "],";
    field("name", entry.patient.name);
    out += ',';
    field("patient", entry.patient.ref);
    out += '}';
  }
  out += "],";
  key("look_ahead_days");
  out += std::to_string(w.look_ahead_days);
  out += ',';
  if (w.paged) {
    key("next");
    if (w.next.empty()) {
      out += "null";
    } else {
      WriteString(w.next, out);
    }
    out += ',';
  }
  key("patients_with_a_course");
  out += std::to_string(w.patients);
  out += '}';
}

}  // namespace lenacare::webapp
