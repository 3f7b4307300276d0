#include "http/message.h"

#include <cctype>

#include "core/text.h"

namespace lenacare::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Decodes the valid escapes and keeps a malformed one as written (see ParseQuery).
std::string DecodeLeniently(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size() || HexValue(in[i + 1]) < 0 || HexValue(in[i + 2]) < 0) {
        out.clear();
        return false;
      }
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::multimap<std::string, std::string> ParseQuery(std::string_view text) {
  std::multimap<std::string, std::string> out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.emplace(DecodeLeniently(piece), std::string());
    } else {
      out.emplace(DecodeLeniently(piece.substr(0, eq)), DecodeLeniently(piece.substr(eq + 1)));
    }
  }
  return out;
}

std::string Request::Header(const std::string& name) const {
  const auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::Query(const std::string& name) const {
  const auto it = query.find(name);  // equal keys keep their order: this is the first one sent
  return it == query.end() ? std::string() : it->second;
}

std::string Request::Cookie(const std::string& name) const {
  // RFC 6265 5.4: "a=1; b=2". Values are opaque (no percent-decoding); a quoted value is unquoted.
  const std::string header = Header("cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    const std::string_view pair = Trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::string();
}

}  // namespace lenacare::http
#include "core/text.h"
