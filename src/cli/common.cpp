#include "cli/common.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/render.h"
#include "course/course_json.h"
#include "knowledge/loader.h"

namespace lenacare::cli {

using nlohmann::json;

int Fail(const Error& e, const Options& o) {
  std::cerr << "lenacare: " << (e.kind == ErrorKind::kCannotAssess ? "cannot assess: " : "error: ") << e.Describe()
            << "\n";
  const char* kind = e.kind == ErrorKind::kCannotAssess ? "cannot-assess"
                     : e.kind == ErrorKind::kFailed     ? "failed"
                                                        : "bad-input";
  if (o.json) {
    std::cout << json{{"error", {{"kind", kind}, {"field", e.field}, {"message", e.message}}}}.dump(2) << "\n";
  }
  switch (e.kind) {
    case ErrorKind::kCannotAssess:
      return kCannotAssess;
    case ErrorKind::kFailed:
      return kFailed;
    case ErrorKind::kBadInput:
      break;
  }
  return kBadInput;
}

int Emit(const Options& o, const json& j, const std::string& text) {
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << text << "\n" << kDisclaimer << "\n";
  }
  return kAnswered;
}

static std::string DefaultKnowledgeDir() {
  if (const char* env = std::getenv("LENACARE_KNOWLEDGE"); env != nullptr && *env != '\0') return env;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "lenacare" / "knowledge";
    if (fs::is_directory(installed)) return installed.string();
  }
  return LENACARE_DEFAULT_KNOWLEDGE;
}

Result<Knowledge> Load(const Options& o) {
  auto k = LoadKnowledge(o.knowledge_dir.empty() ? DefaultKnowledgeDir() : o.knowledge_dir, o.pack);
  if (!k.ok()) {
    Error e = k.error();
    e.message = "knowledge base refused: " + e.message;
    return e;
  }
  return k;
}

Result<Date> Today() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  return Date::FromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
}

Result<Date> DateOption(const std::string& text, const std::string& option) {
  auto d = Date::Parse(text);
  if (!d.ok()) return d.error().Under(option);
  return d;
}

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path);
  if (!in) return Error::BadInput("course", "cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<CourseAsOf> ReadCourse(const Knowledge& k, const Options& o, bool allow_before_start) {
  auto text = ReadInput(o.course_file);
  if (!text.ok()) return text.error();
  auto course = ParseCourseJson(k, *text);
  if (!course.ok()) return course.error();
  auto as_of = o.as_of.empty() ? Today() : DateOption(o.as_of, "--as-of");
  if (!as_of.ok()) return as_of.error();
  Status s = CheckEventsUpTo(*course, *as_of, allow_before_start);
  if (!s.ok()) return s.error();
  return CourseAsOf{std::move(course).value(), *as_of};
}

}  // namespace lenacare::cli
