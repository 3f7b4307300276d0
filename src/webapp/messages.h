// Messages: the words the pages say, from a catalog (web/messages/<language>.toml) rather than
// C++ strings, so that each sentence is written in one place and a translation is one file.
// Keys are "section.name" ("me.took_it"); a message may name values in braces ("Take {dose}
// today"), filled from the arguments. The catalog is read once at start-up; a test checks that
// every key the code asks for is in it and every message in it is asked for (messages_test.cpp).
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace lenacare::webapp {

class Messages {
 public:
  using Args = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Reads a catalog: tables of text values, one level deep ([me] took_it = "..."). A value that
  // is not text, a nested table or an unbalanced brace is an error naming the key.
  static Result<Messages> Load(const std::string& file);

  // The message, with each {name} replaced by its argument. A key the catalog lacks gives the
  // key itself in brackets, which the tests find; an argument the message does not name is
  // ignored, a {name} without an argument is left as written.
  std::string operator()(std::string_view key, Args args = {}) const;
  // The same as HTML: the message's own text escaped, the arguments inserted as they are (the
  // caller passes HTML: an escaped value, a link, a <strong>).
  std::string Html(std::string_view key, Args args = {}) const;
  bool Has(std::string_view key) const { return text_.count(key) != 0; }
  const std::map<std::string, std::string, std::less<>>& all() const { return text_; }

 private:
  std::string Fill(std::string_view key, Args args, bool html) const;
  std::map<std::string, std::string, std::less<>> text_;
};

}  // namespace lenacare::webapp
